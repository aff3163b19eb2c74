import { Injectable } from '@nestjs/common';
import { HOST_CATEGORY, HOST_EVENT_TYPES, type HostEvent } from '@ops/domain';
import type { RecordedEvent } from '@ops/infra/event-store/event-store';
import { domainEvents } from '@ops/infra/projections/domain-events';
import type { Projection } from '@ops/infra/projections/projection';
import { HOSTS_PROJECTION } from '@ops/infra/read-models';
import type { EntityManager } from 'typeorm';

/** Managed servers and their latest account inventory, so drift shows next to what we manage. */
@Injectable()
export class HostsProjection implements Projection {
  readonly name = HOSTS_PROJECTION;
  readonly filter = { streamPrefixes: [HOST_CATEGORY], eventTypes: HOST_EVENT_TYPES };
  readonly tables = [{ name: 'hosts' }];

  async apply(events: readonly RecordedEvent[], tx: EntityManager): Promise<void> {
    for (const event of domainEvents<HostEvent>(events, HOST_EVENT_TYPES)) {
      if (event.type === 'HostRegistered') {
        await tx.query(
          `INSERT INTO hosts (host_id, name, registered_at, registered_by) VALUES ($1, $2, $3, $4)
           ON CONFLICT (host_id) DO UPDATE SET name = EXCLUDED.name`,
          [event.data.hostId, event.data.name, event.metadata.occurredAt, event.metadata.actor],
        );
      } else if (event.type === 'HostInventoryReported') {
        await tx.query(
          `UPDATE hosts SET inventory = $2::jsonb, inventory_taken_at = $3, inventory_groups = $4,
                            inventory_shells = $5
            WHERE host_id = $1`,
          [
            event.data.hostId,
            JSON.stringify(event.data.accounts),
            event.data.takenAt,
            event.data.groups ?? null,
            event.data.shells ?? null,
          ],
        );
      }
    }
  }

  async reset(tx: EntityManager): Promise<void> {
    await tx.query('TRUNCATE hosts');
  }
}
