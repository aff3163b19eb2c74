import type { CommandContext } from '@ops/infra/event-sourcing/command-context';

/** An admin's manual credit movement: a grant adds, a revocation takes back. */
export class AdjustCreditsCommand {
  constructor(
    readonly kind: 'GrantCredits' | 'RevokeCredits',
    readonly userId: string,
    readonly amountMicros: string,
    readonly reason: string,
    readonly context: CommandContext,
  ) {}
}
