import type {
  EventFilter,
  EventStore,
  GlobalPosition,
  RecordedEvent,
} from '@ops/infra/event-store/event-store';

interface Known {
  position: GlobalPosition;
  head: GlobalPosition;
  next: RecordedEvent | null;
}

/**
 * The next event each projection has yet to apply, for lag reports and waits. It reads the log only
 * when a position moved: while the projection's checkpoint and the log's head stay where they were,
 * or the checkpoint has not yet passed the event found last time, the answer cannot have changed, so
 * polling a caught-up projection compares positions and reads no events.
 */
export class PendingEvents {
  private readonly known = new Map<string, Known>();

  constructor(private readonly store: EventStore) {}

  async next(
    projection: string,
    filter: EventFilter,
    position: GlobalPosition,
    head: GlobalPosition,
  ): Promise<RecordedEvent | null> {
    if (position >= head) return null;
    const known = this.known.get(projection);
    if (known && known.position === position && known.head === head) return known.next;
    if (known?.next && known.position <= position && position < known.next.position) return known.next;
    const [next] = await this.store.readAll({ from: position, filter, maxCount: 1 });
    this.known.set(projection, { position, head, next: next ?? null });
    return next ?? null;
  }
}
