import type { CommandContext } from '@ops/infra/event-sourcing/command-context';

export class RemoveProviderKeyCommand {
  constructor(
    readonly provider: string,
    readonly context: CommandContext,
  ) {}
}
