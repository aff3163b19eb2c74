type HeaderValue = string | string[] | undefined;

function first(value: HeaderValue): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * How long the upstream asked us to wait: `retry-after-ms` (OpenAI), else `retry-after` in seconds or as
 * an HTTP date. Null when absent or unreadable.
 */
export function retryAfterMsOf(headers: Record<string, HeaderValue>, nowMs: number): number | null {
  const millis = first(headers['retry-after-ms'])?.trim();
  if (millis && Number.isFinite(Number(millis)) && Number(millis) >= 0) return Math.round(Number(millis));
  const value = first(headers['retry-after'])?.trim();
  if (!value) return null;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - nowMs);
}
