import { redactSecrets } from '../http/logging/redact-secrets';

export type UpstreamErrorKind =
  'rate_limited' | 'server_error' | 'timeout' | 'connection' | 'auth' | 'bad_request';

/**
 * What a client (and the event log) may learn of an upstream failure: its kind. The provider's own
 * text can hold anything (our key in "Incorrect API key provided: sk-…", its internals, another
 * tenant's data), so it stays in the server's logs, redacted.
 */
const PUBLIC_MESSAGES: Record<UpstreamErrorKind, string> = {
  rate_limited: 'the provider is rate limiting requests',
  server_error: 'the provider failed to answer',
  timeout: 'the provider did not answer in time',
  connection: 'the provider could not be reached',
  auth: 'the provider refused the credentials it was called with',
  bad_request: 'the provider found the request invalid (its explanation is kept in the server log)',
};

export interface UpstreamErrorOptions {
  cause?: unknown;
  /** The text is the gateway's own (a request it cannot translate), not the provider's: a client may read it. */
  ownText?: boolean;
}

const RETRYABLE: ReadonlySet<UpstreamErrorKind> = new Set([
  'rate_limited',
  'server_error',
  'timeout',
  'connection',
]);

/**
 * Why one upstream call failed, classified so the gateway can decide between a fallback and an error.
 * `upstreamMessage` is the provider's text as received, for code that must inspect it; `message`
 * (what logs show) carries it redacted; `publicMessage` is all a client or an event may carry.
 */
export class UpstreamError extends Error {
  readonly retryable: boolean;
  readonly publicMessage: string;

  constructor(
    readonly kind: UpstreamErrorKind,
    readonly upstreamMessage: string,
    readonly status: number | null = null,
    readonly retryAfterMs: number | null = null,
    options: UpstreamErrorOptions = {},
  ) {
    super(
      `upstream ${kind}${status === null ? '' : ` (HTTP ${status})`}: ${redactSecrets(upstreamMessage)}`,
      { cause: options.cause },
    );
    this.name = 'UpstreamError';
    this.retryable = RETRYABLE.has(kind);
    this.publicMessage = options.ownText ? upstreamMessage : PUBLIC_MESSAGES[kind];
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

/** A request this provider cannot take as it is, said in the gateway's own words (400 to the client). */
export function unsupportedRequest(message: string): UpstreamError {
  return new UpstreamError('bad_request', message, null, null, { ownText: true });
}
