import type { SealedField } from '@ops/domain/privacy';
import { randomBytes } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { DataKeyCache, ERASED } from './data-key-cache';
import { type DataKey, openField, sealField } from './field-cipher';
import type { KekRing } from './kek-ring';

/** Sealing for a subject whose data key was destroyed: their personal data may not come back. */
export class SubjectErasedError extends Error {
  constructor(readonly subject: string) {
    super(`the personal data of ${subject} was erased`);
    this.name = 'SubjectErasedError';
  }
}

export interface VaultOptions {
  cacheEntries: number;
  cacheTtlMs: number;
}

export interface ErasureResult {
  erasedAt: Date;
  /** False when an earlier erasure had already destroyed the key. */
  newlyErased: boolean;
}

export interface RotationResult {
  kekId: string;
  rewrapped: number;
}

interface KeyRow {
  subject: string;
  key_id: string | null;
  wrapped_key: string | null;
  kek_id: string | null;
}

const ROTATION_BATCH = 500;
const DEFAULT_OPTIONS: VaultOptions = { cacheEntries: 10_000, cacheTtlMs: 30_000 };

/**
 * Envelope encryption per subject: each subject gets a random data key, stored only wrapped by the
 * newest key-encryption key (KEK). Fields are sealed with the data key; destroying it (erase) makes
 * every field ever sealed for that subject unreadable, wherever copies of it live.
 */
export class DataKeyVault {
  private readonly cache: DataKeyCache;

  constructor(
    private readonly database: DataSource,
    private readonly keks: KekRing,
    options: Partial<VaultOptions> = {},
  ) {
    const { cacheEntries, cacheTtlMs } = { ...DEFAULT_OPTIONS, ...options };
    this.cache = new DataKeyCache(cacheEntries, cacheTtlMs);
  }

  /** `aad` names the record the value belongs to; opening it under another name fails. */
  async seal(subject: string, plaintext: string, aad: string): Promise<SealedField> {
    const key = (await this.dataKey(subject)) ?? (await this.createDataKey(subject));
    if (key === ERASED) throw new SubjectErasedError(subject);
    return sealField(key, subject, plaintext, aad);
  }

  /** The plain value, or null when its subject was erased. */
  async open(sealed: SealedField, aad: string): Promise<string | null> {
    const key = await this.dataKey(sealed.subject);
    if (key === undefined) throw new Error(`no data key exists for ${sealed.subject}`);
    if (key === ERASED) return null;
    return openField(key, sealed, aad);
  }

  async isErased(subject: string): Promise<boolean> {
    return (await this.dataKey(subject)) === ERASED;
  }

  /**
   * Destroys the subject's data key for good (the row stays, as the record of the erasure), and
   * refuses any later sealing for them. Idempotent.
   */
  async erase(subject: string): Promise<ErasureResult> {
    // Newly erased: the row was inserted (xmax = 0) or its destroyed_at is this statement's own now().
    const [row]: { destroyed_at: Date; newly: boolean }[] = await this.database.query(
      `INSERT INTO subject_data_keys (subject, key_id, wrapped_key, kek_id, created_at, destroyed_at)
       VALUES ($1, NULL, NULL, NULL, now(), now())
       ON CONFLICT (subject) DO UPDATE
         SET wrapped_key = NULL, kek_id = NULL, destroyed_at = COALESCE(subject_data_keys.destroyed_at, now())
       RETURNING destroyed_at, (xmax = 0 OR destroyed_at = now()) AS newly`,
      [subject],
    );
    this.cache.forget(subject);
    return { erasedAt: row.destroyed_at, newlyErased: row.newly };
  }

  /**
   * Re-wraps every live data key under the newest KEK, in batches; sealed fields are never read or
   * decrypted. Afterwards older KEKs can be removed from the ring.
   */
  async rotateKek(): Promise<RotationResult> {
    const kekId = this.keks.newestId;
    let rewrapped = 0;
    for (;;) {
      const done = await this.database.transaction(async (tx) => {
        // One rotation at a time; concurrent erasures wait on the row locks and win or lose cleanly.
        await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['ops-center:kek-rotation']);
        const rows: KeyRow[] = await tx.query(
          `SELECT subject, key_id, wrapped_key, kek_id FROM subject_data_keys
           WHERE wrapped_key IS NOT NULL AND kek_id <> $1 ORDER BY subject LIMIT $2 FOR UPDATE`,
          [kekId, ROTATION_BATCH],
        );
        await this.rewrap(tx, rows);
        rewrapped += rows.length;
        return rows.length < ROTATION_BATCH;
      });
      if (done) return { kekId, rewrapped };
    }
  }

  /** Live data keys per KEK id: an old KEK may leave the ring once it wraps none. */
  async keysPerKek(): Promise<Record<string, number>> {
    const rows: { kek_id: string; n: number }[] = await this.database.query(
      `SELECT kek_id, count(*)::int AS n FROM subject_data_keys WHERE wrapped_key IS NOT NULL GROUP BY kek_id`,
    );
    return Object.fromEntries(rows.map((row) => [row.kek_id, row.n]));
  }

  private async rewrap(tx: EntityManager, rows: KeyRow[]): Promise<void> {
    if (rows.length === 0) return;
    const wrapped = rows.map((row) => {
      const key = this.keks.unwrap(row.subject, row.kek_id!, row.wrapped_key!);
      try {
        return this.keks.wrap(row.subject, key);
      } finally {
        key.fill(0);
      }
    });
    await tx.query(
      `UPDATE subject_data_keys AS d SET wrapped_key = u.wrapped, kek_id = u.kek_id
       FROM unnest($1::text[], $2::text[], $3::text[]) AS u(subject, wrapped, kek_id)
       WHERE d.subject = u.subject AND d.wrapped_key IS NOT NULL`,
      [rows.map((row) => row.subject), wrapped.map((w) => w.wrapped), wrapped.map((w) => w.kekId)],
    );
  }

  /** The subject's key: cached, else unwrapped from its row; undefined when it has none yet. */
  private async dataKey(subject: string): Promise<DataKey | typeof ERASED | undefined> {
    const cached = this.cache.get(subject);
    if (cached !== undefined) return cached;
    const [row]: KeyRow[] = await this.database.query(
      'SELECT subject, key_id, wrapped_key, kek_id FROM subject_data_keys WHERE subject = $1',
      [subject],
    );
    return row ? this.fromRow(row) : undefined;
  }

  private fromRow(row: KeyRow): DataKey | typeof ERASED {
    if (row.wrapped_key === null || row.kek_id === null || row.key_id === null) {
      this.cache.forget(row.subject);
      return ERASED;
    }
    const key = { id: row.key_id, key: this.keks.unwrap(row.subject, row.kek_id, row.wrapped_key) };
    this.cache.remember(row.subject, key);
    return key;
  }

  /** Two processes creating the first key of one subject at once agree on the one that was stored. */
  private async createDataKey(subject: string): Promise<DataKey | typeof ERASED> {
    const key = randomBytes(32);
    const { kekId, wrapped } = this.keks.wrap(subject, key);
    await this.database.query(
      `INSERT INTO subject_data_keys (subject, key_id, wrapped_key, kek_id, created_at)
       VALUES ($1, $2, $3, $4, now()) ON CONFLICT (subject) DO NOTHING`,
      [subject, randomBytes(9).toString('base64url'), wrapped, kekId],
    );
    key.fill(0);
    const [row]: KeyRow[] = await this.database.query(
      'SELECT subject, key_id, wrapped_key, kek_id FROM subject_data_keys WHERE subject = $1',
      [subject],
    );
    return this.fromRow(row);
  }
}
