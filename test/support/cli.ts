import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..', '..');

/** Each `npm run <name>` tool, as package.json runs it: its compiled entry point under dist/. */
export const CLIS = {
  token: 'apps/api/src/cli/token.js',
  audit: 'apps/api/src/cli/audit-cli.js',
  keys: 'apps/api/src/cli/keys-cli.js',
  projector: 'apps/projector/src/cli/projector-cli.js',
  'console-link': 'apps/api/src/cli/console-link.js',
} as const;

export type CliName = keyof typeof CLIS;

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** How long a first build on a clean clone may take on a loaded machine. */
export const BUILD_TIMEOUT_MS = 300_000;

function run(file: string, args: string[], env: Record<string, string>, timeout: number): Promise<CliRun> {
  return new Promise((done) => {
    execFile(file, args, { cwd: ROOT, env, timeout }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      done({ code, stdout, stderr });
    });
  });
}

/**
 * What the npm scripts run first: compiles dist/ on a clean clone (or after a change), and does
 * nothing (milliseconds) when it is up to date. Call it in a `beforeAll` of every file that runs a CLI.
 */
export async function buildIfStale(): Promise<void> {
  const build = await run(
    process.execPath,
    [join(ROOT, 'scripts', 'build-if-stale.js')],
    { PATH: process.env.PATH ?? '' },
    BUILD_TIMEOUT_MS,
  );
  if (build.code !== 0) throw new Error(`the build failed:\n${build.stdout}${build.stderr}`);
}

/** Runs a CLI's compiled build as its npm script does, with only the environment given (plus PATH). */
export function runCli(
  name: CliName,
  args: string[],
  env: Record<string, string> = {},
  timeout = 60_000,
): Promise<CliRun> {
  return run(
    process.execPath,
    ['-r', 'tsconfig-paths/register', join('dist', CLIS[name]), ...args],
    { PATH: process.env.PATH ?? '', TS_NODE_BASEURL: './dist', ...env },
    timeout,
  );
}

/** `npm run --silent <name> -- <args>` itself: the script's wiring, build check included. */
export function runNpmScript(
  name: CliName,
  args: string[],
  env: Record<string, string> = {},
): Promise<CliRun> {
  const base = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? ROOT };
  return run('npm', ['run', '--silent', name, '--', ...args], { ...base, ...env }, 60_000);
}
