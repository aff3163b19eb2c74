import type { DomainEvent } from '@ops/domain';
import type { NewEvent } from '../event-store/event-store';
import type { CommandContext } from './command-context';

/** Wraps a command's events in the log's envelope: ids, schema versions and who/why/when. */
export function envelopesFor(
  events: readonly DomainEvent[],
  ids: readonly string[],
  context: CommandContext,
  schemaVersions: Record<string, number>,
  occurredAt: string,
): NewEvent[] {
  return events.map((event, index) => ({
    id: ids[index],
    type: event.type,
    schemaVersion: schemaVersions[event.type],
    data: event.data,
    metadata: {
      actor: context.actor,
      correlationId: context.correlationId,
      causationId: context.causationId,
      occurredAt,
      source: context.source,
    },
  }));
}
