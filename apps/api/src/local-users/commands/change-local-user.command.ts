import type { HostState, LocalUserCommand } from '@ops/domain';
import type { CommandContext } from '@ops/infra/event-sourcing/command-context';

/**
 * Any change to one account on one host. `build` turns the request into the domain command once the
 * host's state is known (creation needs the host's system accounts to refuse protected names).
 */
export class ChangeLocalUserCommand {
  constructor(
    readonly hostId: string,
    readonly username: string,
    readonly build: (host: HostState) => LocalUserCommand,
    readonly context: CommandContext,
  ) {}
}
