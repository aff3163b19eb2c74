import { randomUUID } from 'node:crypto';
import type { ServerWritableStream, ServiceError } from '@grpc/grpc-js';
import type { ReadReq } from '@eventstore/db-client/generated/streams_pb';
import { ReadResp } from '@eventstore/db-client/generated/streams_pb';
import { serverFilter, type ServerFilter } from './filter';
import type { FakeLog, StoredEvent } from './log';
import { eventResponse, streamDeletedError, streamNameOf, streamNotFoundResponse } from './messages';

export interface ReadServiceOptions {
  log: FakeLog;
  fault(): ServiceError | null;
}

type Call = ServerWritableStream<ReadReq, ReadResp>;

const BACKWARDS = 1;

/** `Streams.Read`: a stream or `$all`, forwards or backwards, or a catch-up-then-live subscription. */
export function readHandler(service: ReadServiceOptions) {
  return (call: Call): void => {
    const fault = service.fault();
    if (fault) {
      call.emit('error', fault);
      return;
    }
    const options = call.request.getOptions();
    if (!options) {
      call.end();
      return;
    }
    const run = options.hasStream()
      ? readStream(service.log, options, call)
      : options.hasSubscription()
        ? subscribeToAll(service.log, options, call)
        : readAll(service.log, options, call);
    run.then(
      () => call.end(),
      (error: ServiceError) => call.emit('error', error),
    );
  };
}

async function readStream(log: FakeLog, options: ReadReq.Options, call: Call): Promise<void> {
  const stream = options.getStream();
  const streamName = streamNameOf(stream?.getStreamIdentifier());
  const events = log.readStream(streamName);
  if (events === 'deleted') throw streamDeletedError(streamName);
  if (events === 'missing') {
    await send(call, streamNotFoundResponse(streamName));
    return;
  }
  const count = BigInt(options.getCount());
  const backwards = options.getReadDirection() === BACKWARDS;
  let selected: StoredEvent[];
  if (backwards) {
    const from = stream?.hasRevision() ? BigInt(stream.getRevision()) : null;
    selected = events.filter((event) => from === null || event.revision <= from).reverse();
  } else {
    const from = stream?.hasRevision() ? BigInt(stream.getRevision()) : 0n;
    selected = events.filter((event) => event.revision >= from);
  }
  for (const event of selected.slice(0, Number(count))) await send(call, eventResponse(event));
}

/** A position in `$all` as (commit, prepare); every event of the fake has both equal to its log position. */
function compare(event: StoredEvent, commit: bigint, prepare: bigint): number {
  if (event.position !== commit) return event.position < commit ? -1 : 1;
  return event.position === prepare ? 0 : event.position < prepare ? -1 : 1;
}

function filterOf(options: ReadReq.Options): ServerFilter | null {
  const filter = options.getFilter();
  return options.hasFilter() && filter ? serverFilter(filter) : null;
}

async function readAll(log: FakeLog, options: ReadReq.Options, call: Call): Promise<void> {
  const all = options.getAll();
  const backwards = options.getReadDirection() === BACKWARDS;
  const filter = filterOf(options);
  let remaining = BigInt(options.getCount());
  const position = all?.getPosition();
  const commit = BigInt(position?.getCommitPosition() ?? 0);
  const prepare = BigInt(position?.getPreparePosition() ?? 0);
  const events = log.allEvents();
  const ordered = backwards
    ? events.filter((event) => !position || compare(event, commit, prepare) < 0).reverse()
    : events.filter((event) => !position || compare(event, commit, prepare) >= 0);
  const startsAtEnd = all?.hasEnd() && !backwards;
  for (const event of startsAtEnd ? [] : ordered) {
    if (remaining <= 0n) break;
    if (filter && !filter.matches(event)) continue;
    remaining -= 1n;
    await send(call, eventResponse(event));
  }
}

async function subscribeToAll(log: FakeLog, options: ReadReq.Options, call: Call): Promise<void> {
  const all = options.getAll();
  const filter = filterOf(options);
  const confirmation = new ReadResp.SubscriptionConfirmation();
  confirmation.setSubscriptionId(randomUUID());
  const confirmed = new ReadResp();
  confirmed.setConfirmation(confirmation);
  await send(call, confirmed);

  const events = log.allEvents();
  const position = all?.getPosition();
  let next = 0;
  if (all?.hasEnd()) next = events.length;
  else if (position) {
    const commit = BigInt(position.getCommitPosition());
    const prepare = BigInt(position.getPreparePosition());
    // A subscription starts strictly after the position it is given.
    while (next < events.length && compare(events[next], commit, prepare) <= 0) next += 1;
  }

  let cancelled = false;
  let wake: (() => void) | null = null;
  const stopWaiting = (): void => {
    wake?.();
    wake = null;
  };
  call.on('cancelled', () => {
    cancelled = true;
    stopWaiting();
  });
  const unsubscribe = log.onAppend(stopWaiting);
  let considered = 0;
  let caughtUp = false;
  try {
    while (!cancelled) {
      if (next < events.length) {
        const event = events[next];
        next += 1;
        considered += 1;
        if (!filter || filter.matches(event)) await send(call, eventResponse(event));
        if (filter && considered % filter.checkpointEvery === 0) await send(call, checkpoint(event));
        continue;
      }
      if (!caughtUp) {
        caughtUp = true;
        const response = new ReadResp();
        response.setCaughtUp(new ReadResp.CaughtUp());
        await send(call, response);
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
        if (cancelled || next < events.length) stopWaiting();
      });
    }
  } finally {
    unsubscribe();
  }
}

function checkpoint(event: StoredEvent): ReadResp {
  const reached = new ReadResp.Checkpoint();
  reached.setCommitPosition(event.position.toString());
  reached.setPreparePosition(event.position.toString());
  const response = new ReadResp();
  response.setCheckpoint(reached);
  return response;
}

/** Writes with the stream's flow control, as the server does: a slow reader holds the writer back. */
async function send(call: Call, response: ReadResp): Promise<void> {
  if (call.cancelled || call.write(response)) return;
  await new Promise<void>((resolve) => {
    const done = (): void => {
      call.off('drain', done);
      call.off('cancelled', done);
      resolve();
    };
    call.on('drain', done);
    call.on('cancelled', done);
  });
}
