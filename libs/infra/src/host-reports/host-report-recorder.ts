import { Injectable } from '@nestjs/common';
import {
  HOST_SCHEMA_VERSIONS,
  hostDecider,
  hostStream,
  LOCAL_USER_SCHEMA_VERSIONS,
  localUserDecider,
  localUserStream,
  type HostInventory,
  type HostOutcome,
} from '@ops/domain';
import { CommandRunner } from '../event-sourcing/command-runner';
import { randomUUID } from 'node:crypto';

/**
 * Turns what agents report into events: an outcome onto the account's stream, an inventory onto the
 * host's. A report delivered twice appends once (the idempotency key is the command and its status;
 * an unchanged inventory appends nothing).
 */
@Injectable()
export class HostReportRecorder {
  constructor(private readonly commands: CommandRunner) {}

  async outcome(outcome: HostOutcome): Promise<void> {
    await this.commands.run({
      streamName: localUserStream(outcome.hostId, outcome.username),
      decider: localUserDecider,
      command: { type: 'RecordHostOutcome', hostId: outcome.hostId, username: outcome.username, outcome },
      context: {
        actor: `host-agent:${outcome.hostId}`,
        correlationId: outcome.commandId,
        causationId: outcome.commandId,
        idempotencyKey: `outcome:${outcome.commandId}:${outcome.status}`,
        source: 'host-agent',
      },
      schemaVersions: LOCAL_USER_SCHEMA_VERSIONS,
    });
  }

  async inventory(inventory: HostInventory): Promise<void> {
    await this.commands.run({
      streamName: hostStream(inventory.hostId),
      decider: hostDecider,
      command: { type: 'RecordInventory', inventory },
      context: {
        actor: `host-agent:${inventory.hostId}`,
        correlationId: randomUUID(),
        causationId: null,
        source: 'host-agent',
      },
      schemaVersions: HOST_SCHEMA_VERSIONS,
    });
  }
}
