import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { providerKeys } from '@ops/domain/byok';
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
      ...providerKeys.stream(context.actor),
      command: { type: 'RemoveProviderKey', userId: context.actor, provider },
      context,
    });
    this.resolver.forget(context.actor);
  }
}
