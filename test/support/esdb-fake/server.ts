import { Server, ServerCredentials, type ServiceError } from '@grpc/grpc-js';
import { ServerFeaturesService } from '@eventstore/db-client/generated/serverfeatures_grpc_pb';
import { SupportedMethod, SupportedMethods } from '@eventstore/db-client/generated/serverfeatures_pb';
import { StreamsService } from '@eventstore/db-client/generated/streams_grpc_pb';
import type {
  DeleteReq,
  DeleteResp,
  TombstoneReq,
  TombstoneResp,
} from '@eventstore/db-client/generated/streams_pb';
import {
  DeleteResp as DeleteReply,
  TombstoneResp as TombstoneReply,
} from '@eventstore/db-client/generated/streams_pb';
import type { sendUnaryData, ServerUnaryCall } from '@grpc/grpc-js';
import { appendHandler, batchAppendHandler } from './append-service';
import { FakeLog } from './log';
import { EMPTY, notLeaderError, streamNameOf, unavailableError } from './messages';
import { readHandler } from './read-service';

/** EventStoreDB's default `MaxAppendSize`: 1 MiB. */
export const DEFAULT_MAX_APPEND_SIZE = 1_048_576;

export type FakeFault = 'not-leader' | 'unavailable' | null;

export interface EsdbFakeOptions {
  maxAppendSize?: number;
  /** Advertise `BatchAppend` as a real 21.10+ node does (the client then appends through it). */
  batchAppend?: boolean;
}

/**
 * A fake EventStoreDB node (24.10, single node, insecure) speaking the real gRPC protocol from the
 * client package's own generated definitions, with an in-memory log. It is a fake: a run against a
 * real server (`ESDB_URL`) is still the proof.
 */
export class EsdbFake {
  readonly log = new FakeLog();
  private fault: FakeFault = null;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(options: EsdbFakeOptions = {}): Promise<EsdbFake> {
    const server = new Server();
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) =>
        error ? reject(error) : resolve(bound),
      ),
    );
    const fake = new EsdbFake(server, port);
    fake.register(options);
    return fake;
  }

  get connectionString(): string {
    return `esdb://127.0.0.1:${this.port}?tls=false`;
  }

  /** From now on every call fails as a follower (`NotLeader`) or a node that is down would answer it. */
  setFault(fault: FakeFault): void {
    this.fault = fault;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.tryShutdown(() => resolve());
      // Subscriptions never end on their own: cancel whatever is still open.
      setTimeout(() => this.server.forceShutdown(), 100).unref();
    });
  }

  private currentFault(): ServiceError | null {
    if (this.fault === 'not-leader') return notLeaderError('127.0.0.1', this.port);
    if (this.fault === 'unavailable') return unavailableError();
    return null;
  }

  private register(options: EsdbFakeOptions): void {
    const service = {
      log: this.log,
      maxAppendSize: options.maxAppendSize ?? DEFAULT_MAX_APPEND_SIZE,
      fault: () => this.currentFault(),
    };
    this.server.addService(StreamsService, {
      read: readHandler(service),
      append: appendHandler(service),
      batchAppend: batchAppendHandler(service),
      delete: (call: ServerUnaryCall<DeleteReq, DeleteResp>, callback: sendUnaryData<DeleteResp>) => {
        this.log.softDelete(streamNameOf(call.request.getOptions()?.getStreamIdentifier()));
        const reply = new DeleteReply();
        reply.setNoPosition(EMPTY);
        callback(null, reply);
      },
      tombstone: (
        call: ServerUnaryCall<TombstoneReq, TombstoneResp>,
        callback: sendUnaryData<TombstoneResp>,
      ) => {
        this.log.tombstone(streamNameOf(call.request.getOptions()?.getStreamIdentifier()));
        const reply = new TombstoneReply();
        reply.setNoPosition(EMPTY);
        callback(null, reply);
      },
    });
    this.server.addService(ServerFeaturesService, {
      getSupportedMethods: (_call: unknown, callback: sendUnaryData<SupportedMethods>) =>
        callback(null, supportedMethods(options.batchAppend ?? true)),
    });
  }
}

function supportedMethods(batchAppend: boolean): SupportedMethods {
  const names = ['read', 'append', 'delete', 'tombstone', ...(batchAppend ? ['batchappend'] : [])];
  const methods = names.map((name) => {
    const method = new SupportedMethod();
    method.setServiceName('event_store.client.streams.streams');
    method.setMethodName(name);
    return method;
  });
  const result = new SupportedMethods();
  result.setMethodsList(methods);
  result.setEventStoreServerVersion('24.10.0');
  return result;
}
