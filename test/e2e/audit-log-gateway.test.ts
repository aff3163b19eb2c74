import { llmRequestStream } from '@ops/domain';
import { Client } from 'pg';
import request from 'supertest';
import type { App } from 'supertest/types';
import { DataSource } from 'typeorm';
import { AuditLogWithoutGatewayTraffic1732500001600 } from '../../libs/infra/src/database/migrations/1732500001600-audit-log-without-gateway-traffic';
import { eventually } from '../support/app';
import { routeOf, startGatewayApp, type GatewayTestApp } from '../support/gateway';

interface EventJson {
  stream: string;
  type: string;
  data: Record<string, unknown>;
}

/**
 * The audit log lists who did what; a gateway request's own events (its stream, and its hold and
 * settlement on the credit account) stay in the log, usage and the ledger without a copy in it.
 */
describe('audit log and gateway traffic', () => {
  let gateway: GatewayTestApp;
  let http: App;
  let db: Client;
  let requestId: string;

  beforeAll(async () => {
    gateway = await startGatewayApp();
    http = gateway.app.getHttpServer();
    db = new Client({ connectionString: gateway.database.url });
    await db.connect();
    await gateway.fund('ann', 5_000_000n);
    const { response } = await gateway
      .sdk('ann')
      .chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    requestId = routeOf(response.headers).requestId;
    // Settled once usage and the ledger show the request: the audit log is projected alongside.
    await eventually(async () => {
      const { rows } = await db.query('SELECT 1 FROM usage_log WHERE request_id = $1', [requestId]);
      expect(rows).toHaveLength(1);
      const [{ n }] = (
        await db.query("SELECT count(*)::int AS n FROM credit_transactions WHERE kind = 'usage'")
      ).rows;
      expect(n).toBe(1);
    });
  });
  afterAll(async () => {
    await db?.end();
    await gateway?.close();
  });

  const get = (path: string, query: Record<string, unknown>) =>
    request(http)
      .get(path)
      .query(query)
      .set('Authorization', `Bearer ${gateway.token('auditor-1', 'auditor')}`);

  it('has a row for the grant but none for the request, its hold or its settlement', async () => {
    const audit = await eventually(async () => {
      const response = await get('/api/v1/audit-log', { user: 'ann' });
      expect(response.body.items.length).toBeGreaterThan(0);
      return response;
    });
    expect(audit.body.items.map((item: { action: string }) => item.action)).toEqual(['credits.granted']);
    const { rows } = await db.query(
      `SELECT event_type FROM audit_log WHERE stream_name = $1 OR event_type LIKE 'Credits%' ORDER BY event_type`,
      [llmRequestStream(requestId)],
    );
    expect(rows).toEqual([{ event_type: 'CreditsGranted' }]);
  });

  it('still serves every event of the request from the log', async () => {
    // Its hold, and the debit that settled it with the request's completion: no stream of its own.
    const account = await get('/api/v1/audit/events', { stream: 'credit-account-ann' });
    expect(account.status).toBe(200);
    expect(account.body.items.map((item: EventJson) => item.type)).toEqual([
      'CreditsGranted',
      'CreditsReserved',
      'CreditsDebited',
    ]);
    expect(account.body.items[2].data).toMatchObject({ requestId, request: { model: 'gpt-4o-mini' } });
    const requests = await get('/api/v1/audit/events', { category: 'llm-request-' });
    expect(requests.body.items).toEqual([]);
  });

  it('removes the rows an earlier version projected for gateway traffic, and only those', async () => {
    // What the audit-log projection wrote for these events before: one row per event.
    await db.query(
      `INSERT INTO audit_log (event_id, global_position, stream_name, stream_revision, event_type, actor, action,
                              correlation_id, source, occurred_at, recorded_at)
       SELECT event_id, global_position::text, stream_name, revision, type, metadata->>'actor', 'old',
              metadata->>'correlationId', metadata->>'source', (metadata->>'occurredAt')::timestamptz, recorded_at
         FROM events
        WHERE stream_name = $1 OR type IN ('CreditsReserved', 'CreditsDebited', 'CreditsReleased')`,
      [llmRequestStream(requestId)],
    );
    const count = async () => Number((await db.query('SELECT count(*) AS n FROM audit_log')).rows[0].n);
    const before = await count();
    const runner = gateway.app.get(DataSource).createQueryRunner();
    try {
      await new AuditLogWithoutGatewayTraffic1732500001600().up(runner);
    } finally {
      await runner.release();
    }
    // The request's hold, and the debit that settled it with its completion.
    expect(before - (await count())).toBe(2);
    const { rows } = await db.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'old'`);
    expect(rows).toEqual([{ n: 0 }]);
  });
});
