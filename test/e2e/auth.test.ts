import { Body, Controller, Get, type INestApplication, Post } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { IsInt, IsString, MaxLength, Min } from 'class-validator';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sign, type SignOptions } from 'jsonwebtoken';
import request from 'supertest';
import {
  type AuthenticatedUser,
  AuthModule,
  CurrentUser,
  LOCAL_JWT_SECRET_FILE,
  loadOrCreateLocalJwtSecret,
  Public,
  Roles,
  signLocalToken,
} from '@ops/infra/auth';
import { type AppConfig, loadConfig } from '@ops/infra/config/app-config';
import { ConfigModule } from '@ops/infra/config/config.module';
import { configureHttpApp, LOG_DESTINATION, LoggingModule, MetricsModule } from '@ops/infra/http';

class EchoDto {
  @IsString()
  @MaxLength(20)
  name!: string;

  @IsInt()
  @Min(1)
  amount!: number;
}

@Controller('test')
class TestController {
  @Public()
  @Get('public')
  open(): { ok: true } {
    return { ok: true };
  }

  @Get('me')
  me(@CurrentUser() user: AuthenticatedUser): AuthenticatedUser {
    return user;
  }

  @Roles('admin')
  @Get('admin')
  admin(@CurrentUser() user: AuthenticatedUser): { admin: string } {
    return { admin: user.id };
  }

  @Post('echo')
  echo(@Body() body: EchoDto): { name: string; amount: number; isDto: boolean } {
    return { ...body, isDto: body instanceof EchoDto };
  }

  @Get('boom')
  boom(): never {
    throw new Error('connection refused: postgres://ops:hunter2@db/ops');
  }
}

async function startApp(config: AppConfig, logLines: string[] = []): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [ConfigModule.forRoot(config), LoggingModule, MetricsModule, AuthModule],
    controllers: [TestController],
  })
    .overrideProvider(LOG_DESTINATION)
    .useValue({ write: (line: string) => logLines.push(line) })
    .compile();
  const app = moduleRef.createNestApplication({ bufferLogs: true });
  configureHttpApp(app, config);
  await app.init();
  return app;
}

function expectProblem(response: request.Response, status: number, detail?: string | RegExp): void {
  expect(response.status).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(response.body).toMatchObject({ type: 'about:blank', status, title: expect.any(String) });
  expect(typeof response.body.instance).toBe('string');
  if (detail !== undefined) expect(response.body.detail).toMatch(detail);
}

const bearer = (token: string): [string, string] => ['Authorization', `Bearer ${token}`];
const API_KEY_IN_URL = `sk-ops-${'Zq3xW9'.repeat(7)}k`;

