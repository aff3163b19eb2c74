import type { HostCommand, HostInventory, HostOutcome } from '@ops/domain/local-users/host-command';

export type HostCommandHandler = (command: HostCommand) => Promise<HostOutcome>;

/**
 * Where host commands come from: Kafka in the distributed setup, an in-process channel on a single
 * node. Either way a command counts as delivered only once the handler's promise resolved, which the
 * agent does after the outcome was reported.
 */
export interface HostCommandSource {
  start(handler: HostCommandHandler): Promise<void>;
  stop(): Promise<void>;
}

/** Where the agent reports to; each outcome becomes an event on the account's stream. */
export interface HostReportSink {
  outcome(outcome: HostOutcome): Promise<void>;
  inventory(inventory: HostInventory): Promise<void>;
}
