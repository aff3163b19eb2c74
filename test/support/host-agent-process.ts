import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const REPO = resolve(__dirname, '..', '..');

/**
 * Starts the distributed host agent (apps/host-agent/src/main.ts) as a separate process, as a managed
 * server runs it; `onLine` gets each line it prints (pino JSON on stdout, anything else on stderr).
 */
export function spawnHostAgent(env: NodeJS.ProcessEnv, onLine: (line: string) => void): ChildProcess {
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'apps/host-agent/src/main.ts'],
    { cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  for (const stream of [child.stdout, child.stderr]) {
    let pending = '';
    stream?.on('data', (chunk: Buffer) => {
      const lines = (pending + chunk.toString('utf8')).split('\n');
      pending = lines.pop() ?? '';
      lines.filter(Boolean).forEach(onLine);
    });
  }
  return child;
}
