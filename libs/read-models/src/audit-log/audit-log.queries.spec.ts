import { openReadModelDatabase, type ReadModelDatabase } from '../../../../test/support/read-model-database';
import { AuditLogQueries } from './audit-log.queries';
import { AuditLogRow } from './audit-log.table';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

function row(n: number, at: string, fields: Partial<AuditLogRow> = {}): AuditLogRow {
  return Object.assign(new AuditLogRow(), {
    eventId: id(n),
    globalPosition: String(n),
    streamName: 'local-user-web/carol',
    streamRevision: String(n),
    eventType: 'LocalUserCreated',
    actor: 'admin',
    action: 'local_user.created',
    correlationId: `c${n}`,
    source: 'api',
    occurredAt: new Date(at),
    recordedAt: new Date(at),
    hostId: 'web',
    targetUser: 'carol',
    outcome: null,
    detail: null,
    ...fields,
  });
}

describe('audit log queries', () => {
  let database: ReadModelDatabase;
  let queries: AuditLogQueries;

  beforeAll(async () => {
    database = await openReadModelDatabase();
    const log = database.dataSource.getRepository(AuditLogRow);
    queries = new AuditLogQueries(log);
    await log.save([
      row(1, '2026-03-01T10:00:00.000Z'),
      // Two events of the same instant: the event id orders them.
      row(2, '2026-03-01T11:00:00.000Z', { actor: 'bob' }),
      row(3, '2026-03-01T11:00:00.000Z', { hostId: 'db', action: 'local_user.locked' }),
      row(4, '2026-03-01T12:00:00.000Z', { targetUser: 'dave' }),
    ]);
  });

  afterAll(() => database?.close());

  const ids = (rows: AuditLogRow[]) => rows.map((each) => each.eventId);

  it('pages newest first, ties broken by event id, without repeating or skipping a row', async () => {
    const first = await queries.search({}, { limit: 2 });
    expect(ids(first.rows)).toEqual([id(4), id(3)]);
    const second = await queries.search({}, { limit: 2, cursor: first.next_cursor ?? undefined });
    expect(ids(second.rows)).toEqual([id(2), id(1)]);
    expect(second.next_cursor).toBeNull();
  });

  it.each([
    ['user', { user: 'dave' }, [4]],
    ['host', { host: 'db' }, [3]],
    ['actor', { actor: 'bob' }, [2]],
    ['action', { action: 'local_user.locked' }, [3]],
    ['from (inclusive)', { from: '2026-03-01T11:00:00.000Z' }, [4, 3, 2]],
    ['to (exclusive)', { to: '2026-03-01T11:00:00.000Z' }, [1]],
    ['several filters, all of them', { user: 'carol', host: 'web', from: '2026-03-01T10:30:00.000Z' }, [2]],
  ])('filters by %s', async (_, filter, expected) => {
    expect(ids((await queries.search(filter, {})).rows)).toEqual(expected.map(id));
  });
});
