import { Injectable } from '@nestjs/common';
import {
  CREDIT_ACCOUNT_CATEGORY,
  type CreditsDebited,
  type CreditsReleased,
  type CreditsReserved,
} from '@ops/domain';
import type { RecordedEvent } from '@ops/infra/event-store/event-store';
import { domainEvents } from '@ops/infra/projections/domain-events';
import type { Projection } from '@ops/infra/projections/projection';
import { CREDIT_HOLDS_PROJECTION } from '@ops/infra/read-models';
import type { EntityManager } from 'typeorm';

type HoldEvent = CreditsReserved | CreditsReleased | CreditsDebited;

const HOLD_EVENT_TYPES: readonly HoldEvent['type'][] = [
  'CreditsReserved',
  'CreditsReleased',
  'CreditsDebited',
];

/**
 * Open holds: inserted when reserved, deleted when released (by a release, or by the debit that
 * settles the hold and ends it), so only the open ones remain.
 */
@Injectable()
export class CreditHoldsProjection implements Projection {
  readonly name = CREDIT_HOLDS_PROJECTION;
  readonly tables = [{ name: 'credit_holds' }];
  readonly filter = {
    streamPrefixes: [CREDIT_ACCOUNT_CATEGORY],
    eventTypes: HOLD_EVENT_TYPES,
  };

  async apply(batch: readonly RecordedEvent[], tx: EntityManager): Promise<void> {
    const events = domainEvents<HoldEvent>(batch, HOLD_EVENT_TYPES);
    const reserved = events.filter((event) => event.type === 'CreditsReserved');
    const released = new Set(
      events
        .filter(
          (event) =>
            event.type === 'CreditsReleased' ||
            (event.type === 'CreditsDebited' && event.data.releasedMicros !== undefined),
        )
        .map((event) => event.data.reservationId),
    );
    // A hold reserved and released within one batch never needs a row.
    const opened = reserved.filter((event) => !released.has(event.data.reservationId));
    if (opened.length > 0) {
      await tx.query(
        `INSERT INTO credit_holds (reservation_id, user_id, request_id, amount_micros, expires_at)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::timestamptz[])`,
        [
          opened.map((event) => event.data.reservationId),
          opened.map((event) => event.data.userId),
          opened.map((event) => event.data.requestId),
          opened.map((event) => event.data.amountMicros),
          opened.map((event) => event.data.expiresAt),
        ],
      );
    }
    if (released.size > 0) {
      await tx.query('DELETE FROM credit_holds WHERE reservation_id = ANY($1::text[])', [[...released]]);
    }
  }

  async reset(tx: EntityManager): Promise<void> {
    await tx.query('TRUNCATE credit_holds');
  }
}
