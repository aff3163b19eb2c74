import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  announceNode,
  DataDirFlagError,
  findRunningNode,
  NODE_FILE,
  withDataDirFlag,
  withoutPassword,
  type RunningNode,
} from './node-discovery';

describe('node discovery', () => {
  let dataDir: string;
  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'ops-node-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  const write = (node: Partial<RunningNode>) =>
    writeFileSync(
      join(dataDir, NODE_FILE),
      JSON.stringify({
        pid: process.pid,
        hostname: hostname(),
        port: 3000,
        url: 'http://127.0.0.1:3000',
        database: { kind: 'embedded', port: 54329 },
        started_at: new Date().toISOString(),
        ...node,
      }),
    );

  it('announces this process, its port and how to reach its database, readable by any tool', () => {
    const announced = announceNode(join(dataDir, 'fresh'), {
      port: 3123,
      database: { kind: 'external', url: withoutPassword('postgres://ops:s3cret@db.internal:5432/ops') },
    });
    const path = join(dataDir, 'fresh', NODE_FILE);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(announced);
    expect(announced).toMatchObject({
      pid: process.pid,
      port: 3123,
      url: 'http://127.0.0.1:3123',
      database: { kind: 'external', url: 'postgres://ops@db.internal:5432/ops' },
    });
    expect(readFileSync(path, 'utf8')).not.toContain('s3cret');
    expect(statSync(path).mode & 0o777).toBe(0o644);
    expect(findRunningNode(join(dataDir, 'fresh'))).toEqual(announced);
  });

  it('ignores a file left by a process that died, one from another machine, and a damaged one', () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid;
    write({ pid: dead });
    expect(findRunningNode(dataDir)).toBeUndefined();
    write({ hostname: `not-${hostname()}` });
    expect(findRunningNode(dataDir)).toBeUndefined();
    writeFileSync(join(dataDir, NODE_FILE), '{"pid": 1');
    expect(findRunningNode(dataDir)).toBeUndefined();
    write({});
    expect(findRunningNode(dataDir)?.pid).toBe(process.pid);
  });

  it('finds nothing in a folder no node announced itself in', () => {
    expect(findRunningNode(join(dataDir, 'missing'))).toBeUndefined();
  });

  it('takes --data-dir out of the arguments into DATA_DIR, relative to where the command was typed', () => {
    expect(withDataDirFlag(['status', '--data-dir', '/srv/ops'], {})).toEqual({
      args: ['status'],
      env: { DATA_DIR: '/srv/ops' },
    });
    expect(withDataDirFlag(['--data-dir=data', 'rebuild', 'x'], { INIT_CWD: '/home/op' })).toEqual({
      args: ['rebuild', 'x'],
      env: { INIT_CWD: '/home/op', DATA_DIR: '/home/op/data' },
    });
    const env = { DATA_DIR: '/from/env' };
    expect(withDataDirFlag(['status'], env)).toEqual({ args: ['status'], env });
    expect(() => withDataDirFlag(['--data-dir'], {})).toThrow(DataDirFlagError);
    expect(() => withDataDirFlag(['--data-dir', '--all'], {})).toThrow(DataDirFlagError);
    expect(() => withDataDirFlag(['--data-dir='], {})).toThrow(DataDirFlagError);
  });

  it('removes its file when the process exits, and leaves one another node wrote since', () => {
    const [own, taken] = [join(dataDir, 'own'), join(dataDir, 'taken')];
    const discovery = JSON.stringify(require.resolve('./node-discovery'));
    const script = `
      const { announceNode } = require(${discovery});
      for (const dir of ${JSON.stringify([own, taken])}) announceNode(dir, { port: 1, database: { kind: 'embedded', port: 2 } });
      require('node:fs').writeFileSync(${JSON.stringify(join(taken, NODE_FILE))}, JSON.stringify({ pid: 1 }));`;
    const run = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], {
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(existsSync(join(own, NODE_FILE))).toBe(false);
    expect(JSON.parse(readFileSync(join(taken, NODE_FILE), 'utf8'))).toEqual({ pid: 1 });
  });
});
