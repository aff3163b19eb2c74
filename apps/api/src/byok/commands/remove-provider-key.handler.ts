import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { PROVIDER_KEY_SCHEMA_VERSIONS, providerKeysDecider, providerKeysStream } from '@ops/domain/byok';
import { CommandRunner } from '@ops/infra/event-sourcing/command-runner';
import { RemoveProviderKeyCommand } from './remove-provider-key.command';

@CommandHandler(RemoveProviderKeyCommand)
export class RemoveProviderKeyHandler implements ICommandHandler<RemoveProviderKeyCommand, void> {
  constructor(private readonly commands: CommandRunner) {}

  async execute({ provider, context }: RemoveProviderKeyCommand): Promise<void> {
    await this.commands.run({
      streamName: providerKeysStream(context.actor),
      decider: providerKeysDecider,
      command: { type: 'RemoveProviderKey', userId: context.actor, provider },
      context,
      schemaVersions: PROVIDER_KEY_SCHEMA_VERSIONS,
    });
  }
}
