import type { Pool } from 'pg';
import type { EventStore, RecordedEvent } from '../event-store';
import { ChainVerifier, type ChainLink } from './chain-verifier';
import { DIGEST_STREAM } from './digest-stream';
import { ProblemList, type IntegrityProblem } from './integrity-problem';
import { cursorRows } from './row-cursor';
import type { ExportedDigests } from './digest-export';
import type { RecordedDigest, RecordedDigests } from './recorded-digests';
import type { TrustedKey } from './signing-key';
import {
  DIGEST_FORMAT,
  digestHash,
  HeadsRoot,
  isSignatureValid,
  type SignedDigest,
} from './stream-heads-digest';

const BATCH = 5_000;
const DEFAULT_PROGRESS_INTERVAL_MS = 1_000;

export interface VerifyProgress {
  events_checked: number;
  streams_checked: number;
  problems: number;
}

/** How the latest signed digest held up. */
export interface DigestCheck {
  digest_id: string | null;
  log_position: string | null;
  created_at: string | null;
  signature_valid: boolean;
  /** Streams it signed (the one asked for, in a single stream's verification). */
  heads_checked: number;
}

/** How every recorded digest held up, and against which key and copy. */
export interface DigestChainCheck {
  digests_checked: number;
  /** Every head any digest recorded, each compared with the event now stored at its revision. */
  heads_checked: number;
  key_id: string;
  /** False when the key is only the signing key's own half: see AUDIT_PUBLIC_KEY. */
  key_pinned: boolean;
  /** Null without an exported copy to compare with. */
  exported: ExportedCopyCheck | null;
}

export interface ExportedCopyCheck {
  digests: number;
  /** Recorded digests whose exported copy is identical. */
  matched: number;
  /** Recorded (chained) digests the copy does not hold. */
  not_exported: number;
}

export interface VerificationReport {
  ok: boolean;
  events: number;
  streams: number;
  /** The first MAX_LISTED_PROBLEMS problems; `problems_total` counts them all. */
  problems: IntegrityProblem[];
  problems_total: number;
  /** Null when no digest was ever signed. */
  digest: DigestCheck | null;
  digest_chain: DigestChainCheck;
}

export interface VerifyOptions {
  /** Only this stream (and only its heads in the digests). */
  stream?: string;
  /** The digests as exported when they were signed: where the database differs, the copy wins. */
  exported?: ExportedDigests;
  onProgress?: (progress: VerifyProgress) => void;
  progressIntervalMs?: number;
}

interface SignedHeadRow {
  stream_name: string;
  revision: string;
  sequence: string;
  hash: string;
}

interface RecordedRoot {
  count: number;
  root: string;
}

/** Problems about the exported copy itself name no stream of the log: they carry this one. */
export const EXPORTED_DIGESTS_STREAM = '(exported digests)';

/**
 * Verifies the event log (either adapter, through the store's `readChains`) against itself and every
 * signed digest: every chain, read stream by stream (flat memory whatever the log's size); then each
 * digest's signature
 * with the trusted key, its place in the chain of digests (sequence and predecessor's hash), the
 * heads it recorded, and every head any digest signed against the event now stored at its revision.
 * A deleted middle event breaks a chain; a deleted last event, a whole stream, or a stream rewritten
 * and re-chained since a digest signed it, only the digests see; a removed or replaced digest breaks
 * their chain; a removed latest digest, or digests re-signed by someone holding the key, only an
 * exported copy shows.
 */
export class EventLogVerifier {
  constructor(
    private readonly store: Pick<EventStore, 'readChains' | 'readRevisions'>,
    private readonly pool: Pool,
    private readonly digests: RecordedDigests,
    private readonly trusted: TrustedKey,
  ) {}

