import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type JwtPayload, verify } from 'jsonwebtoken';

const ROOT = resolve(__dirname, '..', '..');
const CLI = join(ROOT, 'apps', 'api', 'src', 'cli', 'token.ts');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI as `npm run token` does, with only the environment given (plus PATH). */
function runCli(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', CLI, ...args],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}

const lastLine = (output: string): string => output.trimEnd().split('\n').at(-1) ?? '';

describe('npm run token', () => {
  let base: string;
  let dataDir: string;
  let secretFile: string;

  beforeEach(() => {
    base = mkdtempSync(join(tmpdir(), 'ops-token-'));
    dataDir = join(base, 'nested', 'data');
    secretFile = join(dataDir, 'jwt-secret');
  });

  afterEach(() => rmSync(base, { recursive: true, force: true }));

  it('creates the secret (mode 0600) and prints a token it verifies, as the last line', async () => {
    const run = await runCli(['--sub', 'alice', '--role', 'admin', '--role', 'auditor', '--ttl', '10m'], {
      DATA_DIR: dataDir,
    });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(statSync(secretFile).mode & 0o777).toBe(0o600);

    const payload = verify(lastLine(run.stdout), readFileSync(secretFile, 'utf8'), {
      algorithms: ['HS256'],
      issuer: 'ops-center',
      audience: 'ops-center',
    }) as JwtPayload;
    expect(payload.sub).toBe('alice');
    expect(payload.realm_access).toEqual({ roles: ['admin', 'auditor'] });
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(600);
  });

  it('keeps the secret across runs', async () => {
    await runCli(['--sub', 'alice', '--role', 'user'], { DATA_DIR: dataDir });
    const secret = readFileSync(secretFile, 'utf8');
    const second = await runCli(['--sub', 'bob', '--role', 'user'], { DATA_DIR: dataDir });
    expect(second.code).toBe(0);
    expect(readFileSync(secretFile, 'utf8')).toBe(secret);
    expect((verify(lastLine(second.stdout), secret) as JwtPayload).sub).toBe('bob');
  });

  it('signs with JWT_SECRET and the configured issuer when set, creating no file', async () => {
    const secret = 's'.repeat(40);
    const run = await runCli(['--sub', 'carol', '--role', 'user'], {
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
    const run = await runCli(['--sub', 'carol', '--role', 'user'], env);
    expect(verify(lastLine(run.stdout), secret, { audience: 'ops-lab' })).toMatchObject({ aud: 'ops-lab' });
    const long = await runCli(['--sub', 'carol', '--role', 'user', '--ttl', '2d'], env);
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
  ])('exits 2 with the usage on %s', async (_case, args) => {
    const run = await runCli(args, { DATA_DIR: dataDir });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('Usage: npm run token');
    expect(existsSync(secretFile)).toBe(false);
  });

  it('refuses in Keycloak mode', async () => {
    const run = await runCli(['--sub', 'alice', '--role', 'admin'], {
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
