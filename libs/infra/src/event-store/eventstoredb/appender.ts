import type { EventStoreDBClient } from '@eventstore/db-client';
import { MaxAppendSizeExceededError, NO_STREAM, WrongExpectedVersionError } from '@eventstore/db-client';
import type { AppendResult, ExpectedRevision, NewEvent } from '../event-store';
import { WrongExpectedRevisionError } from '../event-store';
import { EventTooLargeError } from '../event-store-errors';
import { withReconnects } from './client-errors';
import { encodeEsdbPosition, type PositionedRecord } from './event-mapping';
import { chainLinks, type ChainHead } from '../integrity/application-chain';
import { earliestStart, findPreviousAppend } from './previous-append';
import { prepareEvents, serializeEvents, splitBySize, type PreparedEvent } from './serialization';
import { toRecordedEvent } from './event-mapping';

/** Reads part of a stream, oldest first; a missing or hidden stream reads as empty. */
export type StreamReader = (
  streamName: string,
  fromRevision: bigint,
  maxCount?: number,
) => Promise<PositionedRecord[]>;

/** Under the server's default `MaxAppendSize` (1 MiB), with room for what it adds per event. */
export const DEFAULT_MAX_APPEND_BYTES = 1_000_000;
/**
 * Streams whose heads this process keeps: for each, the head its last append chained on and the one it
 * left, so the next append, or a retry of the last one, chains on without reading.
 */
const CACHED_STREAMS = 10_000;

/** A run of an append met another writer: `run` says how many runs before it were stored. */
class Conflict extends Error {
  constructor(
    readonly run: number,
    readonly actual: bigint,
  ) {
    super(`Conflict at run ${run}: the stream is at ${actual}`);
  }
}

function actualOf(error: WrongExpectedVersionError): bigint {
  return typeof error.actualVersion === 'bigint' ? error.actualVersion : -1n;
}

function pause(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * Math.min(attempt, 20)));
}

/**
 * The append path. An exact or `no_stream` expectation goes to the server as it is: the server itself
 * answers a retry at the same expectation from what it stored, so the usual append reads nothing. Only
 * after a conflict is the stream read, from just before the expectation up to the revision the server
 * reported, to tell a retry made with another expectation from a real conflict. `any` and
 * `stream_exists` read the stream once, because the port refuses ids reused from anywhere in it, then
 * write at the revision read, and after each lost race read only what the winner wrote.
 *
 * Appends larger than the server's limit go as consecutive runs (each at the revision the previous one
 * reached). They are not atomic then; retrying the whole append with the same ids completes it.
 *
 * Each event is chained to the one before it in its stream, computed here as PostgreSQL computes it in
 * `append_events`: a link is only right at the revision it was computed for, which the exact
 * expectation every write carries makes sure of. The head an append chains on is the one this process
 * wrote last (no read) or, failing that, the one event at the expected revision.
 */
export class Appender {
  private readonly heads = new Map<string, readonly (ChainHead | null)[]>();

  constructor(
    private readonly client: EventStoreDBClient,
    private readonly read: StreamReader,
    private maxAppendBytes = DEFAULT_MAX_APPEND_BYTES,
  ) {}

  async append(
    streamName: string,
    events: readonly NewEvent[],
    expected: ExpectedRevision,
  ): Promise<AppendResult> {
    const prepared = prepareEvents(streamName, events);
    if (expected === 'any' || expected === 'stream_exists')
      return this.appendChecked(streamName, prepared, expected);
    return this.appendExpecting(streamName, prepared, expected);
  }

  private async appendExpecting(
    streamName: string,
    events: readonly PreparedEvent[],
    expected: 'no_stream' | bigint,
  ): Promise<AppendResult> {
    let revision = expected === 'no_stream' ? -1n : expected;
    for (;;) {
      try {
        return await this.writeRuns(streamName, events, revision, await this.headAt(streamName, revision));
      } catch (error) {
        if (!(error instanceof Conflict)) throw error;
        const ids = events.map(({ event }) => event.id);
        if (error.run > 0) throw new WrongExpectedRevisionError(streamName, expected, error.actual);
        const seen = await this.readAround(streamName, ids, revision, error.actual);
        const previous = findPreviousAppend(streamName, seen, ids);
        if (previous) return previous;
        // Truncated or soft-deleted to the end, the stream reads as empty, as the caller saw it: it goes on.
        const hidden = revision === -1n && seen.length === 0 && error.actual >= 0n;
        if (!hidden) throw new WrongExpectedRevisionError(streamName, expected, error.actual);
        revision = error.actual;
      }
    }
  }

