import { openReadModelDatabase, type ReadModelDatabase } from '../../../../test/support/read-model-database';
import { UsageDailyRow } from './usage-daily.table';
import { UsageLogRow } from './usage-log.table';
import { MAX_USAGE_ROWS, UsageQueries, type UsageMeasures } from './usage.queries';

function daily(userId: string, day: string, model: string, byok: boolean, requests: number): UsageDailyRow {
  return Object.assign(new UsageDailyRow(), {
    userId,
    day,
    provider: 'openai',
    model,
    byok,
    requests: String(requests),
    failedRequests: '1',
    inputTokens: String(100 * requests),
    outputTokens: String(10 * requests),
    cacheReadTokens: '0',
    cacheWriteTokens: '0',
    cacheWrite1hTokens: '0',
    webSearchRequests: String(requests),
    costMicros: String(1000 * requests),
    listCostMicros: String(2000 * requests),
  });
}

function logged(requestId: string, occurredAt: string, status: 'completed' | 'failed'): UsageLogRow {
  return Object.assign(new UsageLogRow(), {
    requestId,
    userId: 'ann',
    provider: 'openai',
    model: 'gpt-x',
    byok: false,
    tier: 'free',
    status,
    inputTokens: 7,
    outputTokens: 3,
    cacheReadTokens: 2,
    cacheWriteTokens: 1,
    cacheWrite1hTokens: 1,
    webSearchRequests: 0,
    costMicros: status === 'completed' ? '500' : '0',
    listCostMicros: status === 'completed' ? '600' : '0',
    latencyMs: 10,
    streamed: false,
    errorCode: status === 'failed' ? 'upstream_error' : null,
    occurredAt: new Date(occurredAt),
  });
}

const measures = (values: Partial<UsageMeasures>): UsageMeasures => ({
  requests: '0',
  failed_requests: '0',
  input_tokens: '0',
  output_tokens: '0',
  cache_read_tokens: '0',
  cache_write_tokens: '0',
  cache_write_1h_tokens: '0',
  web_search_requests: '0',
  cost_micros: '0',
  list_cost_micros: '0',
  ...values,
});

