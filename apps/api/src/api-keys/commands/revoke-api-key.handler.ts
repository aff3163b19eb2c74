import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { API_KEY_SCHEMA_VERSIONS, apiKeyDecider, apiKeyStream } from '@ops/domain/api-keys';
import { CommandRunner } from '@ops/infra/event-sourcing/command-runner';
import { RevokeApiKeyCommand } from './revoke-api-key.command';

@CommandHandler(RevokeApiKeyCommand)
export class RevokeApiKeyHandler implements ICommandHandler<RevokeApiKeyCommand, void> {
  constructor(private readonly commands: CommandRunner) {}

  async execute({ userId, keyId, context }: RevokeApiKeyCommand): Promise<void> {
    await this.commands.run({
      streamName: apiKeyStream(userId),
      decider: apiKeyDecider,
      command: { type: 'RevokeApiKey', userId, keyId },
      context,
      schemaVersions: API_KEY_SCHEMA_VERSIONS,
    });
  }
}
