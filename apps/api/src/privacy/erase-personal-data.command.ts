import type { CommandContext } from '@ops/infra/event-sourcing/command-context';

export class ErasePersonalDataCommand {
  constructor(
    readonly subject: string,
    readonly context: CommandContext,
  ) {}
}