describe('usage queries', () => {
  let database: ReadModelDatabase;
  let queries: UsageQueries;

  beforeAll(async () => {
    database = await openReadModelDatabase();
    queries = new UsageQueries(database.dataSource);
    await database.dataSource
      .getRepository(UsageDailyRow)
      .save([
        daily('ann', '2026-03-01', 'gpt-x', false, 2),
        daily('ann', '2026-03-01', 'gpt-x', true, 3),
        daily('bob', '2026-03-01', 'gpt-y', false, 4),
        daily('ann', '2026-03-02', 'gpt-x', false, 5),
        daily('ann', '2026-03-03', 'gpt-x', false, 6),
      ]);
    await database.dataSource
      .getRepository(UsageLogRow)
      .save([
        logged('r1', '2026-03-01T09:30:00.000Z', 'completed'),
        logged('r2', '2026-03-01T10:59:59.999Z', 'failed'),
        logged('r3', '2026-03-01T11:00:00.000Z', 'completed'),
        logged('r0', '2026-03-01T11:00:00.000Z', 'completed'),
      ]);
  });

  afterAll(() => database?.close());

  it('answers a range of whole days from the daily sums, each row naming its user when every user is asked', async () => {
    const range = {
      from: new Date('2026-03-01T00:00:00.000Z'),
      to: new Date('2026-03-03T00:00:00.000Z'),
      wholeDays: true,
    };
    const everyone = await queries.summary({ userId: null, range, groupBy: ['day'] });
    expect(everyone.rows.map((row) => [row.user_id, row.day, row.requests])).toEqual([
      ['ann', '2026-03-01', '5'],
      ['ann', '2026-03-02', '5'],
      ['bob', '2026-03-01', '4'],
    ]);
    expect(everyone.totals).toEqual(
      measures({
        requests: '14',
        failed_requests: '4',
        input_tokens: '1400',
        output_tokens: '140',
        web_search_requests: '14',
        cost_micros: '14000',
        list_cost_micros: '28000',
      }),
    );
    expect(everyone.truncated).toBe(false);

    const ann = await queries.summary({ userId: 'ann', range, groupBy: ['model'] });
    expect(ann.rows).toEqual([
      {
        model: 'gpt-x',
        ...measures({
          requests: '10',
          failed_requests: '3',
          input_tokens: '1000',
          output_tokens: '100',
          web_search_requests: '10',
          cost_micros: '10000',
          list_cost_micros: '20000',
        }),
      },
    ]);
  });

  it('answers any other range from the log, by exact time, failures counted apart', async () => {
    const range = {
      from: new Date('2026-03-01T09:00:00.000Z'),
      to: new Date('2026-03-01T11:00:00.000Z'),
      wholeDays: false,
    };
    const ann = await queries.summary({ userId: 'ann', range, groupBy: ['day', 'provider'] });
    const expected = measures({
      requests: '2',
      failed_requests: '1',
      input_tokens: '14',
      output_tokens: '6',
      cache_read_tokens: '4',
      cache_write_tokens: '2',
      cache_write_1h_tokens: '2',
      cost_micros: '500',
      list_cost_micros: '600',
    });
    expect(ann.totals).toEqual(expected);
    expect(ann.rows).toEqual([{ day: '2026-03-01', provider: 'openai', ...expected }]);
    const nobody = await queries.summary({ userId: 'nobody', range, groupBy: [] });
    expect(nobody.totals).toEqual(measures({}));
  });

  it('sums each user, day, provider and model over both kinds of key, both days included, by day then user', async () => {
    const rows = await queries.perUserAndDay('2026-03-01', '2026-03-02');
    expect(rows.map((row) => [row.day, row.user_id, row.model, row.requests, row.cost_micros])).toEqual([
      ['2026-03-01', 'ann', 'gpt-x', '5', '5000'],
      ['2026-03-01', 'bob', 'gpt-y', '4', '4000'],
      ['2026-03-02', 'ann', 'gpt-x', '5', '5000'],
    ]);
  });

  it("counts each user's completed requests and their cost over whole days", async () => {
    const completed = await queries.completedPerUser(
      new Date('2026-03-02T00:00:00.000Z'),
      new Date('2026-03-04T00:00:00.000Z'),
    );
    expect(completed.requests).toEqual(new Map([['ann', 9n]]));
    expect(completed.costMicros).toEqual(new Map([['ann', 11000n]]));
  });

  it('reads the completed requests of an interval oldest first, then by id', async () => {
    const ids = async (start: string, end: string) => {
      const found: string[] = [];
      for await (const request of queries.completedRequests(new Date(start), new Date(end)))
        found.push(request.request_id);
      return found;
    };
    expect(await ids('2026-03-01T00:00:00.000Z', '2026-03-02T00:00:00.000Z')).toEqual(['r1', 'r0', 'r3']);
    expect(await ids('2026-03-01T09:00:00.000Z', '2026-03-01T11:00:00.000Z')).toEqual(['r1']);
  });

  it('answers at most MAX_USAGE_ROWS rows and says it left some out; the totals still count every one', async () => {
    await database.dataSource.query(
      `INSERT INTO usage_daily (user_id, day, provider, model, byok, requests, failed_requests, input_tokens,
                                output_tokens, cost_micros, list_cost_micros)
       SELECT 'many', '2026-04-01', 'openai', 'm' || lpad(n::text, 6, '0'), false, 1, 0, 0, 0, 0, 0
         FROM generate_series(1, $1::int) AS n`,
      [MAX_USAGE_ROWS + 1],
    );
    const range = {
      from: new Date('2026-04-01T00:00:00.000Z'),
      to: new Date('2026-04-02T00:00:00.000Z'),
      wholeDays: true,
    };
    const many = await queries.summary({ userId: 'many', range, groupBy: ['model'] });
    expect(many.rows).toHaveLength(MAX_USAGE_ROWS);
    expect(many.truncated).toBe(true);
    expect(many.totals.requests).toBe(String(MAX_USAGE_ROWS + 1));
  });
});
