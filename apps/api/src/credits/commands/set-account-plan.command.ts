import type { CommandContext } from '@ops/infra/event-sourcing/command-context';

export class SetAccountPlanCommand {
  constructor(
    readonly userId: string,
    readonly tier: string,
    readonly monthlyCapMicros: string | null,
    readonly defaultPowerLevel: string,
    readonly privacyMode: boolean,
    readonly context: CommandContext,
  ) {}
}
