import type { EntityManager } from 'typeorm';
import type { EventFilter, RecordedEvent } from '../event-store/event-store';

/** A table a projection writes, named as its queries name it (unqualified, found through search_path). */
export interface ProjectionTable {
  readonly name: string;
  /**
   * Columns stamped with the time of projecting rather than taken from events (a wall-clock
   * `updated_at`): a rebuild cannot reproduce them, so the rebuild comparison leaves them out and
   * says so.
   */
  readonly unreproducibleColumns?: readonly string[];
}

/**
 * A read model (or relay) fed by the projector. The runtime calls `apply` with a batch of events in
 * global order inside one transaction that also advances this projection's checkpoint, so a crash
 * can neither lose nor double an event. Read models share that transaction with each other (each
 * behind a savepoint, so one failing rolls back alone); a relay has one of its own.
 */
export interface Projection {
  /** Stable name: the checkpoint's key and the advisory-lock key. */
  readonly name: string;
  readonly filter: EventFilter;
  /**
   * Every table `apply` writes or reads, so that a rebuild can replay into empty copies of them and
   * compare the copies with the live ones. Absent for a relay, which writes no rows (and so is not
   * made to share its transaction with the read models).
   */
  readonly tables?: readonly ProjectionTable[];
  apply(events: readonly RecordedEvent[], tx: EntityManager): Promise<void>;
  /** Removes what the projection wrote, inside the rebuild's transaction (its checkpoint is reset by the runtime). */
  reset(tx: EntityManager): Promise<void>;
}

export const PROJECTIONS = Symbol('PROJECTIONS');
