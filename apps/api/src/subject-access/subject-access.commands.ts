import type { CommandContext } from '@ops/infra/event-sourcing/command-context';

export class DeactivateSubjectCommand {
  constructor(
    readonly subject: string,
    readonly context: CommandContext,
  ) {}
}

export class ReactivateSubjectCommand {
  constructor(
    readonly subject: string,
    readonly context: CommandContext,
  ) {}
}
