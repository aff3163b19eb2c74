import type { CommandContext } from '@ops/infra/event-sourcing/command-context';

export class GrantCreditsCommand {
  constructor(
    readonly userId: string,
    readonly amountMicros: string,
    readonly reason: string,
    readonly context: CommandContext,
  ) {}
}
