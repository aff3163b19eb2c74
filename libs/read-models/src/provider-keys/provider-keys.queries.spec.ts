import type { SealedField } from '@ops/domain/privacy';
import { openReadModelDatabase, type ReadModelDatabase } from '../../../../test/support/read-model-database';
import { ProviderKeyRow } from './provider-key.table';
import { ProviderKeysQueries } from './provider-keys.queries';

const sealed = (userId: string, provider: string): SealedField => ({
  v: 1,
  subject: userId,
  key: 'k1',
  iv: provider,
  ct: 'ct',
  tag: 'tag',
});

function key(userId: string, provider: string, erased = false): ProviderKeyRow {
  return Object.assign(new ProviderKeyRow(), {
    userId,
    provider,
    sealedKey: erased ? null : sealed(userId, provider),
    sealedLabel: null,
    last4: 'abcd',
    addedAt: new Date('2026-03-01T10:00:00.000Z'),
    validatedAt: null,
    status: 'unverified',
  });
}

describe('provider keys queries', () => {
  let database: ReadModelDatabase;
  let queries: ProviderKeysQueries;

  beforeAll(async () => {
    database = await openReadModelDatabase();
    const repository = database.dataSource.getRepository(ProviderKeyRow);
    queries = new ProviderKeysQueries(repository);
    await repository.save([
      key('ann', 'openai'),
      key('ann', 'anthropic'),
      key('ann', 'groq'),
      key('bob', 'deepinfra', true),
    ]);
  });

  afterAll(() => database?.close());

  it("pages only the owner's keys, by provider", async () => {
    const providers = (rows: ProviderKeyRow[]) => rows.map((row) => row.provider);
    const first = await queries.list('ann', { limit: 2 });
    expect(providers(first.rows)).toEqual(['anthropic', 'groq']);
    expect(first.next_cursor).not.toBeNull();
    const last = await queries.list('ann', { limit: 2, cursor: first.next_cursor! });
    expect(providers(last.rows)).toEqual(['openai']);
    expect(last.next_cursor).toBeNull();
    expect(providers((await queries.list('bob', {})).rows)).toEqual(['deepinfra']);
  });

  it('opens nothing itself: hands out the sealed key, and nothing once erased or never added', async () => {
    expect(await queries.sealedKey('ann', 'groq')).toEqual(sealed('ann', 'groq'));
    expect(await queries.sealedKey('ann', 'deepinfra')).toBeNull();
    expect(await queries.sealedKey('bob', 'deepinfra')).toBeNull();
  });

  it('names the providers the owner holds a usable key for', async () => {
    expect((await queries.providersWithKeys('ann')).sort()).toEqual(['anthropic', 'groq', 'openai']);
    expect(await queries.providersWithKeys('bob')).toEqual([]);
  });
});
