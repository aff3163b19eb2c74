import type { DomainEvent } from '@ops/domain';
import type { NewEvent } from '../event-store/event-store';
import type { CommandContext } from './command-context';
import { eventIdFor } from './event-ids';

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

/** What enveloping a command's events needs to know of the command as it was run. */
export interface EnvelopedCommand {
  streamName: string;
  command: { type: string };
  context: CommandContext;
  schemaVersions: Record<string, number>;
  now?: () => Date;
}

/** A command's events as the log stores them: ids derived as `eventIdFor` says, the time it was decided. */
export function commandEnvelopes(request: EnvelopedCommand, events: readonly DomainEvent[]): NewEvent[] {
  const ids = events.map((_, index) =>
    eventIdFor(index, {
      streamName: request.streamName,
      commandType: request.command.type,
      actor: request.context.actor,
      idempotencyKey: request.context.idempotencyKey,
    }),
  );
  const occurredAt = (request.now?.() ?? new Date()).toISOString();
  return envelopesFor(events, ids, request.context, request.schemaVersions, occurredAt);
}
