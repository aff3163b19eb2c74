import type { CommandContext } from '@ops/infra/event-sourcing/command-context';

export class IssueApiKeyCommand {
  constructor(
    readonly userId: string,
    readonly name: string,
    readonly expiresAt: string | null,
    readonly context: CommandContext,
  ) {}
}
