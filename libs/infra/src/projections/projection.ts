import type { EntityManager } from 'typeorm';
import type { EventFilter, RecordedEvent } from '../event-store/event-store';

/**
 * A read model (or relay) fed by the projector. The runtime calls `apply` with a batch of events in
 * global order inside one transaction that also advances this projection's checkpoint, so a crash
 * can neither lose nor double an event.
 */
export interface Projection {
  /** Stable name: the checkpoint's key and the advisory-lock key. */
  readonly name: string;
  readonly filter: EventFilter;
  apply(events: readonly RecordedEvent[], tx: EntityManager): Promise<void>;
  /** Removes what the projection wrote, inside the rebuild's transaction (its checkpoint is reset by the runtime). */
  reset(tx: EntityManager): Promise<void>;
}

export const PROJECTIONS = Symbol('PROJECTIONS');
