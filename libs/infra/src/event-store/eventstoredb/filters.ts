import type { Filter, Position, RecordedEvent as EsdbRecordedEvent } from '@eventstore/db-client';
import { eventTypeFilter, excludeSystemEvents, streamNameFilter } from '@eventstore/db-client';
import { matchesEventFilter, type EventFilter } from '../event-store';
import { isSystemEvent } from './event-mapping';

type CheckpointReached = (subscription: unknown, position: Position) => void;

/**
 * The server filters on one thing only (stream names or event types), so it gets the more selective
 * part of ours and `matchesFilter` checks the whole filter on every event that arrives.
 */
export function serverFilter(filter: EventFilter | undefined, checkpointReached?: CheckpointReached): Filter {
  const options = checkpointReached ? { checkpointReached } : {};
  const prefixes = filter?.streamPrefixes ?? [];
  if (prefixes.length > 0) return streamNameFilter({ prefixes: [...prefixes], ...options });
  const types = filter?.eventTypes ?? [];
  if (types.length > 0)
    return eventTypeFilter({ regex: `^(?:${types.map(escapeRegExp).join('|')})$`, ...options });
  return excludeSystemEvents(options);
}

export function matchesFilter(event: EsdbRecordedEvent, filter: EventFilter | undefined): boolean {
  return !isSystemEvent(event) && matchesEventFilter(filter, event.streamId, event.type);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
