import { spawn, type ChildProcess } from 'node:child_process';
import type { LoadTarget } from './gateway-load';
import { percentile } from './stats';

export interface SequentialRun {
  requests: number;
  errors: number;
  p50: number;
  p99: number;
}

/**
 * Requests one after another, each sent when the last is answered: the latency a request pays for
 * its own work, with no queueing and no other request in flight. `measure` times one request
 * (the whole reply, or the first streamed byte) and resolves to null when it failed.
 */
export async function sequential(
  requests: number,
  measure: (index: number) => Promise<number | null>,
): Promise<SequentialRun> {
  const latencies: number[] = [];
  let errors = 0;
  for (let index = 0; index < requests; index++) {
    const latency = await measure(index).catch(() => null);
    if (latency === null) errors++;
    else latencies.push(latency);
  }
  return { requests, errors, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) };
}

/** One whole non-streaming request, in milliseconds. */
export const wholeReply =
  (target: LoadTarget) =>
  async (index: number): Promise<number | null> => {
    const started = performance.now();
    const reply = await target.send(index);
    return reply.status === 200 ? performance.now() - started : null;
  };

/** One streaming request, from sending it to its first body byte, in milliseconds. */
export const firstStreamedByte =
  (target: LoadTarget) =>
  (index: number): Promise<number | null> =>
    target.firstStreamedByte(index);

/**
 * Another process keeping one core busy, as other work on a shared machine does: what a gateway's
 * latency does then says more than a quiet machine's figure.
 */
export class CpuBurner {
  private readonly child: ChildProcess;

  constructor() {
    this.child = spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
  }

  stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve();
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGKILL');
    return exited;
  }
}