  async verify(options: VerifyOptions = {}): Promise<VerificationReport> {
    const problems = new ProblemList();
    let streams = 0;
    let events = 0;
    const verifier = new ChainVerifier({
      wholeStreams: true,
      onProblem: problems.add,
      onStreamEnd: () => {
        streams += 1;
      },
    });
    const interval = options.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS;
    let reported = Date.now();
    const progress = (): VerifyProgress => ({
      events_checked: events,
      streams_checked: streams,
      problems: problems.total,
    });
    for await (const batch of this.store.readChains({ stream: options.stream })) {
      for (const event of batch) verifier.add(linkOf(event));
      events += batch.length;
      if (options.onProgress && Date.now() - reported >= interval) {
        reported = Date.now();
        options.onProgress(progress());
      }
    }
    verifier.finish();
    options.onProgress?.(progress());
    const { latest, chain } = await this.checkDigests(problems.add, options.stream, options.exported);
    return {
      ok: problems.total === 0,
      events,
      streams,
      problems: problems.listed,
      problems_total: problems.total,
      digest: latest,
      digest_chain: chain,
    };
  }

  private async checkDigests(
    report: (problem: IntegrityProblem) => void,
    stream: string | undefined,
    exported: ExportedDigests | undefined,
  ): Promise<{ latest: DigestCheck | null; chain: DigestChainCheck }> {
    const whole = stream === undefined;
    // One pass over every recorded head (a full verification): each digest's root, by sequence.
    const roots = whole ? await this.recordedRoots() : new Map<string, RecordedRoot>();
    const copies = new Map<string, SignedDigest>();
    for (const copy of exported?.digests ?? []) {
      // The first copy of a sequence is the one made when it was signed; a later one means a restart.
      const sequence = copy.payload.format === DIGEST_FORMAT ? String(copy.payload.sequence) : null;
      if (sequence !== null && !copies.has(sequence)) copies.set(sequence, copy);
    }
    const chain: DigestChainCheck = {
      digests_checked: 0,
      heads_checked: 0,
      key_id: this.trusted.keyId,
      key_pinned: this.trusted.pinned,
      exported: exported ? { digests: exported.digests.length, matched: 0, not_exported: 0 } : null,
    };
    let latest: DigestCheck | null = null;
    let latestRecorded: RecordedDigest | null = null;
    // The hash the next digest must name; undefined after a damaged digest, whose hash is unknown.
    let expectedPrevious: string | null | undefined = null;
    let chained = false;
    for await (const entry of this.digests.all()) {
      chain.digests_checked += 1;
      const invalid = (detail: string): void =>
        report({ stream: DIGEST_STREAM, revision: entry.revision, problem: 'digest_invalid', detail });
      if ('malformed' in entry) {
        invalid(entry.malformed);
        expectedPrevious = undefined;
        latestRecorded = null;
        latest = {
          digest_id: null,
          log_position: null,
          created_at: null,
          signature_valid: false,
          heads_checked: 0,
        };
        continue;
      }
      const { digest } = entry;
      const { payload } = digest;
      const signatureValid =
        payload.key_id === this.trusted.keyId && isSignatureValid(digest, this.trusted.publicKey);
      if (!signatureValid) {
        invalid(
          payload.key_id === this.trusted.keyId
            ? 'the signature does not match the digest'
            : `signed with key ${payload.key_id}, not the trusted key ${this.trusted.keyId}`,
        );
      }
      if (payload.format === DIGEST_FORMAT) {
        chained = true;
        if (String(payload.sequence) !== entry.revision) {
          invalid(
            `signed as digest ${payload.sequence} but recorded as ${entry.revision}: digests were removed or moved`,
          );
        }
        if (expectedPrevious !== undefined && payload.previous_digest !== expectedPrevious) {
          invalid('it does not chain to the digest recorded before it: that one was removed or replaced');
        }
      } else if (chained) {
        invalid('a digest without a chain follows chained ones');
      }
      expectedPrevious = digestHash(payload);
      if (whole) {
        const key = `${entry.revision}/${payload.digest_id}`;
        const recorded = roots.get(key) ?? { count: 0, root: new HeadsRoot().digest() };
        roots.delete(key);
        const [count, root] =
          payload.format === DIGEST_FORMAT
            ? [payload.changed_count, payload.changed_root]
            : [payload.stream_count, payload.heads_root];
        // Older legacy digests kept no heads; the latest legacy one kept its whole list.
        const kept = payload.format === DIGEST_FORMAT || recorded.count > 0;
        if (kept && (recorded.count !== count || recorded.root !== root)) {
          invalid('the heads recorded for it are not the ones it signed');
        }
      }
      const copy = copies.get(entry.revision);
      if (chain.exported && payload.format === DIGEST_FORMAT) {
        if (!copy) chain.exported.not_exported += 1;
        else if (digestHash(copy.payload) === digestHash(payload) && copy.signature === digest.signature) {
          chain.exported.matched += 1;
        } else {
          invalid(`it is not the digest ${entry.revision} exported when it was signed`);
        }
      }
      copies.delete(entry.revision);
      latestRecorded = digest;
      latest = {
        digest_id: payload.digest_id,
        log_position: payload.log_position,
        created_at: payload.created_at,
        signature_valid: signatureValid,
        heads_checked: 0,
      };
    }
    if (exported) this.checkExportedCopy(exported, copies, report);
    if (whole) {
      for (const [key, { count }] of roots) {
        const [sequence, digestId] = key.split('/');
        report({
          stream: DIGEST_STREAM,
          revision: sequence,
          problem: 'digest_invalid',
          detail: `${count} heads are recorded for digest ${digestId}, which the log does not hold`,
        });
      }
    }
    if (latestRecorded && latest) {
      latest.heads_checked = await this.checkLatestList(latestRecorded, stream, report);
    }
    chain.heads_checked = await this.checkSignedHeads(stream, report);
    return { latest, chain };
  }

