import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { PROVIDER_KEY_SCHEMA_VERSIONS, providerKeysDecider, providerKeysStream } from '@ops/domain/byok';
import { CommandRunner } from '@ops/infra/event-sourcing/command-runner';
import { ByokKeyResolver } from '../byok-key-resolver';
import { RemoveProviderKeyCommand } from './remove-provider-key.command';

@CommandHandler(RemoveProviderKeyCommand)
export class RemoveProviderKeyHandler implements ICommandHandler<RemoveProviderKeyCommand, void> {
  constructor(
    private readonly commands: CommandRunner,
    private readonly resolver: ByokKeyResolver,
  ) {}

  async execute({ provider, context }: RemoveProviderKeyCommand): Promise<void> {
    await this.commands.run({
      streamName: providerKeysStream(context.actor),
      decider: providerKeysDecider,
      command: { type: 'RemoveProviderKey', userId: context.actor, provider },
      context,
      schemaVersions: PROVIDER_KEY_SCHEMA_VERSIONS,
    });
    this.resolver.forget(context.actor);
  }
}
