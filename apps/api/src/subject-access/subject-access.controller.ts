import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '@ops/infra/auth';
import type { CommandContext } from '@ops/infra/event-sourcing/command-context';
import { CommandCtx } from '../common/command-context.decorator';
import { DeactivateSubjectCommand, ReactivateSubjectCommand } from './subject-access.commands';
import { SubjectAccessView } from './subject-access.view';
import { API_KEYS_PROJECTION } from '@ops/infra/read-models';
import { ReadModels } from '../common/read-your-writes/read-models.decorator';

/** An admin's switch over whether a person (a token subject) may use the platform at all. */
@ApiTags('users')
@ApiBearerAuth()
@Roles('admin')
@ReadModels(API_KEYS_PROJECTION)
@Controller('api/v1/users')
export class SubjectAccessController {
  constructor(private readonly commands: CommandBus) {}

  /** Refuses the person's tokens and keys from now on and revokes every key they hold. */
  @Post(':userId/deactivate')
  @HttpCode(200)
  @ApiOkResponse({ type: SubjectAccessView })
  deactivate(
    @Param('userId') userId: string,
    @CommandCtx() context: CommandContext,
  ): Promise<SubjectAccessView> {
    return this.commands.execute(new DeactivateSubjectCommand(userId, context));
  }

  /** Lets the person's tokens in again; their revoked keys stay revoked. */
  @Post(':userId/reactivate')
  @HttpCode(200)
  @ApiOkResponse({ type: SubjectAccessView })
  reactivate(
    @Param('userId') userId: string,
    @CommandCtx() context: CommandContext,
  ): Promise<SubjectAccessView> {
    return this.commands.execute(new ReactivateSubjectCommand(userId, context));
  }
}