  /** The latest digest's whole list of heads is the fold of what every digest up to it recorded. */
  private async checkLatestList(
    latest: RecordedDigest,
    stream: string | undefined,
    report: (problem: IntegrityProblem) => void,
  ): Promise<number> {
    const { payload } = latest;
    if (stream !== undefined) {
      const { rows } = await this.pool.query<{ n: string }>(
        'SELECT count(DISTINCT stream_name)::text AS n FROM audit_digest_heads WHERE sequence <= $1 AND stream_name = $2',
        [latest.revision, stream],
      );
      return Number(rows[0].n);
    }
    if (payload.format !== DIGEST_FORMAT) return payload.stream_count;
    const root = new HeadsRoot();
    for await (const head of this.digests.signedHeads(latest.revision)) root.add(head);
    if (root.count !== payload.stream_count || root.digest() !== payload.heads_root) {
      report({
        stream: DIGEST_STREAM,
        revision: latest.revision,
        problem: 'digest_invalid',
        detail: 'the heads recorded up to the latest digest are not the list it signed',
      });
    }
    return root.count;
  }

  /** Every head any digest recorded must still be in its stream's chain: same revision, same hash. */
  private async checkSignedHeads(
    stream: string | undefined,
    report: (problem: IntegrityProblem) => void,
  ): Promise<number> {
    let checked = 0;
    for await (const rows of cursorRows<SignedHeadRow>(
      this.pool,
      {
        text: `SELECT stream_name, revision::text AS revision, sequence::text AS sequence, hash
                 FROM audit_digest_heads
                WHERE $1::text IS NULL OR stream_name = $1
                ORDER BY stream_name, sequence`,
        values: [stream ?? null],
      },
      BATCH,
    )) {
      checked += rows.length;
      const stored = await this.store.readRevisions(
        rows.map((row) => ({ streamName: row.stream_name, revision: BigInt(row.revision) })),
      );
      rows.forEach((row, index) => {
        const event = stored[index];
        if (event?.integrity?.hash === row.hash) return;
        report({
          stream: row.stream_name,
          revision: row.revision,
          problem: event ? 'head_mismatch' : 'missing',
          detail: event
            ? `the event at the head signed by digest ${row.sequence} has another hash`
            : `the head signed by digest ${row.sequence} is gone`,
        });
      });
    }
    return checked;
  }

