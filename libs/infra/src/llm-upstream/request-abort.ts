import { UpstreamError } from './upstream-error';

/**
 * The abort signal of one upstream request: fires when the caller's signal does (with its reason), or
 * when no response headers came within the timeout (with a `timeout` UpstreamError). undici's own
 * `headersTimeout` runs on a coarse timer wheel (about one second of slack), too loose for fallbacks.
 */
export class RequestAbort {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly callerSignal: AbortSignal | undefined,
    timeoutMs: number,
  ) {
    if (callerSignal?.aborted) this.controller.abort(callerSignal.reason);
    else callerSignal?.addEventListener('abort', this.forward, { once: true });
    this.timer = setTimeout(this.expire, timeoutMs, timeoutMs);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  headersArrived(): void {
    clearTimeout(this.timer);
  }

  /** Once the response is read or abandoned: no timer left, no listener left on the caller's signal. */
  release(): void {
    clearTimeout(this.timer);
    this.callerSignal?.removeEventListener('abort', this.forward);
  }

  private readonly forward = (): void => this.controller.abort(this.callerSignal?.reason);

  private readonly expire = (timeoutMs: number): void =>
    this.controller.abort(new UpstreamError('timeout', `no response headers within ${timeoutMs} ms`));
}
