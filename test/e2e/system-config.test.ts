import request from 'supertest';
import type { App } from 'supertest/types';
import { startTestApp, type TestApp } from '../support/app';
import { createTestDatabase, type TestDatabase } from '../support/postgres';

/**
 * A connection string that carries a password: the test server's own, or one added to a URL that
 * has none (a server that trusts local connections ignores it), so the app really connects with it.
 */
function withPassword(url: string): { url: string; password: string } {
  const parsed = new URL(url);
  if (!parsed.password) parsed.password = 'db-password-e2e-1';
  return { url: parsed.toString(), password: decodeURIComponent(parsed.password) };
}

/** GET /api/v1/system/config: what an admin sees of the node's configuration. */
describe('the effective configuration over HTTP', () => {
  const openAiKey = 'sk-e2e-openai-key-0123456789abcdef';
  const jwtSecret = 'e2e-jwt-secret-0123456789-abcdefghijklmnop';
  const metricsToken = 'e2e-metrics-token-0123456789';
  let database: TestDatabase;
  let databasePassword: string;
  let t: TestApp;
  let http: App;

  beforeAll(async () => {
    database = await createTestDatabase();
    const { url, password } = withPassword(database.url);
    databasePassword = password;
    t = await startTestApp({
      DATABASE_URL: url,
      JWT_SECRET: jwtSecret,
      OPENAI_API_KEY: openAiKey,
      METRICS_TOKEN: metricsToken,
      LLM_MAX_ATTEMPTS: '2',
    });
    http = t.app.getHttpServer();
  });
  afterAll(async () => {
    await t?.close();
    await database?.drop();
  });

  it('shows an admin every setting by its variable, saying which secrets are set without showing them', async () => {
    const response = await request(http)
      .get('/api/v1/system/config')
      .set('Authorization', `Bearer ${t.token('ops-admin', 'admin')}`)
      .expect(200);
    const body = response.body as Record<string, unknown>;
    expect(body.LLM_MAX_ATTEMPTS).toBe(2);
    expect(body.PORT).toBe(3000);
    expect(body.DATA_DIR).toBe(t.config.DATA_DIR);
    expect(body.KAFKA_BROKERS).toBeNull();
    expect(body.OPENAI_API_KEY).toBe('[redacted]');
    expect(body.JWT_SECRET).toBe('[redacted]');
    expect(body.METRICS_TOKEN).toBe('[redacted]');
    expect(body.DATABASE_URL).toMatch(/^postgres:\/\/[^:]+:\[redacted\]@127\.0\.0\.1:\d+\/ops_test_/);
    expect(body.ANTHROPIC_API_KEY).toBeNull();
    for (const secret of [openAiKey, jwtSecret, metricsToken, databasePassword]) {
      expect(response.text).not.toContain(secret);
    }
  });

  it.each(['user', 'auditor', 'finance'] as const)('refuses a caller with role %s (403)', async (role) => {
    await request(http)
      .get('/api/v1/system/config')
      .set('Authorization', `Bearer ${t.token('someone', role)}`)
      .expect(403);
  });

  it('refuses an anonymous caller (401)', async () => {
    await request(http).get('/api/v1/system/config').expect(401);
  });

  it('is documented in the OpenAPI document', async () => {
    const document = await request(http).get('/docs-json');
    expect(document.status).toBe(200);
    expect(document.body.paths['/api/v1/system/config'].get.tags).toEqual(['system']);
  });
});
