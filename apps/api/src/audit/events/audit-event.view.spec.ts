import { openDatabase } from '@ops/infra/database/data-source';
import { PostgresEventStore } from '@ops/infra/event-store/postgres';
import type { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../../../../../test/support/postgres';
import { AUDIT_EVENT_LINE_SQL, toAuditEventView } from './audit-event.view';

const ODD = 'a "quote", a \\ backslash, a\nnewline, a\ttab, é ✓ \u2028 \u0001';

describe('AUDIT_EVENT_LINE_SQL', () => {
  let database: TestDatabase;
  let db: DataSource;
  let store: PostgresEventStore;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = await openDatabase(database.url);
    store = new PostgresEventStore(database.url);
    await store.append(
      `stream "with" \\ odd\tname`,
      [
        {
          id: '6f1c2a4e-1111-4222-8333-444444444444',
          type: 'Odd"Type',
          schemaVersion: 3,
          data: { note: ODD, list: [1, 2.5, null, true, {}], big: 12345678901234 },
          metadata: {
            actor: 'carol',
            correlationId: 'c-1',
            causationId: null,
            occurredAt: 'T',
            source: 'api',
          },
        },
      ],
      'no_stream',
    );
    // A row written without the chain (as before it existed): its line says `"integrity":null`.
    await db.query(
      `INSERT INTO events (stream_name, revision, event_id, type, schema_version, data, metadata)
       VALUES ('plain', 0, gen_random_uuid(), 'Plain', 1, '{"n": 1}', '{"actor": "x"}')`,
    );
  });
  afterAll(async () => {
    await store.close();
    await db.destroy();
    await database.drop();
  });

  it('writes each event as one line that reads back as its event view, key for key', async () => {
    const events = await store.readAll();
    const rows: { line: string }[] = await db.query(
      `SELECT ${AUDIT_EVENT_LINE_SQL} AS line FROM events e ORDER BY e.transaction_id, e.global_position`,
    );
    expect(rows).toHaveLength(2);
    expect(events.map((event) => event.integrity === undefined)).toEqual([false, true]);
    rows.forEach(({ line }, index) => {
      expect(line.endsWith('}\n')).toBe(true);
      expect(line.slice(0, -1)).not.toContain('\n');
      const view = JSON.parse(JSON.stringify(toAuditEventView(events[index])));
      expect(JSON.parse(line)).toEqual(view);
      expect(Object.keys(JSON.parse(line))).toEqual(Object.keys(view));
    });
  });
});
