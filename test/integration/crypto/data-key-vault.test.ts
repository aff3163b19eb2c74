import { openDatabase } from '@ops/infra/database/data-source';
import { DataKeyVault, KekRing, SubjectErasedError } from '@ops/infra/crypto/data-keys';
import type { SecretKey } from '@ops/infra/crypto/secret-box';
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../../support/postgres';

const kek = (id: string): SecretKey => ({ id, key: randomBytes(32) });
/** The ring before and after the rotation test, shared by every test of the file (one database). */
const k1 = kek('k1');
const fresh = kek('fresh');
const vaultOn = (database: DataSource, ...keks: SecretKey[]) =>
  new DataKeyVault(database, new KekRing(() => keks));

describe('DataKeyVault on PostgreSQL', () => {
  let testDatabase: TestDatabase;
  let database: DataSource;

  beforeAll(async () => {
    testDatabase = await createTestDatabase();
    database = await openDatabase(testDatabase.url, { poolSize: 4 });
  });
  afterAll(async () => {
    await database?.destroy();
    await testDatabase?.drop();
  });

  const keyRow = async (subject: string) =>
    (await database.query('SELECT * FROM subject_data_keys WHERE subject = $1', [subject]))[0];

  it('seals with one data key per subject, stored only wrapped, and opens from a cold cache', async () => {
    const sealed = await vaultOn(database, k1).seal('ann', 'sk-ann-secret', 'rec-1');
    const again = await vaultOn(database, k1).seal('ann', 'second', 'rec-2');
    expect(again.key).toBe(sealed.key);
    const row = await keyRow('ann');
    expect(row).toMatchObject({ key_id: sealed.key, kek_id: 'k1', destroyed_at: null });
    expect(await vaultOn(database, k1).open(sealed, 'rec-1')).toBe('sk-ann-secret');
    await expect(vaultOn(database, k1).open(sealed, 'rec-2')).rejects.toThrow();
  });

  it('agrees on one data key when many seal the first value of a subject at once', async () => {
    const sealed = await Promise.all(
      Array.from({ length: 8 }, (_, index) => vaultOn(database, k1).seal('race', `v${index}`, 'r')),
    );
    expect(new Set(sealed.map((field) => field.key)).size).toBe(1);
    const reader = vaultOn(database, k1);
    expect(await Promise.all(sealed.map((field) => reader.open(field, 'r')))).toEqual(
      sealed.map((_, index) => `v${index}`),
    );
  });

  it('rotation re-wraps every data key under the newest KEK; the old KEK can then be removed', async () => {
    const writer = vaultOn(database, k1);
    const fields = await Promise.all(
      ['rot-a', 'rot-b', 'rot-c'].map(async (subject) => ({
        subject,
        sealed: await writer.seal(subject, `secret of ${subject}`, 'rec'),
      })),
    );
    const rotating = vaultOn(database, k1, fresh);
    const perKekBefore = await rotating.keysPerKek();
    expect(perKekBefore).toEqual({ k1: 5 });

    const result = await rotating.rotateKek();
    expect(result.kekId).toBe('fresh');
    expect(result.rewrapped).toBe(5);
    expect(await rotating.keysPerKek()).toEqual({ fresh: 5 });
    expect((await rotating.rotateKek()).rewrapped).toBe(0);

    // Only the new KEK left in the ring: everything sealed before still opens, sealed fields untouched.
    const afterRemoval = vaultOn(database, fresh);
    for (const { subject, sealed } of fields) {
      expect(await afterRemoval.open(sealed, 'rec')).toBe(`secret of ${subject}`);
    }
    await expect(vaultOn(database, k1).open(fields[0].sealed, 'rec')).rejects.toThrow(
      /no secret key with id fresh/,
    );
  });

  it('erasure is permanent: the key is gone from its row, a warm cache forgets it, sealing is refused', async () => {
    const vault = vaultOn(database, fresh);
    const sealed = await vault.seal('eve', 'sk-eve', 'rec');
    expect(await vault.open(sealed, 'rec')).toBe('sk-eve');

    const erased = await vault.erase('eve');
    expect(erased.newlyErased).toBe(true);
    expect(await vault.open(sealed, 'rec')).toBeNull();
    expect(await vaultOn(database, fresh).open(sealed, 'rec')).toBeNull();
    const row = await keyRow('eve');
    expect(row).toMatchObject({ subject: 'eve', wrapped_key: null, kek_id: null });
    expect(row.destroyed_at).toBeInstanceOf(Date);
    await expect(vault.seal('eve', 'again', 'rec')).rejects.toBeInstanceOf(SubjectErasedError);

    const repeated = await vault.erase('eve');
    expect(repeated).toEqual({ erasedAt: erased.erasedAt, newlyErased: false });
    expect((await vault.rotateKek()).rewrapped).toBe(0);
  });

  it('an erasure by another process reaches a cached key once the cache entry expires', async () => {
    const gateway = new DataKeyVault(database, new KekRing(() => [fresh]), { cacheTtlMs: 200 });
    const sealed = await gateway.seal('far', 'sk-far', 'rec');
    expect(await gateway.open(sealed, 'rec')).toBe('sk-far');
    await vaultOn(database, fresh).erase('far');
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await gateway.open(sealed, 'rec')).toBeNull();
  });

  it('erasing a subject that never had a key still refuses sealing for them later', async () => {
    const vault = vaultOn(database, fresh);
    expect((await vault.erase('ghost')).newlyErased).toBe(true);
    expect(await vault.isErased('ghost')).toBe(true);
    await expect(vault.seal('ghost', 'x', 'rec')).rejects.toBeInstanceOf(SubjectErasedError);
  });
});
