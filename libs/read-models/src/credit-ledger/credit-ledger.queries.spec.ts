import { openReadModelDatabase, type ReadModelDatabase } from '../../../../test/support/read-model-database';
import { CreditBalanceRow } from './credit-balance.table';
import { CreditLedgerQueries } from './credit-ledger.queries';
import { CreditTransactionRow } from './credit-transaction.table';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

function movement(userId: string, revision: number): CreditTransactionRow {
  return Object.assign(new CreditTransactionRow(), {
    eventId: id(revision + (userId === 'ann' ? 0 : 100)),
    userId,
    streamRevision: String(revision),
    kind: 'grant',
    amountMicros: '1000',
    balanceAfterMicros: String(1000 * (revision + 1)),
    reason: 'test',
    actor: 'admin',
    occurredAt: new Date('2026-03-01T10:00:00.000Z'),
  });
}

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
    await dataSource
      .getRepository(CreditTransactionRow)
      .save([...[0, 1, 2, 9, 10].map((revision) => movement('ann', revision)), movement('bob', 5)]);
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
});
