import { EVENT_STORE, type EventStore, type NewEvent } from '@ops/infra/event-store/event-store';
import { PROJECTIONS, type Projection } from '@ops/infra/projections/projection';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import sshpk from 'sshpk';
import request from 'supertest';
import type { App } from 'supertest/types';
import { DataSource } from 'typeorm';
import { ProjectorService } from '../../apps/projector/src/runtime/projector.service';
import {
  openComparisonDatabase,
  RebuildComparison,
  type ComparisonReport,
  type RebuildProgress,
} from '../../apps/projector/src/runtime/rebuild-comparison';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { EsdbFake } from '../support/esdb-fake/server';
import { waitUntilApplied } from '../support/local-users';

function ed25519Key(comment: string): string {
  const pem = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return `${sshpk.parseKey(pem, 'pem').toString('ssh')} ${comment}`;
}

function event(type: string, actor: string, data: Record<string, unknown>): NewEvent {
  return {
    id: randomUUID(),
    type,
    schemaVersion: 1,
    data,
    metadata: {
      actor,
      correlationId: randomUUID(),
      causationId: null,
      occurredAt: new Date().toISOString(),
      source: 'test',
    },
  };
}

function requestCompleted(requestId: string): NewEvent {
  return event('RequestCompleted', 'gateway', {
    requestId,
    userId: 'ann',
    provider: 'local-vllm',
    model: 'llama-3.1-8b',
    byok: false,
    tier: 'free',
    inputTokens: 12,
    outputTokens: 34,
    costMicros: '123456',
    listCostMicros: '123456',
    latencyMs: 250,
    attempts: [{ provider: 'local-vllm', model: 'llama-3.1-8b', outcome: 'ok', status: 200, latencyMs: 240 }],
    streamed: false,
    finishReason: 'stop',
    clientDisconnected: false,
    usageEstimated: false,
  });
}

/** Only what differs, so a failure names the tables and rows at once. */
function differences(report: ComparisonReport) {
  return report.tables.filter((table) => !table.equal).map(({ table, differing }) => ({ table, differing }));
}

/**
 * The read models are a pure function of the log: after a mixed workload through the real app,
 * every projection replayed from zero into scratch tables equals the live one, table by table.
 */
