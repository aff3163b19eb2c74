import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { apiKeys } from '@ops/domain/api-keys';
import { CommandRunner } from '@ops/infra/event-sourcing/command-runner';
import { RevokeApiKeyCommand } from './revoke-api-key.command';

@CommandHandler(RevokeApiKeyCommand)
export class RevokeApiKeyHandler implements ICommandHandler<RevokeApiKeyCommand, void> {
  constructor(private readonly commands: CommandRunner) {}

  async execute({ userId, keyId, context }: RevokeApiKeyCommand): Promise<void> {
    await this.commands.run({
      ...apiKeys.stream(userId),
      command: { type: 'RevokeApiKey', userId, keyId },
      context,
    });
  }
}
