import { UpstreamError } from './upstream-error';

const TIMEOUT_CODES = new Set([
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'ETIMEDOUT',
]);

/**
 * Classifies a failure below HTTP (refused, reset, dropped, timed out) as an `UpstreamError`. An abort
 * the caller asked for is not the upstream's fault: it is rethrown as is (the signal's reason).
 */
export function transportError(error: unknown, signal: AbortSignal | undefined): unknown {
  if (error instanceof UpstreamError || signal?.aborted) return error;
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  const message = error instanceof Error ? error.message : String(error);
  const detail = code && !message.includes(code) ? `${message} (${code})` : message;
  return new UpstreamError(TIMEOUT_CODES.has(code) ? 'timeout' : 'connection', detail, null, null, {
    cause: error,
  });
}