describe('auth and HTTP platform, local mode', () => {
  const base = mkdtempSync(join(tmpdir(), 'ops-auth-'));
  const dataDir = join(base, 'data');
  const config = loadConfig({ AUTH_MODE: 'local', DATA_DIR: dataDir, LOG_LEVEL: 'info' });
  const logLines: string[] = [];
  const tokensSent: string[] = [];
  let app: INestApplication;
  let http: ReturnType<typeof request>;
  let secret: string;

  const localToken = (sub: string, roles: ('admin' | 'user' | 'auditor')[]): string => {
    const token = signLocalToken(
      { sub, roles, ttlSeconds: 300 },
      { secret, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE },
    );
    tokensSent.push(token);
    return token;
  };
  const rawToken = (payload: object, key: string, options: SignOptions = {}): string => {
    const lifetime = 'exp' in payload ? {} : { expiresIn: 300 };
    const token = sign(payload, key, {
      algorithm: 'HS256',
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      ...lifetime,
      ...options,
    });
    tokensSent.push(token);
    return token;
  };

  beforeAll(async () => {
    app = await startApp(config, logLines);
    http = request(app.getHttpServer());
    secret = loadOrCreateLocalJwtSecret(dataDir);
  });

  afterAll(async () => {
    await app?.close();
    rmSync(base, { recursive: true, force: true });
  });

  it('keeps a generated secret in DATA_DIR, readable by the owner only', () => {
    const file = join(dataDir, LOCAL_JWT_SECRET_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(secret.length).toBeGreaterThanOrEqual(64);
    expect(loadOrCreateLocalJwtSecret(dataDir)).toBe(secret);
  });

  it('lets anyone reach a @Public() route', async () => {
    await http.get('/test/public').expect(200, { ok: true });
  });

  it('answers 401 problem+json without a token', async () => {
    const response = await http.get('/test/me');
    expectProblem(response, 401, 'Missing bearer token');
    expect(response.body).toMatchObject({ title: 'Unauthorized', instance: '/test/me' });
    expect(response.headers['www-authenticate']).toBe('Bearer');
  });

  it('answers 401 to a token that is not a JWT', async () => {
    const response = await http.get('/test/me').set('Authorization', 'Bearer not-a-jwt');
    expectProblem(response, 401, 'Invalid token');
    expect(response.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
  });

  it('answers 401 to a token signed with another secret', async () => {
    const forged = rawToken({ sub: 'mallory', realm_access: { roles: ['admin'] } }, 'x'.repeat(64));
    expectProblem(await http.get('/test/admin').set(...bearer(forged)), 401, 'Invalid token');
  });

  it('answers 401 to an expired token', async () => {
    const expired = rawToken({ sub: 'alice', exp: Math.floor(Date.now() / 1000) - 60 }, secret);
    expectProblem(await http.get('/test/me').set(...bearer(expired)), 401, 'Token expired');
  });

  it('answers 401 to a token from another issuer', async () => {
    const foreign = rawToken({ sub: 'alice' }, secret, { issuer: 'someone-else' });
    expectProblem(await http.get('/test/me').set(...bearer(foreign)), 401);
  });

  it('answers 401 to a token without exp', async () => {
    const forever = sign({ sub: 'alice', realm_access: { roles: ['admin'] } }, secret, {
      algorithm: 'HS256',
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
    });
    tokensSent.push(forever);
    expectProblem(await http.get('/test/admin').set(...bearer(forever)), 401, /no expiry/);
  });

  it('answers 401 to a token living longer than JWT_MAX_LIFETIME_SECONDS, with or without iat', async () => {
    const now = Math.floor(Date.now() / 1000);
    const year = now + 365 * 86_400;
    const long = rawToken({ sub: 'alice', iat: now - 60, exp: year }, secret);
    expectProblem(await http.get('/test/me').set(...bearer(long)), 401, /lifetime exceeds/);
    const noIat = rawToken({ sub: 'alice', exp: year }, secret, { noTimestamp: true });
    expectProblem(await http.get('/test/me').set(...bearer(noIat)), 401, /lifetime exceeds/);
    const inTime = rawToken({ sub: 'alice', exp: now + 3_600 }, secret, { noTimestamp: true });
    expect((await http.get('/test/me').set(...bearer(inTime))).status).toBe(200);
  });

  it('answers 401 to a local token for another audience, or for none', async () => {
    const other = rawToken({ sub: 'alice' }, secret, { audience: 'another-app' });
    expectProblem(await http.get('/test/me').set(...bearer(other)), 401);
    const none = sign({ sub: 'alice' }, secret, {
      algorithm: 'HS256',
      issuer: config.JWT_ISSUER,
      expiresIn: 300,
    });
    tokensSent.push(none);
    expectProblem(await http.get('/test/me').set(...bearer(none)), 401);
  });

  it('answers 401 to an unsigned ("alg": "none") token', async () => {
    const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
    const exp = Math.floor(Date.now() / 1000) + 300;
    const unsigned = `${part({ alg: 'none', typ: 'JWT' })}.${part({ sub: 'mallory', iss: config.JWT_ISSUER, exp, realm_access: { roles: ['admin'] } })}.`;
    expectProblem(await http.get('/test/admin').set(...bearer(unsigned)), 401);
  });

  it('answers 401 to a valid signature without a usable subject', async () => {
    expectProblem(
      await http.get('/test/me').set(...bearer(rawToken({ realm_access: { roles: ['admin'] } }, secret))),
      401,
    );
    expectProblem(await http.get('/test/me').set(...bearer(rawToken({ sub: 'a b/../c' }, secret))), 401);
  });

  it('answers 403 problem+json when the role is missing', async () => {
    const response = await http.get('/test/admin').set(...bearer(localToken('bob', ['user'])));
    expectProblem(response, 403, /admin/);
    expect(response.body.title).toBe('Forbidden');
  });

  it('lets an admin through and exposes the caller', async () => {
    await http
      .get('/test/admin')
      .set(...bearer(localToken('alice', ['admin'])))
      .expect(200, { admin: 'alice' });
    const me = await http.get('/test/me').set(...bearer(localToken('carol', ['auditor', 'user'])));
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ id: 'carol', roles: ['auditor', 'user'] });
  });

  it('ignores roles it does not know', async () => {
    const token = rawToken(
      { sub: 'dave', realm_access: { roles: ['superuser', 'user', 'offline_access'] } },
      secret,
    );
    const me = await http.get('/test/me').set(...bearer(token));
    expect(me.body).toEqual({ id: 'dave', roles: ['user'] });
    expectProblem(await http.get('/test/admin').set(...bearer(token)), 403);
  });

  it('validates bodies into DTOs and refuses unknown fields, listing every bad field', async () => {
    const token = localToken('erin', ['user']);
    const ok = await http
      .post('/test/echo')
      .set(...bearer(token))
      .send({ name: 'x', amount: 3 });
    expect(ok.status).toBe(201);
    expect(ok.body).toEqual({ name: 'x', amount: 3, isDto: true });

    const response = await http
      .post('/test/echo')
      .set(...bearer(token))
      .send({ name: 42, amount: 0, role: 'admin' });
    expectProblem(response, 400);
    const fields = (response.body.errors as { field: string; message: string }[]).map((error) => error.field);
    expect(new Set(fields)).toEqual(new Set(['name', 'amount', 'role']));
    expect(response.body.errors).toContainEqual({ field: 'role', message: 'property role should not exist' });
  });

  it('answers 400 to malformed JSON without echoing the parser', async () => {
    const response = await http
      .post('/test/echo')
      .set(...bearer(localToken('erin', ['user'])))
      .set('Content-Type', 'application/json')
      .send('{"name": "x", "amount": ');
    expectProblem(response, 400, /^Malformed JSON body$/);
    expect(response.body.errors).toBeUndefined();
  });

  it('answers 413 to an oversized body', async () => {
    const response = await http
      .post('/test/echo')
      .set(...bearer(localToken('erin', ['user'])))
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ name: 'x', amount: 1, padding: 'a'.repeat(1_100_000) }));
    expectProblem(response, 413);
  });

  it('answers 400 to 10,000 levels of nested JSON, as problem+json or OpenAI-shaped on the gateway', async () => {
    const deep = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
    const token = localToken('erin', ['user']);
    const response = await http
      .post('/test/echo')
      .set(...bearer(token))
      .set('Content-Type', 'application/json')
      .send(`{"name":"x","amount":1,"deep":${deep}}`);
    expectProblem(response, 400, /nests deeper than 64 levels/);
    const gateway = await http
      .post('/v1/chat/completions')
      .set(...bearer(token))
      .set('Content-Type', 'application/json')
      .send(`{"model":"m","messages":${deep}}`);
    expect(gateway.status).toBe(400);
    expect(gateway.body.error).toMatchObject({
      type: 'invalid_request_error',
      message: expect.stringMatching(/deeper/),
    });
    const shallow = { name: 'x', amount: 1 };
    await http
      .post('/test/echo')
      .set(...bearer(token))
      .send(shallow)
      .expect(201);
  });

  it.each([
    ['api_key', `?api_key=${API_KEY_IN_URL}`],
    ['key', `?limit=5&key=${API_KEY_IN_URL}`],
    ['access_token', `?access_token=${API_KEY_IN_URL}`],
    ['any parameter holding an sk-ops- key', `?q=${API_KEY_IN_URL}`],
    ['a key in the path', `/${API_KEY_IN_URL}`],
  ])('refuses a credential in the URL (%s) with 400, and logs no trace of it', async (_case, suffix) => {
    const response = await http.get(`/test/public${suffix}`);
    expectProblem(response, 400, /Authorization header only, never in the URL/);
    expect(JSON.stringify(response.body)).not.toContain(API_KEY_IN_URL);
    const line = logLines.find((entry) => entry.includes(`"id":"${response.headers['x-request-id']}"`));
    expect(line).toBeDefined();
    expect(line).toContain('"url":"/test/public');
    expect(line).not.toContain(API_KEY_IN_URL);
    expect(line).not.toContain(API_KEY_IN_URL.slice(7, 20));
  });

  it('logs query strings without their values', async () => {
    const response = await http.get('/test/public?limit=5&cursor=abc123').expect(200);
    const line = logLines.find((entry) => entry.includes(`"id":"${response.headers['x-request-id']}"`));
    expect(line).toContain('"url":"/test/public?limit=[redacted]&cursor=[redacted]"');
    expect(line).not.toContain('abc123');
  });

  it('sends the usual security headers on every answer, and no X-Powered-By', async () => {
    for (const response of [
      await http.get('/test/public'),
      await http.get('/test/me'),
      await http.get('/nowhere'),
    ]) {
      expect(response.headers['x-powered-by']).toBeUndefined();
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(response.headers['strict-transport-security']).toMatch(/max-age=/);
      expect(response.headers['content-security-policy']).toMatch(/default-src 'self'/);
      expect(response.headers['referrer-policy']).toBe('no-referrer');
    }
  });

  it('answers 404 problem+json to an unknown route', async () => {
    expectProblem(await http.get('/nowhere').set(...bearer(localToken('alice', ['admin']))), 404);
  });

  it('hides internal errors behind a generic 500 and logs them', async () => {
    const response = await http.get('/test/boom').set(...bearer(localToken('alice', ['admin'])));
    expectProblem(response, 500, 'An unexpected error occurred');
    expect(JSON.stringify(response.body)).not.toContain('hunter2');
    const logged = logLines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(logged).toContainEqual(
      expect.objectContaining({
        level: 50,
        instance: '/test/boom',
        err: expect.objectContaining({ message: expect.stringContaining('connection refused') }),
      }),
    );
  });

  it('echoes the caller request id, or makes one up, and logs it', async () => {
    const given = await http.get('/test/public').set('X-Request-Id', 'trace-0042');
    expect(given.headers['x-request-id']).toBe('trace-0042');
    const made = await http.get('/test/public');
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const injected = await http.get('/test/public').set('X-Request-Id', '"><script>'.repeat(20));
    expect(injected.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(logLines.some((line) => line.includes('"id":"trace-0042"'))).toBe(true);
  });

  it('serves OpenAPI at /docs and /docs-json with bearer auth', async () => {
    const json = await http.get('/docs-json').expect(200);
    expect(json.body.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(json.body.paths['/test/echo']).toBeDefined();
    expect(json.body.paths['/metrics']).toBeUndefined();
    const ui = await http.get('/docs').expect(200);
    expect(ui.headers['content-type']).toMatch(/text\/html/);
  });

  it('serves Prometheus metrics publicly, timing requests by route and status', async () => {
    const response = await http.get('/metrics').expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain;.*version=0\.0\.4/);
    expect(response.text).toContain('process_cpu_user_seconds_total');
    const buckets = response.text
      .split('\n')
      .filter((line) => line.startsWith('http_request_duration_seconds_bucket'));
    const has = (route: string, status: number): boolean =>
      buckets.some((line) => line.includes(`route="${route}"`) && line.includes(`status_code="${status}"`));
    expect(has('/test/admin', 200)).toBe(true);
    expect(has('/test/admin', 403)).toBe(true);
    expect(has('/test/me', 401)).toBe(true);
    // Refused by the body parser before routing: still counted, under one label.
    expect(has('unmatched', 413)).toBe(true);
    // An unknown path must not become a label of its own.
    expect(response.text).not.toContain('route="/nowhere"');
  });

  // Runs last in this block: it checks every token the other tests sent.
  it('never writes a token or an authorization header to the logs', () => {
    expect(tokensSent.length).toBeGreaterThan(10);
    const output = logLines.join('');
    // Access-log lines name the request, not its headers, where credentials travel.
    const accessLines = logLines.filter((line) => line.includes('"req":{'));
    expect(accessLines.length).toBeGreaterThan(10);
    for (const line of accessLines) expect(line).not.toContain('"headers"');
    for (const token of tokensSent) {
      expect(output).not.toContain(token);
      // Nor its signature alone, should a line have cut the token apart.
      expect(output).not.toContain(token.split('.')[2]);
    }
    expect(output).not.toContain('not-a-jwt');
  });
});

