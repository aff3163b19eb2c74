import type { sendUnaryData, ServerDuplexStream, ServerReadableStream, ServiceError } from '@grpc/grpc-js';
import { AllStreamPosition } from '@eventstore/db-client/generated/shared_pb';
import type { BatchAppendReq } from '@eventstore/db-client/generated/streams_pb';
import { AppendReq, AppendResp, BatchAppendResp } from '@eventstore/db-client/generated/streams_pb';
import type { AppendOutcome, Expected, FakeLog, ProposedEvent } from './log';
import {
  EMPTY,
  maxAppendSizeError,
  maxAppendSizeStatus,
  streamDeletedError,
  streamDeletedStatus,
  streamIdentifier,
  streamNameOf,
  uuidOf,
  wrongExpectedVersionStatus,
} from './messages';

export interface AppendServiceOptions {
  log: FakeLog;
  maxAppendSize: number;
  /** The error every call gets while the fake plays a follower or a node that is down. */
  fault(): ServiceError | null;
}

type ProposedMessage = AppendReq.ProposedMessage | BatchAppendReq.ProposedMessage;

function proposedEvent(message: ProposedMessage): ProposedEvent {
  const metadata = message.getMetadataMap();
  return {
    id: uuidOf(message.getId()),
    type: metadata.get('type') ?? '',
    contentType: metadata.get('content-type') ?? 'application/octet-stream',
    data: message.getData_asU8(),
    metadata: message.getCustomMetadata_asU8(),
  };
}

/** What the server counts against the maximum append size: each event's payload and type. */
function sizeOf(event: ProposedEvent): number {
  return event.data.length + event.metadata.length + Buffer.byteLength(event.type, 'utf8');
}

function expectedOf(options: AppendReq.Options | BatchAppendReq.Options): Expected {
  if (options.hasAny()) return { kind: 'any' };
  if (options.hasNoStream()) return { kind: 'no_stream' };
  if (options.hasStreamExists()) return { kind: 'stream_exists' };
  const revision = options instanceof AppendReq.Options ? options.getRevision() : options.getStreamPosition();
  return { kind: 'revision', revision: BigInt(revision) };
}

/** `Streams.Append`: options first, then one message per event; one reply when the client ends. */
export function appendHandler(service: AppendServiceOptions) {
  return (call: ServerReadableStream<AppendReq, AppendResp>, callback: sendUnaryData<AppendResp>): void => {
    let options: AppendReq.Options | undefined;
    const events: ProposedEvent[] = [];
    let size = 0;
    let failed = false;
    const fail = (error: ServiceError): void => {
      if (failed) return;
      failed = true;
      callback(error);
    };
    const fault = service.fault();
    if (fault) return fail(fault);
    call.on('data', (request: AppendReq) => {
      if (request.hasOptions()) options = request.getOptions();
      const message = request.getProposedMessage();
      if (!message) return;
      const event = proposedEvent(message);
      size += sizeOf(event);
      if (size > service.maxAppendSize) fail(maxAppendSizeError(service.maxAppendSize));
      events.push(event);
    });
    call.on('end', () => {
      if (failed || !options) return;
      const streamName = streamNameOf(options.getStreamIdentifier());
      const expected = expectedOf(options);
      const outcome = service.log.append(streamName, expected, events);
      if (outcome.kind === 'deleted') return fail(streamDeletedError(streamName));
      callback(null, appendResponse(outcome, expected));
    });
  };
}

function appendResponse(
  outcome: Exclude<AppendOutcome, { kind: 'deleted' }>,
  expected: Expected,
): AppendResp {
  const response = new AppendResp();
  if (outcome.kind === 'written') {
    const success = new AppendResp.Success();
    success.setCurrentRevision(outcome.currentRevision.toString());
    const position = new AppendResp.Position();
    position.setCommitPosition(outcome.position.toString());
    position.setPreparePosition(outcome.position.toString());
    success.setPosition(position);
    response.setSuccess(success);
    return response;
  }
  const wrong = new AppendResp.WrongExpectedVersion();
  if (outcome.currentRevision < 0n) wrong.setCurrentNoStream(EMPTY);
  else wrong.setCurrentRevision(outcome.currentRevision.toString());
  if (expected.kind === 'any') wrong.setExpectedAny(EMPTY);
  else if (expected.kind === 'no_stream') wrong.setExpectedNoStream(EMPTY);
  else if (expected.kind === 'stream_exists') wrong.setExpectedStreamExists(EMPTY);
  else wrong.setExpectedRevision(expected.revision.toString());
  response.setWrongExpectedVersion(wrong);
  return response;
}

interface PendingBatch {
  streamName: string;
  expected: Expected;
  events: ProposedEvent[];
  size: number;
}

/**
 * `Streams.BatchAppend`: one long-lived call carrying many appends, each keyed by a correlation id and
 * split over several requests; the last one is marked final. Errors come back per append, in the
 * response, except for a node that cannot take writes, which fails the whole call.
 */
export function batchAppendHandler(service: AppendServiceOptions) {
  return (call: ServerDuplexStream<BatchAppendReq, BatchAppendResp>): void => {
    const pending = new Map<string, PendingBatch>();
    call.on('data', (request: BatchAppendReq) => {
      const fault = service.fault();
      if (fault) {
        call.emit('error', fault);
        return;
      }
      const correlationId = request.getCorrelationId();
      const key = uuidOf(correlationId);
      const options = request.getOptions();
      if (options) {
        pending.set(key, {
          streamName: streamNameOf(options.getStreamIdentifier()),
          expected: expectedOf(options),
          events: [],
          size: 0,
        });
      }
      const batch = pending.get(key);
      if (!batch) return;
      const reply = new BatchAppendResp();
      reply.setCorrelationId(correlationId);
      reply.setStreamIdentifier(streamIdentifier(batch.streamName));
      for (const message of request.getProposedMessagesList()) {
        const event = proposedEvent(message);
        batch.size += sizeOf(event);
        batch.events.push(event);
      }
      if (batch.size > service.maxAppendSize) {
        pending.delete(key);
        reply.setError(maxAppendSizeStatus(service.maxAppendSize));
        call.write(reply);
        return;
      }
      if (!request.getIsFinal()) return;
      pending.delete(key);
      const outcome = service.log.append(batch.streamName, batch.expected, batch.events);
      if (outcome.kind === 'deleted') reply.setError(streamDeletedStatus(batch.streamName));
      else if (outcome.kind === 'wrong_expected_version')
        reply.setError(wrongExpectedVersionStatus(outcome.currentRevision, batch.expected));
      else reply.setSuccess(batchSuccess(outcome.currentRevision, outcome.position));
      call.write(reply);
    });
    call.on('end', () => call.end());
  };
}

function batchSuccess(currentRevision: bigint, position: bigint): BatchAppendResp.Success {
  const success = new BatchAppendResp.Success();
  success.setCurrentRevision(currentRevision.toString());
  const allPosition = new AllStreamPosition();
  allPosition.setCommitPosition(position.toString());
  allPosition.setPreparePosition(position.toString());
  success.setPosition(allPosition);
  return success;
}
