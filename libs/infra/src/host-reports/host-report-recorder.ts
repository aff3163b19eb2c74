import { Injectable } from '@nestjs/common';
import { type HostInventory, type HostOutcome, managedHost, localUser } from '@ops/domain';
import { CommandRunner } from '../event-sourcing/command-runner';
import { randomUUID } from 'node:crypto';

/**
 * Turns what agents report into events: an outcome onto the account's stream, an inventory onto the
 * host's. A report delivered twice appends once (the idempotency key is the command and its status;
 * an unchanged inventory appends nothing).
 */
@Injectable()
export class HostReportRecorder {
  /**
   * Straight to the runner, not through Nest's CommandBus: the in-process agent reports its inventory
   * from a bootstrap hook, before the bus has its handlers.
   */
  constructor(private readonly commands: CommandRunner) {}

  async outcome(outcome: HostOutcome): Promise<void> {
    await this.commands.run({
      ...localUser.stream(outcome.hostId, outcome.username),
      command: { type: 'RecordHostOutcome', hostId: outcome.hostId, username: outcome.username, outcome },
      context: {
        actor: `host-agent:${outcome.hostId}`,
        correlationId: outcome.commandId,
        causationId: outcome.commandId,
        idempotencyKey: `outcome:${outcome.commandId}:${outcome.status}`,
        source: 'host-agent',
      },
    });
  }

  async inventory(inventory: HostInventory): Promise<void> {
    await this.commands.run({
      ...managedHost.stream(inventory.hostId),
      command: { type: 'RecordInventory', inventory },
      context: {
        actor: `host-agent:${inventory.hostId}`,
        correlationId: randomUUID(),
        causationId: null,
        source: 'host-agent',
      },
    });
  }
}
