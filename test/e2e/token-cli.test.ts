import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type JwtPayload, verify } from 'jsonwebtoken';
import { loadOrCreateLocalJwtSecret } from '@ops/infra/auth';
import { BUILD_TIMEOUT_MS, buildIfStale, runCli } from '../support/cli';

const lastLine = (output: string): string => output.trimEnd().split('\n').at(-1) ?? '';

describe('npm run token', () => {
  let base: string;
  let dataDir: string;
  let secretFile: string;

  beforeAll(buildIfStale, BUILD_TIMEOUT_MS);

  beforeEach(() => {
    base = mkdtempSync(join(tmpdir(), 'ops-token-'));
    dataDir = join(base, 'nested', 'data');
    secretFile = join(dataDir, 'jwt-secret');
  });

  afterEach(() => rmSync(base, { recursive: true, force: true }));

  it('signs with the secret the server created in DATA_DIR, as the last line', async () => {
    // What the server does on its first start.
    const secret = loadOrCreateLocalJwtSecret(dataDir);
    const run = await runCli(
      'token',
      ['--sub', 'alice', '--role', 'admin', '--role', 'auditor', '--ttl', '10m'],
      {
        DATA_DIR: dataDir,
      },
    );
    expect(run).toMatchObject({ code: 0, stderr: '' });

    const payload = verify(lastLine(run.stdout), secret, {
      algorithms: ['HS256'],
      issuer: 'ops-center',
      audience: 'ops-center',
    }) as JwtPayload;
    expect(payload.sub).toBe('alice');
    expect(payload.realm_access).toEqual({ roles: ['admin', 'auditor'] });
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(600);
  });

  it('finds the secret through --data-dir, which wins over DATA_DIR', async () => {
    const secret = loadOrCreateLocalJwtSecret(dataDir);
    const run = await runCli('token', ['--sub', 'bob', '--role', 'user', '--data-dir', dataDir], {
      DATA_DIR: join(base, 'elsewhere'),
    });
    expect(run.code).toBe(0);
    expect((verify(lastLine(run.stdout), secret) as JwtPayload).sub).toBe('bob');
    const equals = await runCli('token', ['--sub', 'bob', '--role', 'user', `--data-dir=${dataDir}`]);
    expect((verify(lastLine(equals.stdout), secret) as JwtPayload).sub).toBe('bob');
  });

  it('refuses in one line, creating nothing, when the data folder holds no secret and JWT_SECRET is unset', async () => {
    const empty = join(base, 'empty');
    const run = await runCli('token', ['--sub', 'alice', '--role', 'admin', '--data-dir', empty]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.trimEnd().split('\n')).toEqual([
      `token: no JWT secret: ${join(empty, 'jwt-secret')} does not exist and JWT_SECRET is unset; start the server once (npm start) to create it, or pass --data-dir <the server's DATA_DIR>, or set JWT_SECRET to the server's`,
    ]);
    expect(existsSync(empty)).toBe(false);
    expect(readdirSync(base)).toEqual([]);
  });

  it('signs with JWT_SECRET and the configured issuer when set, creating no file', async () => {
    const secret = 's'.repeat(40);
    const run = await runCli('token', ['--sub', 'carol', '--role', 'user'], {
      DATA_DIR: dataDir,
      JWT_SECRET: secret,
      JWT_ISSUER: 'ops-test',
    });
    expect(run.code).toBe(0);
    expect(verify(lastLine(run.stdout), secret, { issuer: 'ops-test' })).toMatchObject({ sub: 'carol' });
    expect(existsSync(secretFile)).toBe(false);
  });

  it('issues the configured audience and refuses a ttl beyond JWT_MAX_LIFETIME_SECONDS', async () => {
    const secret = 's'.repeat(40);
    const env = { DATA_DIR: dataDir, JWT_SECRET: secret, JWT_AUDIENCE: 'ops-lab' };
    const run = await runCli('token', ['--sub', 'carol', '--role', 'user'], env);
    expect(verify(lastLine(run.stdout), secret, { audience: 'ops-lab' })).toMatchObject({ aud: 'ops-lab' });
    const long = await runCli('token', ['--sub', 'carol', '--role', 'user', '--ttl', '2d'], env);
    expect(long.code).toBe(1);
    expect(long.stdout).toBe('');
    expect(long.stderr).toMatch(/JWT_MAX_LIFETIME_SECONDS/);
  });

  it.each([
    ['an unknown role', ['--sub', 'alice', '--role', 'root']],
    ['no role', ['--sub', 'alice']],
    ['no subject', ['--role', 'admin']],
    ['a malformed subject', ['--sub', '../etc', '--role', 'admin']],
    ['an unknown option', ['--sub', 'alice', '--role', 'admin', '--admin']],
    ['a bad ttl', ['--sub', 'alice', '--role', 'admin', '--ttl', '1y']],
    ['a ttl over 30 days', ['--sub', 'alice', '--role', 'admin', '--ttl', '31d']],
    ['--data-dir without a folder', ['--sub', 'alice', '--role', 'admin', '--data-dir']],
  ])('exits 2 with the usage on %s', async (_case, args) => {
    const run = await runCli('token', args, { DATA_DIR: dataDir });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('Usage: npm run token');
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(existsSync(secretFile)).toBe(false);
  });

  it('refuses in Keycloak mode', async () => {
    const run = await runCli('token', ['--sub', 'alice', '--role', 'admin'], {
      DATA_DIR: dataDir,
      AUTH_MODE: 'keycloak',
      KEYCLOAK_JWKS_URL: 'http://127.0.0.1:1/certs',
      KEYCLOAK_ISSUER: 'http://keycloak.test/realms/ops',
      KEYCLOAK_AUDIENCE: 'ops-center',
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/AUTH_MODE=keycloak.*Keycloak/);
    expect(existsSync(secretFile)).toBe(false);
  });
});
