export type UpstreamErrorKind =
  'rate_limited' | 'server_error' | 'timeout' | 'connection' | 'auth' | 'bad_request';

const RETRYABLE: ReadonlySet<UpstreamErrorKind> = new Set([
  'rate_limited',
  'server_error',
  'timeout',
  'connection',
]);

/** Why one upstream call failed, classified so the gateway can decide between a fallback and an error. */
export class UpstreamError extends Error {
  readonly retryable: boolean;

  constructor(
    readonly kind: UpstreamErrorKind,
    readonly upstreamMessage: string,
    readonly status: number | null = null,
    readonly retryAfterMs: number | null = null,
    options?: { cause?: unknown },
  ) {
    super(`upstream ${kind}${status === null ? '' : ` (HTTP ${status})`}: ${upstreamMessage}`, options);
    this.name = 'UpstreamError';
    this.retryable = RETRYABLE.has(kind);
  }
}

export function errorKindOfStatus(status: number): UpstreamErrorKind {
  if (status === 429) return 'rate_limited';
  if (status === 401 || status === 403) return 'auth';
  if (status === 408) return 'timeout';
  if (status >= 500) return 'server_error';
  return 'bad_request';
}

/** The message inside either provider's error body: OpenAI `{error: {message}}`, Anthropic `{type: "error", error: {message}}`. */
export function upstreamMessageOf(body: string): string {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === 'object' && parsed !== null && 'error' in parsed) {
      const error = parsed.error;
      if (typeof error === 'string') return error;
      if (
        typeof error === 'object' &&
        error !== null &&
        'message' in error &&
        typeof error.message === 'string'
      ) {
        return error.message;
      }
    }
  } catch {
    // Not JSON (a proxy's HTML page, say): the raw text is the best message there is.
  }
  return body.length > 500 ? `${body.slice(0, 500)}…` : body || 'empty error body';
}