describe.each([
  ['PostgreSQL', false],
  ['EventStoreDB (fake gRPC server)', true],
])('replay reproduces every read model on %s', (_, onEventStoreDb) => {
  let fake: EsdbFake | undefined;
  let t: TestApp;
  let http: App;
  let store: EventStore;
  let db: DataSource;
  let comparisonDb: DataSource;
  let projections: Projection[];
  let progress: RebuildProgress[];
  let comparison: RebuildComparison;

  const api = (method: 'get' | 'post' | 'put' | 'delete', path: string, body?: object) =>
    request(http)
      [method](path)
      .set('Authorization', `Bearer ${t.token('root-admin', 'admin')}`)
      .send(body);
  const get = (path: string) => api('get', path);

  async function waitUntilLive(): Promise<void> {
    const projector = t.app.get(ProjectorService);
    for (const projection of projections) await projector.waitUntilCaughtUp(projection.name, undefined, 20);
  }

  beforeAll(async () => {
    fake = onEventStoreDb ? await EsdbFake.start() : undefined;
    t = await startTestApp(fake ? { EVENT_STORE: 'eventstoredb', ESDB_URL: fake.connectionString } : {});
    http = t.app.getHttpServer();
    store = t.app.get(EVENT_STORE);
    db = t.app.get(DataSource);
    comparisonDb = await openComparisonDatabase(t.database.url);
    projections = t.app.get<Projection[]>(PROJECTIONS);
    progress = [];
    comparison = new RebuildComparison(store, comparisonDb, {
      batchSize: 7,
      onProgress: (step) => progress.push(step),
    });

    // Local users: created (with a key), changed, one deleted; the in-process agent reports each.
    await eventually(async () => {
      const hosts = await get('/api/v1/hosts');
      expect(
        hosts.body.items.find((host: { host_id: string }) => host.host_id === 'local')?.inventory_taken_at,
      ).toBeTruthy();
    }, 20_000);
    for (const username of ['ann', 'ben']) {
      const created = await api('post', '/api/v1/local-users', {
        username,
        password: 'a-Long-and-unusual-passphrase-7',
        ssh_keys: [ed25519Key(`${username}@laptop`)],
      });
      expect(created.status).toBe(202);
      await waitUntilApplied(get, username, created.body.revision);
    }
    const sudo = await api('post', '/api/v1/local-users/ann/sudo');
    expect(sudo.status).toBe(202);
    await waitUntilApplied(get, 'ann', sudo.body.revision);
    expect((await api('delete', '/api/v1/local-users/ben')).status).toBe(202);

    // Credits: grants, a revocation, a plan; a request's hold, debit and release as the gateway appends them.
    for (const [user, amount] of [
      ['ann', '3000000'],
      ['ben', '1000000'],
      ['ann', '250000'],
    ]) {
      const grant = await api('post', '/api/v1/llm/credits/grant', {
        user_id: user,
        amount_micros: amount,
        reason: 'replay',
      });
      expect(grant.status).toBe(201);
    }
    expect(
      (
        await api('post', '/api/v1/llm/credits/revoke', {
          user_id: 'ben',
          amount_micros: '100000',
          reason: 'x',
        })
      ).status,
    ).toBe(201);
    const hold = { userId: 'ann', reservationId: 'res-1', requestId: 'req-1' };
    await store.append(
      'credit-account-ann',
      [
        event('CreditsReserved', 'gateway', {
          ...hold,
          amountMicros: '500000',
          period: '2026-11',
          expiresAt: '2026-11-25T12:00:00.000Z',
        }),
        event('CreditsDebited', 'gateway', { ...hold, amountMicros: '123456', period: '2026-11' }),
        event('CreditsReleased', 'gateway', { ...hold, amountMicros: '500000', reason: 'settled' }),
        // A second request still running: its hold stays open.
        event('CreditsReserved', 'gateway', {
          ...hold,
          reservationId: 'res-2',
          requestId: 'req-3',
          amountMicros: '200000',
          period: '2026-11',
          expiresAt: '2026-11-25T12:00:00.000Z',
        }),
      ],
      'stream_exists',
    );
    // Requests: the gateway's own streams.
    for (const requestId of ['req-1', 'req-2']) {
      await store.append(`llm-request-${requestId}`, [requestCompleted(requestId)], 'no_stream');
    }
    // Keys: a personal API key, and a provider key as the BYOK slice records it (sealed, never plain).
    expect((await api('post', '/api/v1/llm/api-keys', { name: 'replay' })).status).toBe(201);
    await store.append(
      'provider-keys-ann',
      [
        event('ProviderKeyAdded', 'ann', {
          userId: 'ann',
          provider: 'groq',
          sealedKey: { v: 1, subject: 'ann', key: 'k1', iv: 'aXY=', ct: 'Y3Q=', tag: 'dGFn' },
          last4: 'abcd',
          sealedLabel: null,
          validatedAt: '2026-11-25T10:00:00.000Z',
        }),
      ],
      'no_stream',
    );
    // Provider health: a breaker one replica opened, then a report of it up again.
    const health = {
      provider: 'groq',
      errorRate: 1,
      latencyP50Ms: null,
      latencyP95Ms: null,
      samples: 3,
      source: 'traffic',
      reportedBy: 'api-1/42/ab12cd34',
    };
    await store.append(
      'provider-health-groq',
      [
        event('ProviderHealthChanged', 'gateway', {
          ...health,
          status: 'down',
          previousStatus: 'up',
          coolingDownUntil: '2026-12-07T12:00:30.000Z',
        }),
        event('ProviderHealthChanged', 'gateway', {
          ...health,
          status: 'up',
          previousStatus: 'down',
          errorRate: 0,
          coolingDownUntil: null,
        }),
      ],
      'no_stream',
    );
    await eventually(async () => expect((await get('/api/v1/local-users/ben')).status).toBe(404), 20_000);
    await waitUntilLive();
  });
  afterAll(async () => {
    await comparisonDb?.destroy();
    await t?.close();
    await fake?.stop();
  });

  it('rebuilds every projection that declares tables into exactly its live tables', async () => {
    const verified: string[] = [];
    for (const projection of projections.filter((candidate) => candidate.tables?.length)) {
      const report = await comparison.verify(projection);
      expect({ projection: projection.name, differences: differences(report) }).toEqual({
        projection: projection.name,
        differences: [],
      });
      expect(report.eventsReplayed).toBeGreaterThan(0);
      expect(report.tables.some((table) => table.live.rows > 0)).toBe(true);
      verified.push(projection.name);
    }
    expect(verified).toEqual(expect.arrayContaining(['audit-log', 'credit-ledger', 'local-users', 'hosts']));
    // Progress came batch by batch, and every scratch schema is gone again.
    expect(progress.filter((step) => step.projection === 'audit-log').length).toBeGreaterThan(2);
    const [{ count }] = await db.query(
      `SELECT count(*)::int AS count FROM pg_namespace WHERE nspname LIKE 'rebuild\\_%'`,
    );
    expect(count).toBe(0);
  });

  it('compares at one log position while the live projection keeps applying new events', async () => {
    const auditLog = projections.find((projection) => projection.name === 'audit-log')!;
    let writing = true;
    const writer = (async () => {
      let appended = 0;
      while (writing || appended < 50) {
        await store.append(`busy-${appended++}`, [event('BusyNoted', 'test', {})], 'no_stream');
      }
      return appended;
    })();
    const report = await comparison.verify(auditLog).finally(() => (writing = false));
    expect(await writer).toBeGreaterThanOrEqual(50);
    expect(differences(report)).toEqual([]);
    expect(report.position).not.toBe('');
  });

  it('names the table and the rows when a live row was changed, removed or added behind its back', async () => {
    await waitUntilLive();
    const [victim] = await db.query(`SELECT event_id FROM audit_log ORDER BY global_position LIMIT 1`);
    await db.query(`UPDATE audit_log SET actor = 'mallory' WHERE event_id = $1`, [victim.event_id]);
    const [lost] = await db.query(`SELECT event_id FROM credit_transactions ORDER BY event_id LIMIT 1`);
    await db.query(`DELETE FROM credit_transactions WHERE event_id = $1`, [lost.event_id]);
    await db.query(
      `INSERT INTO local_user_ssh_keys (host_id, username, fingerprint, type, bits, comment, options, added_at, added_by)
       VALUES ('local', 'ann', 'SHA256:forged', 'ssh-ed25519', 256, '', '', now(), 'mallory')`,
    );

    const audit = await comparison.verify(projections.find((projection) => projection.name === 'audit-log')!);
    expect(audit.equal).toBe(false);
    expect(differences(audit)).toEqual([
      { table: 'audit_log', differing: [{ key: `(${victim.event_id})`, found: 'both' }] },
    ]);

    const credits = await comparison.verify(
      projections.find((projection) => projection.name === 'credit-ledger')!,
    );
    expect(differences(credits)).toEqual([
      { table: 'credit_transactions', differing: [{ key: `(${lost.event_id})`, found: 'rebuilt only' }] },
    ]);

    const users = await comparison.verify(
      projections.find((projection) => projection.name === 'local-users')!,
    );
    expect(differences(users)).toEqual([
      { table: 'local_user_ssh_keys', differing: [{ key: '(local,ann,SHA256:forged)', found: 'live only' }] },
    ]);
    const keys = users.tables.find((table) => table.table === 'local_user_ssh_keys')!;
    expect(keys.live.rows).toBe(keys.rebuilt.rows + 1);
  });
});
