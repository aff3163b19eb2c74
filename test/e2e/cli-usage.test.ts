import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILD_TIMEOUT_MS, buildIfStale, CLIS, runCli, runNpmScript, type CliName } from '../support/cli';

const NAMES = Object.keys(CLIS) as CliName[];
const STACK_FRAME = /^\s+at /m;
/** A command each tool takes, so that only the flag after it is wrong. */
const VALID_START: Record<CliName, string[]> = {
  token: ['--sub', 'alice', '--role', 'admin'],
  audit: ['verify'],
  keys: ['status'],
  projector: ['status'],
  'console-link': ['--sub', 'alice'],
};

/** Every `npm run <tool>`: help on request, usage on a mistake, one line when it cannot work. */
describe('the command-line tools', () => {
  let empty: string;

  beforeAll(async () => {
    await buildIfStale();
    empty = mkdtempSync(join(tmpdir(), 'ops-cli-empty-'));
  }, BUILD_TIMEOUT_MS);

  afterAll(() => rmSync(empty, { recursive: true, force: true }));

  it.each(NAMES)('npm run %s -- --help prints the usage and exits 0', async (name) => {
    const run = await runNpmScript(name, ['--help']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(new RegExp(`^Usage: npm run ${name} -- `));
    expect(run.stdout).toContain('--data-dir');
  });

  it.each(NAMES)('%s -h prints the same usage, whatever else is given', async (name) => {
    const help = await runCli(name, [...VALID_START[name], '-h', '--nonsense'], { DATA_DIR: empty });
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toMatch(new RegExp(`^Usage: npm run ${name} -- `));
  });

  it.each(NAMES)(
    '%s with an unknown flag prints the usage and exits 2, without a stack trace',
    async (name) => {
      const run = await runCli(name, [...VALID_START[name], '--nonsense'], { DATA_DIR: empty });
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(new RegExp(`^${name}: .*--nonsense.*\\n\\nUsage: npm run ${name} -- `));
      expect(run.stderr).not.toMatch(STACK_FRAME);
    },
  );

  it.each([['audit'], ['keys'], ['projector']] as const)(
    '%s with an unknown command prints the usage and exits 2',
    async (name) => {
      const run = await runCli(name, ['frobnicate'], { DATA_DIR: empty });
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(
        new RegExp(`^${name}: unknown command frobnicate\\n\\nUsage: npm run ${name}`),
      );
    },
  );

  it.each([
    ['keys', ['status']],
    ['projector', ['status']],
    ['audit', ['export', '--out', join(tmpdir(), 'never-written.ndjson')]],
  ] as const)(
    '%s refuses a data folder that holds no database in one line, and starts none',
    async (name, args) => {
      const run = await runCli(name, [...args, '--data-dir', empty]);
      expect(run.code).toBe(1);
      expect(run.stderr.trimEnd().split('\n')).toEqual([
        `${name}: no database: ${empty} holds no embedded PostgreSQL and DATABASE_URL is unset; start the server once (npm start), or pass --data-dir <its DATA_DIR>, or set DATABASE_URL`,
      ]);
      expect(readdirSync(empty)).toEqual([]);
    },
  );
});