  /** The records an identical append would occupy: from just before `expected + 1` up to `actual`. */
  private async readAround(
    streamName: string,
    ids: readonly string[],
    expected: bigint,
    actual: bigint,
  ): Promise<PositionedRecord[]> {
    const from = expected + 1n - BigInt(ids.length) > 0n ? expected + 1n - BigInt(ids.length) : 0n;
    if (actual < from) return [];
    const seen = await this.read(streamName, from, Number(actual - from + 1n));
    const start = earliestStart(seen, ids);
    if (start === null || start >= from || start < 0n) return seen;
    return [...(await this.read(streamName, start, Number(from - start))), ...seen];
  }

  private async appendChecked(
    streamName: string,
    events: readonly PreparedEvent[],
    expected: 'any' | 'stream_exists',
  ): Promise<AppendResult> {
    const ids = events.map(({ event }) => event.id);
    let stored = await this.read(streamName, 0n);
    let current = stored.at(-1)?.revision ?? -1n;
    for (let attempt = 1; ; attempt += 1) {
      const previous = findPreviousAppend(streamName, stored, ids);
      if (previous) return previous;
      if (expected === 'stream_exists' && current === -1n)
        throw new WrongExpectedRevisionError(streamName, expected, current);
      try {
        const last = stored.at(-1);
        const head =
          last && last.revision === current ? toRecordedEvent(last) : await this.headAt(streamName, current);
        return await this.writeRuns(streamName, events, current, head);
      } catch (error) {
        if (!(error instanceof Conflict)) throw error;
        // Each lost race means another writer made progress, so `any` keeps going until it wins.
        stored = [...stored, ...(await this.read(streamName, current + 1n))];
        const lastRead = stored.at(-1)?.revision ?? -1n;
        current = [error.actual, lastRead, current].reduce((high, value) => (value > high ? value : high));
        await pause(attempt);
      }
    }
  }

  /** The stream's event at `revision` as a chain head (null before the first event). */
  private async headAt(streamName: string, revision: bigint): Promise<ChainHead | null> {
    if (revision < 0n) return null;
    const known = this.heads.get(streamName)?.find((head) => head?.revision === revision);
    if (known) return known;
    const [record] = await this.read(streamName, revision, 1);
    return record ? toRecordedEvent(record) : { revision };
  }

  private remember(streamName: string, before: ChainHead | null, after: ChainHead): void {
    this.heads.delete(streamName);
    this.heads.set(streamName, [before, after]);
    if (this.heads.size > CACHED_STREAMS) this.heads.delete(this.heads.keys().next().value as string);
  }

  /** Writes the append in runs under the size limit, each expecting where the previous one ended. */
  private async writeRuns(
    streamName: string,
    events: readonly PreparedEvent[],
    expected: bigint,
    head: ChainHead | null,
  ): Promise<AppendResult> {
    const links = chainLinks(
      streamName,
      events.map(({ event }) => event),
      head,
    );
    let runs = splitBySize(serializeEvents(streamName, events, links), this.maxAppendBytes);
    let revision = expected;
    let result: AppendResult | null = null;
    for (let index = 0; index < runs.length; index += 1) {
      const run = runs[index];
      try {
        result = await this.writeOnce(streamName, run, revision);
      } catch (error) {
        if (error instanceof WrongExpectedVersionError) throw new Conflict(index, actualOf(error));
        if (!(error instanceof MaxAppendSizeExceededError)) throw error;
        if (run.length === 1) throw new EventTooLargeError(streamName, run[0].id, error.maxAppendSize);
        // The server's limit is lower than assumed: keep to it (and at least halve the run) from now on.
        const runBytes = run.reduce((sum, event) => sum + event.bytes, 0);
        this.maxAppendBytes = Math.min(Math.floor(runBytes / 2), error.maxAppendSize);
        runs = [...runs.slice(0, index), ...splitBySize(runs.slice(index).flat(), this.maxAppendBytes)];
        index -= 1;
        continue;
      }
      revision = result.nextRevision;
    }
    if (!result) throw new RangeError(`Stream ${streamName}: an append needs at least one event`);
    this.remember(streamName, head, { revision: result.nextRevision, integrity: links.at(-1) });
    return result;
  }

  private async writeOnce(
    streamName: string,
    run: ReturnType<typeof serializeEvents>,
    expected: bigint,
  ): Promise<AppendResult> {
    const written = await withReconnects(() =>
      this.client.appendToStream(
        streamName,
        run.map((event) => event.eventData),
        { expectedRevision: expected === -1n ? NO_STREAM : expected },
      ),
    );
    if (written.position) {
      // A 24.10 node answers with the log position of the last event written (or found again).
      return { nextRevision: written.nextExpectedRevision, position: encodeEsdbPosition(written.position) };
    }
    const [last] = await this.read(streamName, written.nextExpectedRevision, 1);
    if (!last) throw new Error(`Stream ${streamName}: event ${written.nextExpectedRevision} is not readable`);
    return { nextRevision: written.nextExpectedRevision, position: encodeEsdbPosition(last.position) };
  }
}
