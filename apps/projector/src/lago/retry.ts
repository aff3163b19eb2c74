import { Logger } from '@nestjs/common';
import { isTransient } from './lago-errors';

export interface RetryPolicy {
  baseMs: number;
  maxMs: number;
}

/** Resolves after `ms`, or rejects as soon as `signal` aborts (the process is shutting down). */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new Error('Lago sync stopped'));
    const timer = setTimeout(done, ms);
    function done(): void {
      signal.removeEventListener('abort', abort);
      resolve();
    }
    function abort(): void {
      clearTimeout(timer);
      reject(new Error('Lago sync stopped'));
    }
    signal.addEventListener('abort', abort, { once: true });
  });
}

/**
 * Repeats a Lago call while it fails transiently, waiting twice as long each time up to the cap,
 * with jitter so that several syncs do not return in step. The delay carries over between calls
 * and resets on the first success, so a Lago outage is probed gently rather than hammered.
 * Refusals (400/422) are thrown at once: retrying them cannot help.
 */
export class TransientRetry {
  private delayMs = 0;

  constructor(
    private readonly policy: RetryPolicy,
    private readonly signal: AbortSignal,
    private readonly logger: Logger,
  ) {}

  async run<T>(call: () => Promise<T>): Promise<T> {
    for (;;) {
      try {
        const result = await call();
        this.delayMs = 0;
        return result;
      } catch (error) {
        if (!isTransient(error)) throw error;
        this.delayMs = Math.min(
          this.policy.maxMs,
          this.delayMs === 0 ? this.policy.baseMs : this.delayMs * 2,
        );
        const wait = Math.round(this.delayMs * (0.5 + Math.random() / 2));
        this.logger.warn(`${(error as Error).message}; retrying in ${wait} ms`);
        await pause(wait, this.signal);
      }
    }
  }
}
