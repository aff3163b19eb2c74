import { openReadModelDatabase, type ReadModelDatabase } from '../../../../test/support/read-model-database';
import { CreditHoldsQueries } from './credit-holds.queries';

describe('credit holds queries', () => {
  let database: ReadModelDatabase;
  let queries: CreditHoldsQueries;

  beforeAll(async () => {
    database = await openReadModelDatabase();
    queries = new CreditHoldsQueries(database.dataSource);
    const hold = (reservationId: string, userId: string, expiresAt: string) =>
      database.dataSource.query(
        `INSERT INTO credit_holds (reservation_id, user_id, request_id, amount_micros, expires_at)
         VALUES ($1, $2, $1, 1000, $3)`,
        [reservationId, userId, expiresAt],
      );
    await hold('r1', 'ann', '2026-01-01T00:00:00.000Z');
    await hold('r2', 'ann', '2026-01-02T00:00:00.000Z');
    await hold('r3', 'bob', '2026-01-01T00:00:00.000Z');
    await hold('r4', 'cy', '2999-01-01T00:00:00.000Z');
  });

  afterAll(() => database?.close());

  it('names each account with an expired hold once, and none whose holds are all still open', async () => {
    expect((await queries.accountsWithExpiredHolds(10)).sort()).toEqual(['ann', 'bob']);
  });

  it('names at most as many accounts as asked', async () => {
    expect(await queries.accountsWithExpiredHolds(1)).toHaveLength(1);
  });
});
