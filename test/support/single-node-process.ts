import { spawn, type ChildProcess } from 'node:child_process';
import { ROOT } from './cli';

export interface SingleNodeProcess {
  child: ChildProcess;
  stdout: string;
  stderr: string;
  exited: Promise<number | null>;
}

/**
 * The single-node entry point as `npm start` runs it (the compiled build: call `buildIfStale` first),
 * without npm's own lines around its output, which is kept for the test to read.
 */
export function spawnSingleNode(env: NodeJS.ProcessEnv): SingleNodeProcess {
  const child = spawn(
    process.execPath,
    ['-r', 'tsconfig-paths/register', 'dist/apps/api/src/single-node.main.js'],
    { cwd: ROOT, env: { ...env, TS_NODE_BASEURL: './dist' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const node: SingleNodeProcess = {
    child,
    stdout: '',
    stderr: '',
    exited: new Promise((done) => child.once('exit', (code) => done(code))),
  };
  child.stdout?.on('data', (chunk) => (node.stdout += chunk));
  child.stderr?.on('data', (chunk) => (node.stderr += chunk));
  return node;
}
