import type { CommandContext } from '@ops/infra/event-sourcing/command-context';

/** The caller (context.actor) stores their own key. */
export class AddProviderKeyCommand {
  constructor(
    readonly provider: string,
    readonly apiKey: string,
    readonly label: string | null,
    readonly context: CommandContext,
  ) {}
}
