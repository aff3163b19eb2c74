import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '@ops/infra/auth';
import type { CommandContext } from '@ops/infra/event-sourcing/command-context';
import { CommandCtx } from '../../common/command-context.decorator';
import { ReadModels } from '../../common/read-your-writes/read-models.decorator';
import { PriceImportDto } from './dto/price-import.dto';
import { PriceImportService, type PriceImportView } from './price-import.service';

/** The operators' side of the gateway's catalog: price imports, recorded as catalog changes. */
@ApiTags('llm catalog')
@ApiBearerAuth()
@Roles('admin')
// No read model serves the catalog: an import waits until this node's catalog has applied it.
@ReadModels()
@Controller('api/v1/llm/catalog')
export class CatalogController {
  constructor(private readonly imports: PriceImportService) {}

  @Post('price-imports')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ description: 'What the list changes (applied unless dry_run), and what it could not use' })
  import(@Body() body: PriceImportDto, @CommandCtx() context: CommandContext): Promise<PriceImportView> {
    return this.imports.import(body, context);
  }
}
