const CENSOR = '[redacted]';

/**
 * What a credential looks like inside free text: provider-style keys (`sk-…`, `sk-ops-…`, `gsk_…`,
 * `hf_…`), JWTs, the value after `Bearer`/`Basic`, and any other long opaque token (32+ characters
 * of base64 or hex), which is how most API keys look when their prefix is unknown.
 */
const CREDENTIAL_IN_TEXT =
  /\b(?:sk|gsk|hf|fw|pk|rk|xai|whsec)[-_][A-Za-z0-9_-]{8,}|eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*|\b(?:Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+|[A-Za-z0-9+/_=-]{32,}/gi;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The text with everything that looks like a credential replaced; ids in UUID form are kept. */
export function redactSecrets(text: string): string {
  return text.replace(CREDENTIAL_IN_TEXT, (match) => (UUID.test(match) ? match : CENSOR));
}

/**
 * A request URL fit for a log line: the path with credential-like segments redacted and every query
 * value replaced (names are kept, so the line still tells which parameters were sent).
 */
export function redactUrl(url: string): string {
  const queryAt = url.indexOf('?');
  const path = (queryAt < 0 ? url : url.slice(0, queryAt)).split('/').map(redactSecrets).join('/');
  if (queryAt < 0) return path;
  const names = url
    .slice(queryAt + 1)
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const name = redactSecrets(equals < 0 ? pair : pair.slice(0, equals));
      return equals < 0 ? name : `${name}=${CENSOR}`;
    });
  return `${path}?${names.join('&')}`;
}

/** A parsed query object (`req.query`) with every value replaced, its names kept. */
export function redactQuery(query: unknown): Record<string, string> | undefined {
  if (typeof query !== 'object' || query === null) return undefined;
  return Object.fromEntries(Object.keys(query).map((name) => [redactSecrets(name), CENSOR]));
}
