import { Body, Controller, Get, HttpCode, HttpStatus, Inject, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Margin } from '@ops/domain';
import { Roles } from '@ops/infra/auth';
import type { CommandContext } from '@ops/infra/event-sourcing/command-context';
import { CommandCtx } from '../../common/command-context.decorator';
import { ReadModels } from '../../common/read-your-writes/read-models.decorator';
import { MARGIN } from '../credits/margin.provider';
import { LlmCatalog } from '../routing/llm-catalog';
import { CatalogView, catalogView } from './catalog-view';
import { PriceImportDto } from './dto/price-import.dto';
import { PriceImportService, type PriceImportView } from './price-import.service';

/** The operators' side of the gateway's catalog: what each tier pays, and price imports recorded as changes. */
@ApiTags('llm catalog')
@ApiBearerAuth()
@Roles('admin')
// No read model serves the catalog: an import waits until this node's catalog has applied it.
@ReadModels()
@Controller('api/v1/llm/catalog')
export class CatalogController {
  constructor(
    private readonly imports: PriceImportService,
    private readonly catalog: LlmCatalog,
    @Inject(MARGIN) private readonly margin: Margin,
  ) {}

  /** Every model, retired ones too, as this node routes on it now. */
  @Get()
  @ApiOkResponse({ type: CatalogView })
  list(): CatalogView {
    const { version, models } = this.catalog.current();
    return catalogView(version, models, this.margin);
  }

  @Post('price-imports')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ description: 'What the list changes (applied unless dry_run), and what it could not use' })
  import(@Body() body: PriceImportDto, @CommandCtx() context: CommandContext): Promise<PriceImportView> {
    return this.imports.import(body, context);
  }
}
