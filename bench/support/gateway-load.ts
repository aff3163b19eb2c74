import { Pool } from 'undici';
import { percentile } from './stats';

/** What every system is asked, byte for byte: a short non-streaming chat completion. */
export const COMPLETION_BODY = JSON.stringify({
  model: 'gpt-4o-mini',
  max_tokens: 16,
  messages: [{ role: 'user', content: 'Say hello in five words.' }],
});

/** One short text to embed, with the embedding model the gateway routes to the same upstream. */
export const EMBEDDINGS_BODY = JSON.stringify({
  model: 'text-embedding-3-small',
  input: 'Say hello in five words.',
});

/** The same request, streamed (server-sent events). */
export const STREAMING_BODY = JSON.stringify({ ...(JSON.parse(COMPLETION_BODY) as object), stream: true });

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** One system's `POST …/chat/completions` over a keep-alive pool; counts the 200s it got. */
export class LoadTarget {
  private readonly pool: Pool;
  okReplies = 0;

  constructor(
    readonly name: string,
    origin: string,
    private readonly path: string,
    /** Headers of the n-th request (a gateway may rotate its callers' tokens). */
    private readonly headersFor: (index: number) => Record<string, string>,
    connections: number,
    /** What every non-streaming request sends: a chat completion unless said otherwise. */
    private readonly body: string = COMPLETION_BODY,
  ) {
    this.pool = new Pool(origin, { connections, keepAliveTimeout: 30_000, pipelining: 1 });
  }

  async send(index: number): Promise<Reply> {
    const response = await this.pool.request({
      method: 'POST',
      path: this.path,
      headers: { 'content-type': 'application/json', ...this.headersFor(index) },
      body: this.body,
    });
    const text = await response.body.text();
    if (response.statusCode === 200) this.okReplies++;
    return { status: response.statusCode, headers: response.headers, text };
  }

  /**
   * The streaming request: milliseconds from sending it to the first byte of its body (the first
   * event), or null when it was not a 200. The rest of the stream is read and thrown away.
   */
  async firstStreamedByte(index: number): Promise<number | null> {
    const started = performance.now();
    const response = await this.pool.request({
      method: 'POST',
      path: this.path,
      headers: { 'content-type': 'application/json', ...this.headersFor(index) },
      body: STREAMING_BODY,
    });
    let firstByte: number | null = null;
    for await (const chunk of response.body) {
      if (firstByte === null && (chunk as Buffer).length > 0) firstByte = performance.now() - started;
    }
    if (response.statusCode !== 200) return null;
    this.okReplies++;
    return firstByte;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

export interface LatencyRun {
  rate: number;
  sent: number;
  errors: number;
  /** False when the backlog of unanswered requests passed the limit and sending stopped early. */
  sustained: boolean;
  seconds: number;
  p50: number;
  p99: number;
  max: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Open loop: requests leave on a fixed schedule whatever the replies do, and each latency runs from
 * the request's scheduled time, so a slow system cannot hide its queueing by slowing the sender.
 * A system that falls `maxBacklog` requests behind cannot sustain the rate: sending stops there
 * (the latencies would only grow with the run's length) and the run says so.
 */
export async function openLoop(
  target: LoadTarget,
  rate: number,
  seconds: number,
  maxBacklog: number,
): Promise<LatencyRun> {
  const total = Math.round(rate * seconds);
  const latencies: number[] = [];
  let errors = 0;
  let sent = 0;
  const replies: Promise<void>[] = [];
  const started = performance.now();
  for (; sent < total && sent - latencies.length - errors <= maxBacklog; sent++) {
    const due = started + (sent * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    replies.push(
      target.send(sent).then(
        (reply) => {
          if (reply.status === 200) latencies.push(performance.now() - due);
          else errors++;
        },
        () => {
          errors++;
        },
      ),
    );
  }
  const sendingSeconds = (performance.now() - started) / 1000;
  await Promise.all(replies);
  return {
    rate,
    sent,
    errors,
    sustained: sent === total,
    seconds: sendingSeconds,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    max: latencies.reduce((max, value) => Math.max(max, value), 0),
  };
}

export interface ThroughputRun {
  concurrency: number;
  completed: number;
  errors: number;
  rps: number;
  errorRate: number;
}

/** Closed loop: `concurrency` callers, each sending its next request as soon as the last one is answered. */
export async function closedLoop(
  target: LoadTarget,
  concurrency: number,
  seconds: number,
): Promise<ThroughputRun> {
  let completed = 0;
  let errors = 0;
  const started = performance.now();
  const end = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, caller) => {
      for (let index = caller; performance.now() < end; index += concurrency) {
        try {
          const reply = await target.send(index);
          if (reply.status === 200) completed++;
          else errors++;
        } catch {
          errors++;
        }
      }
    }),
  );
  const elapsedSeconds = (performance.now() - started) / 1000;
  return {
    concurrency,
    completed,
    errors,
    rps: completed / elapsedSeconds,
    errorRate: errors / Math.max(1, completed + errors),
  };
}

/** The best throughput among the runs that (nearly) never failed: under 0.1% errors. */
export function bestSustained(runs: readonly ThroughputRun[]): ThroughputRun | null {
  return runs
    .filter((run) => run.errorRate < 0.001)
    .reduce<ThroughputRun | null>((best, run) => (best && best.rps >= run.rps ? best : run), null);
}