describe('auth, Keycloak mode', () => {
  const base = mkdtempSync(join(tmpdir(), 'ops-auth-kc-'));
  const dataDir = join(base, 'data');
  const issuer = 'http://keycloak.test/realms/ops';
  const audience = 'ops-center';
  const kid = 'realm-key-1';
  const realmKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const strangerKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
  let jwks: Server;
  let app: INestApplication;
  let http: ReturnType<typeof request>;

  const keycloakToken = (
    claims: object,
    options: { key?: KeyObject; kid?: string; issuer?: string; audience?: string } = {},
  ): string =>
    sign(claims, options.key ?? realmKey.privateKey, {
      algorithm: 'RS256',
      keyid: options.kid ?? kid,
      issuer: options.issuer ?? issuer,
      audience: options.audience ?? audience,
      expiresIn: 300,
    });
  const alice = { sub: 'f47ac10b-58cc-4372-a567-0e02b2c3d479', preferred_username: 'alice' };

  beforeAll(async () => {
    const jwk = realmKey.publicKey.export({ format: 'jwk' });
    jwks = createServer((req, res) => {
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ keys: [{ ...jwk, kid, alg: 'RS256', use: 'sig' }] }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const { port } = jwks.address() as AddressInfo;
    const config = loadConfig({
      AUTH_MODE: 'keycloak',
      DATA_DIR: dataDir,
      KEYCLOAK_JWKS_URL: `http://127.0.0.1:${port}/realms/ops/protocol/openid-connect/certs`,
      KEYCLOAK_ISSUER: issuer,
      KEYCLOAK_AUDIENCE: audience,
      LOG_LEVEL: 'silent',
    });
    app = await startApp(config);
    http = request(app.getHttpServer());
  });

  afterAll(async () => {
    await app?.close();
    await new Promise((resolve) => jwks?.close(resolve));
    rmSync(base, { recursive: true, force: true });
  });

  it('accepts a realm token and maps realm_access roles, dropping the unknown ones', async () => {
    const token = keycloakToken({
      ...alice,
      realm_access: { roles: ['admin', 'offline_access', 'uma_authorization'] },
    });
    const me = await http.get('/test/me').set(...bearer(token));
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ id: alice.sub, roles: ['admin'], username: 'alice' });
    await http
      .get('/test/admin')
      .set(...bearer(token))
      .expect(200, { admin: alice.sub });
  });

  it('answers 403 when the realm roles lack the one required', async () => {
    const token = keycloakToken({ ...alice, realm_access: { roles: ['user'] } });
    expectProblem(await http.get('/test/admin').set(...bearer(token)), 403);
  });

  it('answers 401 to a token from another issuer', async () => {
    const token = keycloakToken(
      { ...alice, realm_access: { roles: ['admin'] } },
      { issuer: 'http://evil.test/realms/ops' },
    );
    expectProblem(await http.get('/test/me').set(...bearer(token)), 401);
  });

  it('answers 401 to a token for another audience', async () => {
    const token = keycloakToken(
      { ...alice, realm_access: { roles: ['admin'] } },
      { audience: 'another-client' },
    );
    expectProblem(await http.get('/test/me').set(...bearer(token)), 401);
  });

  it('answers 401 to a key id the JWKS does not list', async () => {
    const token = keycloakToken({ ...alice }, { key: strangerKey.privateKey, kid: 'stranger' });
    expectProblem(await http.get('/test/me').set(...bearer(token)), 401);
  });

  it('answers 401 to a listed key id signed by another key', async () => {
    const token = keycloakToken({ ...alice }, { key: strangerKey.privateKey });
    expectProblem(await http.get('/test/me').set(...bearer(token)), 401);
  });

  it('answers 401 to an HS256 token keyed with the realm public key (algorithm confusion)', async () => {
    const publicPem = realmKey.publicKey.export({ format: 'pem', type: 'spki' }).toString();
    const token = sign({ ...alice, realm_access: { roles: ['admin'] } }, publicPem, {
      algorithm: 'HS256',
      keyid: kid,
      issuer,
      audience,
      expiresIn: 300,
    });
    expectProblem(await http.get('/test/admin').set(...bearer(token)), 401);
  });

  it('answers 401 to an expired realm token', async () => {
    const token = sign({ ...alice, exp: Math.floor(Date.now() / 1000) - 60 }, realmKey.privateKey, {
      algorithm: 'RS256',
      keyid: kid,
      issuer,
      audience,
    });
    expectProblem(await http.get('/test/me').set(...bearer(token)), 401, 'Token expired');
  });

  it('creates no local secret', () => {
    expect(existsSync(join(dataDir, LOCAL_JWT_SECRET_FILE))).toBe(false);
  });

  it('switches /metrics and the docs off outside single-node mode when no token is set', async () => {
    for (const path of ['/metrics', '/METRICS/', '/docs', '/docs/', '/docs-json', '/docs-yaml']) {
      expectProblem(await http.get(path), 404, /Set (METRICS|DOCS)_TOKEN/);
    }
  });
});

