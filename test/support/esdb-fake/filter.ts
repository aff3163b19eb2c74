import type { ReadReq } from '@eventstore/db-client/generated/streams_pb';
import type { StoredEvent } from './log';

export interface ServerFilter {
  matches(event: StoredEvent): boolean;
  /** A filtered subscription sends a checkpoint after this many events looked at. */
  checkpointEvery: number;
}

/** The server's window when the client asks for `count` instead of a maximum. */
const DEFAULT_SEARCH_WINDOW = 32;

/**
 * A read's filter as the server applies it: on the stream name or on the event type, by regex or by
 * a list of prefixes, over every event in the log (system events included, as a real server does).
 */
export function serverFilter(options: ReadReq.Options.FilterOptions): ServerFilter {
  const byStream = options.hasStreamIdentifier();
  const expression = byStream ? options.getStreamIdentifier() : options.getEventType();
  if (!expression) throw new Error('A filter needs a stream-name or event-type expression');
  const regex = expression.getRegex();
  const prefixes = expression.getPrefixList();
  const pattern = regex.length > 0 ? new RegExp(regex) : null;
  const test = (value: string): boolean =>
    pattern ? pattern.test(value) : prefixes.some((prefix) => value.startsWith(prefix));
  const window = options.hasMax() ? options.getMax() : DEFAULT_SEARCH_WINDOW;
  return {
    matches: (event) => test(byStream ? event.streamName : event.type),
    checkpointEvery: Math.max(1, options.getCheckpointintervalmultiplier()) * window,
  };
}
