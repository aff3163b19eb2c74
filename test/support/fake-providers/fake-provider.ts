import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the fake answers the next completion request; every field optional, the default is a success. */
export interface FakeBehaviour {
  /** An error status (400, 401, 429, 500, 503…) answered in the provider's own error shape. */
  status?: number;
  /** Overrides the provider's error type for `status` (OpenAI `error.type`, Anthropic `error.type`). */
  errorType?: string;
  errorMessage?: string;
  /** The `retry-after` header of a 429, in seconds (default 1). */
  retryAfterSeconds?: number;
  /** Wait before sending the response headers. */
  delayMs?: number;
  /** Wait between two SSE events of a stream. */
  chunkDelayMs?: number;
  /** Drop the connection after this many SSE events, without ending the response. */
  failAfterChunks?: number;
  /** Report no token usage at all. */
  omitUsage?: boolean;
  /** Report this many prompt tokens, whatever was sent: a provider that counts more than the gateway held. */
  reportPromptTokens?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON, the raw text when it was not JSON, null when empty. */
  body: unknown;
  /** The client's port: two requests with the same one shared a keep-alive connection. */
  clientPort: number;
  /** `aborted`: the client went away before the response was complete; `dropped`: `failAfterChunks` did. */
  outcome: 'pending' | 'completed' | 'aborted' | 'dropped';
}

export interface FakeProviderOptions {
  /** Who speaks: replies read `<name> says hello to <model>`. */
  name?: string;
  /** The key requests must carry; null accepts any request, even one without a key. */
  apiKey?: string | null;
  /** Listed by `/models`; when given, other models are refused with 404. */
  models?: string[];
  /** Keep `requests` (default true); benchmarks turn it off so memory stays flat. */
  recordRequests?: boolean;
}

export interface FakeProvider {
  baseUrl: string;
  requests: RecordedRequest[];
  enqueue(...behaviours: FakeBehaviour[]): void;
  /** Accepts one more key from now on (a user's own key, beside the platform's). */
  acceptKey(key: string): void;
  /** Forgets recorded requests and queued behaviours. */
  reset(): void;
  close(): Promise<void>;
}

export type FakeReply =
  | { kind: 'json'; status: number; body: unknown; headers?: Record<string, string> }
  | { kind: 'sse'; frames: string[] };

export interface FakeRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
  /** The body was present but was not JSON. */
  malformed: boolean;
  /** The keys the provider accepts; null accepts any request, even one without a key. */
  keys: ReadonlySet<string> | null;
}

/** One provider's wire format, on top of the shared server plumbing. */
export interface FakeWire {
  /** Where the wire's paths start, appended to the server's address to form `baseUrl`. */
  basePath: string;
  isCompletion(request: FakeRequest): boolean;
  reply(request: FakeRequest, behaviour: FakeBehaviour): FakeReply;
}

const NO_BEHAVIOUR: FakeBehaviour = {};

export async function startFakeProvider(wire: FakeWire, options: FakeProviderOptions): Promise<FakeProvider> {
  const requests: RecordedRequest[] = [];
  const queue: FakeBehaviour[] = [];
  const record = options.recordRequests ?? true;
  const keys = options.apiKey ? new Set([options.apiKey]) : null;

  const server = createServer((req, res) => {
    const pieces: Buffer[] = [];
    req.on('data', (piece: Buffer) => pieces.push(piece));
    req.on('end', () => {
      const request = { ...parse(req, pieces), keys };
      const recorded: RecordedRequest = {
        method: request.method,
        path: request.path,
        headers: req.headers,
        body: request.body,
        clientPort: req.socket.remotePort ?? 0,
        outcome: 'pending',
      };
      if (record) requests.push(recorded);
      res.on('finish', () => {
        if (recorded.outcome === 'pending') recorded.outcome = 'completed';
      });
      res.on('close', () => {
        if (recorded.outcome === 'pending') recorded.outcome = 'aborted';
      });
      const behaviour = wire.isCompletion(request) ? (queue.shift() ?? NO_BEHAVIOUR) : NO_BEHAVIOUR;
      const answer = () => send(res, wire.reply(request, behaviour), behaviour, recorded);
      if (!behaviour.delayMs) return answer();
      const timer = setTimeout(answer, behaviour.delayMs);
      res.on('close', () => clearTimeout(timer));
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}${wire.basePath}`,
    requests,
    enqueue: (...behaviours) => queue.push(...behaviours),
    acceptKey: (key) => keys?.add(key),
    reset: () => {
      requests.length = 0;
      queue.length = 0;
    },
    // Idempotent: a test may take a provider down on purpose before the harness closes everything.
    close: () =>
      new Promise<void>((resolve, reject) => {
        if (!server.listening) return resolve();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function parse(req: IncomingMessage, pieces: Buffer[]): Omit<FakeRequest, 'keys'> {
  const text = pieces.length === 0 ? '' : Buffer.concat(pieces).toString('utf8');
  const path = (req.url ?? '/').split('?')[0];
  if (text === '')
    return { method: req.method ?? 'GET', path, headers: req.headers, body: null, malformed: false };
  try {
    return {
      method: req.method ?? 'GET',
      path,
      headers: req.headers,
      body: JSON.parse(text),
      malformed: false,
    };
  } catch {
    return { method: req.method ?? 'GET', path, headers: req.headers, body: text, malformed: true };
  }
}

function send(
  res: ServerResponse,
  reply: FakeReply,
  behaviour: FakeBehaviour,
  recorded: RecordedRequest,
): void {
  if (res.destroyed) return;
  if (reply.kind === 'json') {
    res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
    res.end(JSON.stringify(reply.body));
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  const { chunkDelayMs = 0, failAfterChunks } = behaviour;
  if (chunkDelayMs === 0 && failAfterChunks === undefined) {
    res.end(reply.frames.join(''));
    return;
  }
  let sent = 0;
  let timer: NodeJS.Timeout | undefined;
  res.on('close', () => clearTimeout(timer));
  const next = (): void => {
    if (res.destroyed) return;
    if (failAfterChunks !== undefined && sent >= failAfterChunks) {
      recorded.outcome = 'dropped';
      // Ends the connection under the unfinished chunked body, after whatever was written reaches the peer.
      res.socket?.end();
      return;
    }
    if (sent === reply.frames.length) {
      res.end();
      return;
    }
    res.write(reply.frames[sent++]);
    timer = setTimeout(next, chunkDelayMs);
  };
  if (failAfterChunks === 0) res.flushHeaders();
  next();
}
