import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBadRequestResponse, ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '@ops/infra/auth';
import type { CommandContext } from '@ops/infra/event-sourcing/command-context';
import { CommandCtx } from '../common/command-context.decorator';
import { assertErasureConfirmed, ConfirmErasureDto } from './confirm-erasure.dto';
import { ErasePersonalDataCommand } from './erase-personal-data.command';
import { ErasureView } from './erasure-view';
import { API_KEYS_PROJECTION } from '@ops/infra/read-models';
import { ReadModels } from '../common/read-your-writes/read-models.decorator';

@ApiTags('privacy')
@ApiBearerAuth()
@Roles('admin')
@ReadModels(API_KEYS_PROJECTION)
@Controller('api/v1/privacy/subjects')
export class PrivacyController {
  constructor(private readonly commands: CommandBus) {}

  /** Erases a person's personal data for good; their events stay, what was personal reads as erased. */
  @Post(':userId/erase')
  @HttpCode(200)
  @ApiOkResponse({ type: ErasureView })
  @ApiBadRequestResponse({ description: 'Without `{"confirm": "<subject id>"}` (the same id as the URL)' })
  erase(
    @Param('userId') userId: string,
    @Body() body: ConfirmErasureDto,
    @CommandCtx() context: CommandContext,
  ): Promise<ErasureView> {
    assertErasureConfirmed(userId, body);
    return this.commands.execute(new ErasePersonalDataCommand(userId, context));
  }
}
