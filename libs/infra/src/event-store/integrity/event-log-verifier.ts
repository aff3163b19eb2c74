import type { KeyObject } from 'node:crypto';
import type { Pool } from 'pg';
import { ChainVerifier } from './chain-verifier';
import { CHAIN_COLUMNS, DIGEST_STREAM, linkOf, type ChainRow } from './event-log-sql';
import { ProblemList, type IntegrityProblem } from './integrity-problem';
import { cursorRows } from './row-cursor';
import { MalformedDigestError, type RecordedDigest, type RecordedDigests } from './recorded-digests';
import { HeadsRoot, isSignatureValid } from './stream-heads-digest';

const BATCH = 5_000;
const DEFAULT_PROGRESS_INTERVAL_MS = 1_000;

export interface VerifyProgress {
  events_checked: number;
  events_total: number;
  streams_checked: number;
  problems: number;
}

/** How the latest signed digest held up. */
export interface DigestCheck {
  digest_id: string | null;
  log_position: string | null;
  created_at: string | null;
  signature_valid: boolean;
  heads_checked: number;
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
}

export interface VerifyOptions {
  /** Only this stream (and only its head in the digest). */
  stream?: string;
  onProgress?: (progress: VerifyProgress) => void;
  progressIntervalMs?: number;
}

interface HeadMismatchRow {
  stream_name: string;
  revision: string;
  stored: string | null;
  present: boolean;
}

/**
 * Verifies the PostgreSQL event log against itself and the latest signed digest: every chain, read
 * stream by stream through a cursor (flat memory whatever the log's size), then the digest's
 * signature, its list of heads, and each head against the event now stored at its revision. A
 * deleted middle event breaks a chain; a deleted last event (or a whole stream) only the digest sees.
 */
export class EventLogVerifier {
  constructor(
    private readonly pool: Pool,
    private readonly digests: RecordedDigests,
    private readonly publicKey: KeyObject,
    private readonly keyId: string,
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
    const where = options.stream === undefined ? '' : 'WHERE e.stream_name = $1';
    const values = options.stream === undefined ? [] : [options.stream];
    const total = Number(
      (await this.pool.query<{ n: string }>(`SELECT count(*)::text AS n FROM events e ${where}`, values))
        .rows[0].n,
    );
    const interval = options.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS;
    let reported = Date.now();
    const progress = (): VerifyProgress => ({
      events_checked: events,
      events_total: Math.max(total, events),
      streams_checked: streams,
      problems: problems.total,
    });
    for await (const rows of cursorRows<ChainRow>(
      this.pool,
      { text: `SELECT ${CHAIN_COLUMNS} FROM events e ${where} ORDER BY e.stream_name, e.revision`, values },
      BATCH,
    )) {
      for (const row of rows) verifier.add(linkOf(row));
      events += rows.length;
      if (options.onProgress && Date.now() - reported >= interval) {
        reported = Date.now();
        options.onProgress(progress());
      }
    }
    verifier.finish();
    options.onProgress?.(progress());
    const digest = await this.checkLatestDigest(problems.add, options.stream);
    return {
      ok: problems.total === 0,
      events,
      streams,
      problems: problems.listed,
      problems_total: problems.total,
      digest,
    };
  }

  private async checkLatestDigest(
    report: (problem: IntegrityProblem) => void,
    stream: string | undefined,
  ): Promise<DigestCheck | null> {
    let latest: RecordedDigest | null;
    try {
      latest = await this.digests.latest();
    } catch (error) {
      if (!(error instanceof MalformedDigestError)) throw error;
      const { rows } = await this.pool.query<{ revision: string }>(
        'SELECT max(revision)::text AS revision FROM events WHERE stream_name = $1',
        [DIGEST_STREAM],
      );
      report({
        stream: DIGEST_STREAM,
        revision: rows[0].revision,
        problem: 'digest_invalid',
        detail: error.message,
      });
      return {
        digest_id: null,
        log_position: null,
        created_at: null,
        signature_valid: false,
        heads_checked: 0,
      };
    }
    if (!latest) return null;
    const { payload } = latest;
    const invalid = (detail: string): void =>
      report({ stream: DIGEST_STREAM, revision: latest.revision, problem: 'digest_invalid', detail });
    const signatureValid = payload.key_id === this.keyId && isSignatureValid(latest, this.publicKey);
    if (!signatureValid) {
      invalid(
        payload.key_id === this.keyId
          ? 'the signature does not match the digest'
          : `signed with key ${payload.key_id}, not this instance's key ${this.keyId}`,
      );
    }
    // The whole list is re-hashed only for a full verification; one stream's check trusts the signature.
    if (stream === undefined) {
      const root = new HeadsRoot();
      for await (const head of this.digests.heads(payload.digest_id)) root.add(head);
      if (root.count !== payload.stream_count || root.digest() !== payload.heads_root) {
        invalid('the stored stream heads are not the ones the digest signed');
      }
    }
    const mismatches = await this.pool.query<HeadMismatchRow>(
      `SELECT h.stream_name, h.revision::text AS revision, e.hash AS stored, e.event_id IS NOT NULL AS present
         FROM audit_digest_heads h
         LEFT JOIN events e ON e.stream_name = (h.stream_name COLLATE "default") AND e.revision = h.revision
        WHERE h.digest_id = $1 AND ($2::text IS NULL OR h.stream_name = $2)
          AND (e.event_id IS NULL OR e.hash IS DISTINCT FROM h.hash)
        ORDER BY h.stream_name`,
      [payload.digest_id, stream ?? null],
    );
    for (const row of mismatches.rows) {
      report({
        stream: row.stream_name,
        revision: row.revision,
        problem: row.present ? 'head_mismatch' : 'missing',
        detail: row.present
          ? `the event at the head signed by digest ${payload.digest_id} has another hash`
          : `the head signed by digest ${payload.digest_id} is gone`,
      });
    }
    const headsChecked = await this.pool.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM audit_digest_heads WHERE digest_id = $1 AND ($2::text IS NULL OR stream_name = $2)`,
      [payload.digest_id, stream ?? null],
    );
    return {
      digest_id: payload.digest_id,
      log_position: payload.log_position,
      created_at: payload.created_at,
      signature_valid: signatureValid,
      heads_checked: Number(headsChecked.rows[0].n),
    };
  }
}
