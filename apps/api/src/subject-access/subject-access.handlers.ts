import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { assertValidUserId } from '@ops/domain';
import { type SubjectAccessCommand, subjectAccess } from '@ops/domain/api-keys';
import type { CommandContext } from '@ops/infra/event-sourcing/command-context';
import { CommandRunner } from '@ops/infra/event-sourcing/command-runner';
import { RevokeAllApiKeysCommand } from '../api-keys/commands/revoke-all-api-keys.command';
import type { RevokedApiKeysView } from '../api-keys/dto/api-key-views.dto';
import { DeactivateSubjectCommand, ReactivateSubjectCommand } from './subject-access.commands';
import type { SubjectAccessView } from './subject-access.view';

async function record(
  commands: CommandRunner,
  command: SubjectAccessCommand,
  context: CommandContext,
): Promise<boolean> {
  // Before the stream name is built from it.
  assertValidUserId(command.subject, 'subject');
  const outcome = await commands.run({
    ...subjectAccess.stream(command.subject),
    command,
    context,
  });
  return outcome.state.active;
}

/**
 * Shuts the subject out first (every token and key is refused from then on), then revokes their keys,
 * so that a later reactivation does not bring back keys that may have leaked meanwhile.
 */
@CommandHandler(DeactivateSubjectCommand)
export class DeactivateSubjectHandler implements ICommandHandler<
  DeactivateSubjectCommand,
  SubjectAccessView
> {
  constructor(
    private readonly commands: CommandRunner,
    private readonly bus: CommandBus,
  ) {}

  async execute({ subject, context }: DeactivateSubjectCommand): Promise<SubjectAccessView> {
    const active = await record(
      this.commands,
      { type: 'DeactivateSubject', subject, by: context.actor },
      context,
    );
    const revoked = await this.bus.execute<RevokeAllApiKeysCommand, RevokedApiKeysView>(
      new RevokeAllApiKeysCommand(subject, context),
    );
    return { subject, active, api_keys_revoked: revoked.revoked };
  }
}

@CommandHandler(ReactivateSubjectCommand)
export class ReactivateSubjectHandler implements ICommandHandler<
  ReactivateSubjectCommand,
  SubjectAccessView
> {
  constructor(private readonly commands: CommandRunner) {}

  async execute({ subject, context }: ReactivateSubjectCommand): Promise<SubjectAccessView> {
    const active = await record(
      this.commands,
      { type: 'ReactivateSubject', subject, by: context.actor },
      context,
    );
    return { subject, active, api_keys_revoked: 0 };
  }
}
