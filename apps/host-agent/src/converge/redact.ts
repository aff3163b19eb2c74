const REDACTED = '[redacted]';
const MAX_MESSAGE_LENGTH = 1000;

/** Anything shaped like a crypt(3) hash (`$id$…`), in case a tool echoes one the caller did not list. */
const CRYPT_HASH = /\$[0-9a-z]{1,2}\$[^\s:]+/gi;

/**
 * A tool's stderr made fit for an outcome and a log line: every listed secret and anything that looks
 * like a password hash is replaced, then the text is trimmed and bounded.
 */
export function redactToolMessage(stderr: string, secrets: readonly string[]): string {
  const scrubbed = secrets
    .filter((secret) => secret.length > 0)
    .reduce((text, secret) => text.split(secret).join(REDACTED), stderr)
    .replace(CRYPT_HASH, REDACTED)
    .trim();
  return scrubbed.length > MAX_MESSAGE_LENGTH ? `${scrubbed.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : scrubbed;
}