describe('/metrics and /docs behind their tokens', () => {
  const base = mkdtempSync(join(tmpdir(), 'ops-ops-endpoints-'));
  const metricsToken = 'metrics-token-0123456789';
  const docsToken = 'docs-token-0123456789abc';
  let app: INestApplication;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    const config = loadConfig({
      AUTH_MODE: 'local',
      DATA_DIR: join(base, 'data'),
      LOG_LEVEL: 'silent',
      METRICS_TOKEN: metricsToken,
      DOCS_TOKEN: docsToken,
    });
    app = await startApp(config);
    http = request(app.getHttpServer());
  });

  afterAll(async () => {
    await app?.close();
    rmSync(base, { recursive: true, force: true });
  });

  it('refuses /metrics without its token, or with another one, even under another spelling', async () => {
    for (const path of ['/metrics', '/Metrics', '/metrics/']) {
      const response = await http.get(path);
      expectProblem(response, 401, /METRICS_TOKEN/);
      expect(response.headers['www-authenticate']).toBe('Bearer realm="metrics"');
    }
    expectProblem(await http.get('/metrics').set(...bearer(docsToken)), 401);
    const scraped = await http
      .get('/metrics')
      .set(...bearer(metricsToken))
      .expect(200);
    expect(scraped.text).toContain('process_cpu_user_seconds_total');
  });

  it('refuses the docs without their token; Basic credentials with it as password open them', async () => {
    for (const path of ['/docs', '/docs/', '/docs-json', '/docs-yaml', '/docs/swagger-ui-init.js']) {
      const response = await http.get(path);
      expectProblem(response, 401, /DOCS_TOKEN/);
      expect(response.headers['www-authenticate']).toMatch(/^Basic realm="docs"/);
    }
    expectProblem(await http.get('/docs-json').set(...bearer(metricsToken)), 401);
    const json = await http
      .get('/docs-json')
      .set(...bearer(docsToken))
      .expect(200);
    expect(json.body.paths['/test/echo']).toBeDefined();
    await http.get('/docs').auth('reader', docsToken).expect(200);
  });
});
