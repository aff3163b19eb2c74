import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { Any } from 'google-protobuf/google/protobuf/any_pb';
import { Empty } from 'google-protobuf/google/protobuf/empty_pb';
import {
  Empty as SharedEmpty,
  MaximumAppendSizeExceeded,
  StreamDeleted,
  StreamIdentifier,
  UUID,
  WrongExpectedVersion,
} from '@eventstore/db-client/generated/shared_pb';
import { Status } from '@eventstore/db-client/generated/status_pb';
import { ReadResp } from '@eventstore/db-client/generated/streams_pb';
import type { Expected, StoredEvent } from './log';

/** google.rpc.Code values the server puts in a batch append's error status. */
const CODE_NOT_FOUND = 5;
const CODE_ALREADY_EXISTS = 6;
const CODE_INVALID_ARGUMENT = 3;

export function streamIdentifier(streamName: string): StreamIdentifier {
  const identifier = new StreamIdentifier();
  identifier.setStreamName(Buffer.from(streamName, 'utf8'));
  return identifier;
}

export function streamNameOf(identifier: StreamIdentifier | undefined): string {
  return Buffer.from(identifier?.getStreamName_asU8() ?? new Uint8Array()).toString('utf8');
}

/** A UUID as the client asked for it: the client always asks for the string form. */
export function uuidOf(id: UUID | undefined): string {
  if (!id?.hasString()) throw new Error('The fake only speaks string UUIDs, as @eventstore/db-client sends');
  return id.getString().toLowerCase();
}

export function eventResponse(event: StoredEvent): ReadResp {
  const recorded = new ReadResp.ReadEvent.RecordedEvent();
  const id = new UUID();
  id.setString(event.id);
  recorded.setId(id);
  recorded.setStreamIdentifier(streamIdentifier(event.streamName));
  recorded.setStreamRevision(event.revision.toString());
  recorded.setPreparePosition(event.position.toString());
  recorded.setCommitPosition(event.position.toString());
  recorded
    .getMetadataMap()
    .set('type', event.type)
    .set('content-type', event.contentType)
    .set('created', event.created.toString());
  recorded.setCustomMetadata(event.metadata);
  recorded.setData(event.data);
  const read = new ReadResp.ReadEvent();
  read.setEvent(recorded);
  read.setCommitPosition(event.position.toString());
  const response = new ReadResp();
  response.setEvent(read);
  return response;
}

export function streamNotFoundResponse(streamName: string): ReadResp {
  const notFound = new ReadResp.StreamNotFound();
  notFound.setStreamIdentifier(streamIdentifier(streamName));
  const response = new ReadResp();
  response.setStreamNotFound(notFound);
  return response;
}

/** The errors a real node raises as gRPC statuses, with the `exception` metadata the client maps. */
export function rpcError(code: status, details: string, metadata: Record<string, string>): ServiceError {
  const trailers = new Metadata();
  for (const [key, value] of Object.entries(metadata)) trailers.set(key, value);
  return Object.assign(new Error(details), { code, details, metadata: trailers });
}

export function notLeaderError(host: string, port: number): ServiceError {
  return rpcError(status.NOT_FOUND, 'Leader info available', {
    exception: 'not-leader',
    'leader-endpoint-host': host,
    'leader-endpoint-port': String(port),
  });
}

export function unavailableError(): ServiceError {
  return rpcError(status.UNAVAILABLE, 'Server Is Not Ready', {});
}

export function streamDeletedError(streamName: string): ServiceError {
  return rpcError(status.FAILED_PRECONDITION, `Event stream '${streamName}' is deleted.`, {
    exception: 'stream-deleted',
    'stream-name': streamName,
  });
}

export function maxAppendSizeError(maxAppendSize: number): ServiceError {
  return rpcError(status.INVALID_ARGUMENT, `Maximum Append Size of ${maxAppendSize} Exceeded.`, {
    exception: 'maximum-append-size-exceeded',
    'maximum-append-size': String(maxAppendSize),
  });
}

function packed(message: { serializeBinary(): Uint8Array }, typeName: string): Any {
  const any = new Any();
  any.pack(message.serializeBinary(), typeName);
  return any;
}

function rpcStatus(code: number, message: string, details: Any): Status {
  const result = new Status();
  result.setCode(code);
  result.setMessage(message);
  result.setDetails(details);
  return result;
}

/** Batch append errors travel in the response, as a google.rpc.Status with a typed detail. */
export function wrongExpectedVersionStatus(current: bigint, expected: Expected): Status {
  const details = new WrongExpectedVersion();
  if (current < 0n) details.setCurrentNoStream(new Empty());
  else details.setCurrentStreamRevision(current.toString());
  switch (expected.kind) {
    case 'any':
      details.setExpectedAny(new Empty());
      break;
    case 'no_stream':
      details.setExpectedNoStream(new Empty());
      break;
    case 'stream_exists':
      details.setExpectedStreamExists(new Empty());
      break;
    case 'revision':
      details.setExpectedStreamPosition(expected.revision.toString());
      break;
  }
  return rpcStatus(
    CODE_ALREADY_EXISTS,
    'WrongExpectedVersion',
    packed(details, 'event_store.client.WrongExpectedVersion'),
  );
}

export function streamDeletedStatus(streamName: string): Status {
  const details = new StreamDeleted();
  details.setStreamIdentifier(streamIdentifier(streamName));
  return rpcStatus(CODE_NOT_FOUND, 'StreamDeleted', packed(details, 'event_store.client.StreamDeleted'));
}

export function maxAppendSizeStatus(maxAppendSize: number): Status {
  const details = new MaximumAppendSizeExceeded();
  details.setMaxappendsize(maxAppendSize);
  return rpcStatus(
    CODE_INVALID_ARGUMENT,
    'MaximumAppendSizeExceeded',
    packed(details, 'event_store.client.MaximumAppendSizeExceeded'),
  );
}

export const EMPTY = new SharedEmpty();
