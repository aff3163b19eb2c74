import type { CommandContext } from '@ops/infra/event-sourcing/command-context';

export class RevokeApiKeyCommand {
  constructor(
    readonly userId: string,
    readonly keyId: string,
    readonly context: CommandContext,
  ) {}
}
