import type { CommandContext } from '@ops/infra/event-sourcing/command-context';

/** Revokes every key of a user: the erasure of their data, or an admin cutting off a compromised account. */
export class RevokeAllApiKeysCommand {
  constructor(
    readonly userId: string,
    readonly context: CommandContext,
  ) {}
}
