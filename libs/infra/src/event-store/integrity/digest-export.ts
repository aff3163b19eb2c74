import { open } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { IntegrityConfig } from './integrity-config';
import { isDigestPayload } from './recorded-digests';
import type { SignedDigest } from './stream-heads-digest';

/**
 * Somewhere each digest is copied to as it is signed, out of reach of whoever can write the database:
 * an append-only file (a WORM mount, a log shipper's input) or an HTTP endpoint (object storage with
 * a retention lock, a transparency log).
 */
export interface DigestSink {
  /** Names the destination in errors: never a credential. */
  readonly name: string;
  write(line: string): Promise<void>;
}

/** One NDJSON line: the signed payload's fields and the signature, the form both sinks write. */
export function exportedDigestLine(digest: SignedDigest): string {
  return JSON.stringify({ ...digest.payload, signature: digest.signature });
}

/** Appends one line per digest and syncs it to disk before the digest counts as exported. */
export class FileDigestSink implements DigestSink {
  readonly name: string;

  constructor(private readonly path: string) {
    this.name = `file ${path}`;
  }

  async write(line: string): Promise<void> {
    const file = await open(this.path, 'a', 0o644);
    try {
      await file.appendFile(`${line}\n`, 'utf8');
      await file.datasync();
    } finally {
      await file.close();
    }
  }
}

/** POSTs each digest as JSON; any answer but 2xx, or none within the timeout, is a failure. */
export class HttpDigestSink implements DigestSink {
  readonly name: string;

  constructor(
    private readonly url: string,
    private readonly token: string | undefined,
    private readonly timeoutMs: number,
  ) {
    const parsed = new URL(url);
    this.name = `endpoint ${parsed.origin}${parsed.pathname}`;
  }

  async write(line: string): Promise<void> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    const response = await fetch(this.url, {
      method: 'POST',
      headers,
      body: line,
      redirect: 'error',
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    await response.arrayBuffer().catch(() => undefined);
    if (!response.ok) throw new Error(`answered ${response.status}`);
  }
}

export function digestSinks(
  config: Pick<
    IntegrityConfig,
    | 'AUDIT_DIGEST_EXPORT_FILE'
    | 'AUDIT_DIGEST_EXPORT_URL'
    | 'AUDIT_DIGEST_EXPORT_TOKEN'
    | 'AUDIT_DIGEST_EXPORT_TIMEOUT_MS'
  >,
): DigestSink[] {
  const sinks: DigestSink[] = [];
  if (config.AUDIT_DIGEST_EXPORT_FILE) sinks.push(new FileDigestSink(config.AUDIT_DIGEST_EXPORT_FILE));
  if (config.AUDIT_DIGEST_EXPORT_URL) {
    sinks.push(
      new HttpDigestSink(
        config.AUDIT_DIGEST_EXPORT_URL,
        config.AUDIT_DIGEST_EXPORT_TOKEN,
        config.AUDIT_DIGEST_EXPORT_TIMEOUT_MS,
      ),
    );
  }
  return sinks;
}

/** The digest was recorded in the log but at least one copy could not be made. */
export class DigestExportError extends Error {
  override name = 'DigestExportError';
}

export interface ExportedDigests {
  digests: SignedDigest[];
  /** Lines that hold no signed digest (1-based line numbers). */
  malformed: Array<{ line: number; reason: string }>;
}

/** Reads a file of exported digests, one line at a time. */
export async function readExportedDigests(path: string): Promise<ExportedDigests> {
  const result: ExportedDigests = { digests: [], malformed: [] };
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  let number = 0;
  for await (const text of lines) {
    number += 1;
    if (text.trim().length === 0) continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      result.malformed.push({ line: number, reason: `not JSON: ${(error as Error).message}` });
      continue;
    }
    const { signature, ...payload } = (value ?? {}) as Record<string, unknown>;
    if (typeof signature !== 'string' || !isDigestPayload(payload)) {
      result.malformed.push({ line: number, reason: 'not a signed digest' });
      continue;
    }
    result.digests.push({ payload, signature });
  }
  return result;
}