  /** Each recorded digest's heads, rooted: `sequence/digest_id` → count and root. */
  private async recordedRoots(): Promise<Map<string, RecordedRoot>> {
    const roots = new Map<string, RecordedRoot>();
    let key: string | null = null;
    let root = new HeadsRoot();
    const settle = (): void => {
      if (key !== null) roots.set(key, { count: root.count, root: root.digest() });
    };
    for await (const rows of cursorRows<{ key: string; stream_name: string; revision: string; hash: string }>(
      this.pool,
      {
        text: `SELECT sequence::text || '/' || digest_id::text AS key, stream_name, revision::text AS revision, hash
                 FROM audit_digest_heads ORDER BY sequence, digest_id, stream_name`,
      },
      BATCH,
    )) {
      for (const row of rows) {
        if (row.key !== key) {
          settle();
          key = row.key;
          root = new HeadsRoot();
        }
        root.add({ stream: row.stream_name, revision: row.revision, hash: row.hash });
      }
    }
    settle();
    return roots;
  }

  /** The copy must hold up on its own: each line signed by the trusted key, and none the log lacks. */
  private checkExportedCopy(
    exported: ExportedDigests,
    unmatched: Map<string, SignedDigest>,
    report: (problem: IntegrityProblem) => void,
  ): void {
    for (const { line, reason } of exported.malformed) {
      report({
        stream: EXPORTED_DIGESTS_STREAM,
        revision: String(line),
        problem: 'malformed',
        detail: reason,
      });
    }
    const seen = new Map<number, string>();
    let previous: { sequence: number; hash: string } | null = null;
    for (const copy of exported.digests) {
      const { payload } = copy;
      if (payload.format === DIGEST_FORMAT) {
        const hash = digestHash(payload);
        const invalid = (detail: string): void =>
          report({
            stream: EXPORTED_DIGESTS_STREAM,
            revision: String(payload.sequence),
            problem: 'digest_invalid',
            detail,
          });
        const earlier = seen.get(payload.sequence);
        if (earlier !== undefined && earlier !== hash) {
          invalid(
            `two different digests ${payload.sequence} were exported: the digests were removed and signed afresh`,
          );
        } else if (previous?.sequence === payload.sequence - 1 && payload.previous_digest !== previous.hash) {
          invalid(`the exported digest ${payload.sequence} does not chain to the one exported before it`);
        }
        if (earlier === undefined) seen.set(payload.sequence, hash);
        previous = { sequence: payload.sequence, hash };
      }
      if (payload.key_id !== this.trusted.keyId || !isSignatureValid(copy, this.trusted.publicKey)) {
        report({
          stream: EXPORTED_DIGESTS_STREAM,
          revision: payload.format === DIGEST_FORMAT ? String(payload.sequence) : payload.digest_id,
          problem: 'digest_invalid',
          detail: `the exported digest ${payload.digest_id} does not verify with the trusted key ${this.trusted.keyId}`,
        });
      }
    }
    for (const [sequence, copy] of unmatched) {
      report({
        stream: DIGEST_STREAM,
        revision: sequence,
        problem: 'missing',
        detail: `digest ${sequence} (${copy.payload.digest_id}) was exported when it was signed but is not in the log`,
      });
    }
  }
}

function linkOf(event: RecordedEvent): ChainLink {
  return {
    streamName: event.streamName,
    revision: event.revision,
    content: event,
    previousHash: event.integrity?.previousHash ?? null,
    hash: event.integrity?.hash ?? null,
  };
}
