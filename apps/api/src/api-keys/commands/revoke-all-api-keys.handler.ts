import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { apiKeys } from '@ops/domain/api-keys';
import { CommandRunner } from '@ops/infra/event-sourcing/command-runner';
import type { RevokedApiKeysView } from '../dto/api-key-views.dto';
import { RevokeAllApiKeysCommand } from './revoke-all-api-keys.command';

@CommandHandler(RevokeAllApiKeysCommand)
export class RevokeAllApiKeysHandler implements ICommandHandler<RevokeAllApiKeysCommand, RevokedApiKeysView> {
  constructor(private readonly commands: CommandRunner) {}

  async execute({ userId, context }: RevokeAllApiKeysCommand): Promise<RevokedApiKeysView> {
    const outcome = await this.commands.run({
      ...apiKeys.stream(userId),
      command: { type: 'RevokeAllApiKeys', userId },
      context,
    });
    return { user_id: userId, revoked: outcome.eventIds.length };
  }
}
