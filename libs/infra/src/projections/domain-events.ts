import type { DomainEvent } from '@ops/domain';
import type { RecordedEvent } from '../event-store/event-store';

/**
 * A recorded event typed as the domain's: `type` discriminates `data`, so comparing the type narrows
 * the data. Over a union of domain events it is the union of their recorded forms.
 */
export type DomainRecordedEvent<Event extends DomainEvent> = Event extends DomainEvent
  ? Omit<RecordedEvent, 'type' | 'data'> & { readonly type: Event['type']; readonly data: Event['data'] }
  : never;

/**
 * Where a raw event enters a projection: whether it is of one of the types the projection declares,
 * and then typed as the domain's event of that type. Every schema version of an event reads as its
 * current type (a later version only adds optional fields), so the type alone decides the data's shape.
 */
export function isDomainEvent<Event extends DomainEvent>(
  event: RecordedEvent,
  types: readonly Event['type'][],
): event is DomainRecordedEvent<Event> {
  const declared: readonly string[] = types;
  return declared.includes(event.type);
}

/** The events of a batch of the declared types, typed as the domain's, in their order. */
export function domainEvents<Event extends DomainEvent>(
  events: readonly RecordedEvent[],
  types: readonly Event['type'][],
): DomainRecordedEvent<Event>[] {
  return events.filter((event): event is DomainRecordedEvent<Event> => isDomainEvent<Event>(event, types));
}
