import { openReadModelDatabase, type ReadModelDatabase } from '../../../../test/support/read-model-database';
import { CreditBalanceRow } from './credit-balance.table';
import { CreditLedgerQueries } from './credit-ledger.queries';
import { CreditTransactionRow } from './credit-transaction.table';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

const USER_IDS: Record<string, number> = { ann: 0, bob: 100, cy: 200 };

function movement(
  userId: string,
  revision: number,
  { kind = 'grant', amountMicros = '1000', occurredAt = '2026-03-01T10:00:00.000Z' } = {},
): CreditTransactionRow {
  return Object.assign(new CreditTransactionRow(), {
    eventId: id(revision + USER_IDS[userId]),
    userId,
    streamRevision: String(revision),
    kind,
    amountMicros,
    balanceAfterMicros: String(1000 * (revision + 1)),
    reason: 'test',
    actor: 'admin',
    occurredAt: new Date(occurredAt),
  });
}

const MARCH_FIRST = {
  start: new Date('2026-03-01T00:00:00.000Z'),
  end: new Date('2026-03-02T00:00:00.000Z'),
};

describe('credit ledger queries', () => {
  let database: ReadModelDatabase;
  let queries: CreditLedgerQueries;

  beforeAll(async () => {
    database = await openReadModelDatabase();
    const { dataSource } = database;
    queries = new CreditLedgerQueries(
      dataSource.getRepository(CreditBalanceRow),
      dataSource.getRepository(CreditTransactionRow),
    );
    // Revisions past 9 and 10 show the order is numeric, not the text's.
    await dataSource.getRepository(CreditTransactionRow).save([
      ...[0, 1, 2, 9, 10].map((revision) => movement('ann', revision)),
      movement('bob', 5),
      // Just before the day, then at its very first instant: the interval is half-open.
      movement('cy', 0, { amountMicros: '5000', occurredAt: '2026-02-28T23:59:59.999Z' }),
      movement('cy', 1, { kind: 'revoke', amountMicros: '-2000', occurredAt: '2026-03-01T00:00:00.000Z' }),
    ]);
    await dataSource.getRepository(CreditBalanceRow).save(
      Object.assign(new CreditBalanceRow(), {
        userId: 'ann',
        balanceMicros: '11000',
        lastRevision: '10',
        updatedAt: new Date('2026-03-01T10:00:00.000Z'),
      }),
    );
  });

  afterAll(() => database?.close());

  it('reads a balance, and zero for an account nobody has credited yet', async () => {
    expect(await queries.balance('ann')).toEqual({
      balanceMicros: '11000',
      updatedAt: new Date('2026-03-01T10:00:00.000Z'),
    });
    expect(await queries.balance('nobody')).toEqual({ balanceMicros: '0', updatedAt: null });
  });

  it("pages the account's own movements newest first, the cursor being the last revision", async () => {
    const revisions = (rows: CreditTransactionRow[]) => rows.map((row) => row.streamRevision);
    const first = await queries.history('ann', { limit: 2 });
    expect(revisions(first.rows)).toEqual(['10', '9']);
    expect(first.next_cursor).toBe('9');
    const second = await queries.history('ann', { limit: 2, beforeRevision: '9' });
    expect(revisions(second.rows)).toEqual(['2', '1']);
    const last = await queries.history('ann', { limit: 2, beforeRevision: '1' });
    expect(revisions(last.rows)).toEqual(['0']);
    expect(last.next_cursor).toBeNull();
  });

  it("lists an interval's movements oldest first, then by account and revision, as text", async () => {
    const entries = await queries.entries(MARCH_FIRST, 100);
    expect(entries.map((entry) => `${entry.user_id}@${entry.kind}`)).toEqual([
      'cy@revoke',
      ...['0', '1', '2', '9', '10'].map(() => 'ann@grant'),
      'bob@grant',
    ]);
    expect(entries[0]).toEqual({
      event_id: id(201),
      occurred_at: '2026-03-01T00:00:00.000Z',
      user_id: 'cy',
      kind: 'revoke',
      amount_micros: '-2000',
      balance_after_micros: '2000',
      reason: 'test',
      actor: 'admin',
    });
    expect(entries.slice(1, 6).map((entry) => entry.event_id)).toEqual([0, 1, 2, 9, 10].map(id));
    expect(await queries.entries(MARCH_FIRST, 2)).toHaveLength(2);
  });

  it("totals an interval's movements per kind", async () => {
    expect(await queries.totalsByKind(MARCH_FIRST)).toEqual([
      { kind: 'grant', entries: '6', amount_micros: '6000' },
      { kind: 'revoke', entries: '1', amount_micros: '-2000' },
    ]);
  });

  it("sums each account's movements over all time or an interval, and reads every balance", async () => {
    expect(await queries.movementsPerUser()).toEqual(
      new Map([
        ['ann', 5000n],
        ['bob', 1000n],
        ['cy', 3000n],
      ]),
    );
    expect(await queries.movementsPerUser(MARCH_FIRST)).toEqual(
      new Map([
        ['ann', 5000n],
        ['bob', 1000n],
        ['cy', -2000n],
      ]),
    );
    expect(await queries.balancesPerUser()).toEqual(new Map([['ann', 11000n]]));
  });
});
