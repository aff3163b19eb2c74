import { creditAccountStream } from '@ops/domain';
import { signLocalToken } from '@ops/infra/auth';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { eventually } from '../support/app';
import { BUILD_TIMEOUT_MS, buildIfStale } from '../support/cli';
import { startFakeOpenAiProvider, type FakeProvider } from '../support/fake-providers';
import { freePort } from '../support/free-port';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { spawnSingleNode, type SingleNodeProcess } from '../support/single-node-process';
import { STORED_COMPLETIONS } from '../support/stored-completions';

const USERS = ['crash-a', 'crash-b', 'crash-c', 'crash-d'];
const CALLERS = 12;
/** Enough for a few dozen requests each (a request costs a few micro-USD), so accounts may run dry too. */
const FUNDS_MICROS = 100n;
const UPSTREAM_KEY = 'sk-crash-platform';

interface Served {
  requestId: string;
  user: string;
}

/**
 * The durability promise of the gateway, tested the hard way: a node killed with SIGKILL in the
 * middle of gateway traffic and started again on the same data has stored the completion of every
 * request a client got a 200 for, and no account has spent more than it was given.
 */
describe('gateway killed with SIGKILL under load, restarted on the same data', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ops-crash-'));
  const jwtSecret = randomBytes(32).toString('base64url');
  let database: TestDatabase;
  let upstream: FakeProvider;
  let db: Client;
  let port: number;
  let node: SingleNodeProcess | undefined;

  const token = (sub: string, role: 'admin' | 'user') =>
    signLocalToken(
      { sub, roles: [role], ttlSeconds: 600 },
      { secret: jwtSecret, issuer: 'ops-center', audience: 'ops-center' },
    );
  const url = (path: string) => `http://127.0.0.1:${port}${path}`;

  /** The product as `npm start` runs it, on an external database so the kill leaves no cluster behind. */
  async function startNode(): Promise<SingleNodeProcess> {
    const started = spawnSingleNode({
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: String(port),
      DATA_DIR: dataDir,
      DATABASE_URL: database.url,
      JWT_SECRET: jwtSecret,
      LOG_LEVEL: 'warn',
      OPENAI_BASE_URL: upstream.baseUrl,
      OPENAI_API_KEY: UPSTREAM_KEY,
      LLM_HEALTH_PROBE_SECONDS: '0',
    });
    await eventually(async () => {
      if (started.child.exitCode !== null) throw new Error(`the node exited early:\n${started.stderr}`);
      const response = await fetch(url('/health'), { signal: AbortSignal.timeout(2_000) });
      expect(response.status).toBe(200);
    }, 60_000);
    return started;
  }

  async function call(path: string, bearer: string, body: object): Promise<Response> {
    return fetch(url(path), {
      method: 'POST',
      headers: { Authorization: `Bearer ${bearer}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  beforeAll(async () => {
    await buildIfStale();
    database = await createTestDatabase();
    upstream = await startFakeOpenAiProvider({ apiKey: UPSTREAM_KEY, recordRequests: false });
    port = await freePort();
    node = await startNode();
    const admin = token('crash-admin', 'admin');
    for (const user of USERS) {
      const granted = await call('/api/v1/llm/credits/grant', admin, {
        user_id: user,
        amount_micros: FUNDS_MICROS.toString(),
        reason: 'crash test funds',
      });
      expect(granted.status).toBe(201);
    }
    db = new Client({ connectionString: database.url });
    await db.connect();
  }, BUILD_TIMEOUT_MS);

  afterAll(async () => {
    if (node?.child.exitCode === null) node.child.kill('SIGKILL');
    await db?.end();
    await upstream?.close();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('has the completion of every 200 stored and no account overspent', async () => {
    const served: Served[] = [];
    let killed = false;
    const caller = async (index: number) => {
      for (let round = 0; !killed; round++) {
        const user = USERS[(index + round) % USERS.length];
        try {
          const response = await call('/v1/chat/completions', token(user, 'user'), {
            model: 'gpt-4o-mini',
            max_tokens: 16,
            messages: [{ role: 'user', content: `request ${index}/${round}` }],
          });
          await response.arrayBuffer();
          if (response.status === 200) {
            served.push({ requestId: response.headers.get('x-ops-request-id')!, user });
          }
        } catch {
          // The connection died with the node: the client got no answer, so nothing was promised.
          return;
        }
      }
    };
    const callers = Array.from({ length: CALLERS }, (_, index) => caller(index));
    // Kill once traffic is well under way, not before the first replies.
    await eventually(async () => expect(served.length).toBeGreaterThanOrEqual(40), 30_000);
    killed = true;
    node!.child.kill('SIGKILL');
    await Promise.all(callers);
    expect(served.length).toBeGreaterThanOrEqual(40);

    node = await startNode();
    for (const { requestId } of served) {
      const completed = await db.query(`SELECT 1 FROM ${STORED_COMPLETIONS} WHERE request_id = $1`, [
        requestId,
      ]);
      expect({ requestId, completed: completed.rowCount }).toEqual({ requestId, completed: 1 });
    }
    for (const user of USERS) {
      const rows = await db.query<{ type: string; amount: string }>(
        `SELECT type, data->>'amountMicros' AS amount FROM events
          WHERE stream_name = $1 AND type IN ('CreditsGranted', 'CreditsDebited')`,
        [creditAccountStream(user)],
      );
      const total = (type: string) =>
        rows.rows.filter((row) => row.type === type).reduce((sum, row) => sum + BigInt(row.amount), 0n);
      const debits = total('CreditsDebited');
      expect({ user, granted: total('CreditsGranted') }).toEqual({ user, granted: FUNDS_MICROS });
      expect(debits).toBeLessThanOrEqual(FUNDS_MICROS);
      // The restarted node's live view agrees with its own log.
      const account = await fetch(url(`/api/v1/llm/credits/account?user_id=${user}`), {
        headers: { Authorization: `Bearer ${token('crash-admin', 'admin')}` },
      });
      expect(account.status).toBe(200);
      const view = (await account.json()) as { balance_micros: string };
      expect(BigInt(view.balance_micros)).toBe(FUNDS_MICROS - debits);
    }
    // Each served request was debited once: no more debits than completions.
    const debited = await db.query(
      "SELECT count(*)::int AS n FROM events WHERE type = 'CreditsDebited' AND stream_name = ANY($1)",
      [USERS.map(creditAccountStream)],
    );
    expect(debited.rows[0].n).toBeGreaterThanOrEqual(served.length);
  }, 180_000);
});
