import { Logger } from '@nestjs/common';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { isProcessRunning, processStart } from './process-liveness';

/** Where a running node says who it is and how to reach it, inside its DATA_DIR. */
export const NODE_FILE = 'node.json';

export type NodeDatabase =
  /** The cluster under DATA_DIR/postgres: its password is beside it, readable by whoever may read the data. */
  | { kind: 'embedded'; port: number }
  /** DATABASE_URL without its password: a tool must be given the URL itself. */
  | { kind: 'external'; url: string };

/** The content of `DATA_DIR/node.json`: nothing secret, so any tool on the machine may read it. */
export interface RunningNode {
  pid: number;
  hostname: string;
  /** The HTTP port the node answers on. */
  port: number;
  url: string;
  database: NodeDatabase;
  started_at: string;
  /** See processStart: tells this node from a later process that got its pid. */
  process_start?: string | null;
}

/** `postgres://user:secret@host/db` → `postgres://user@host/db`. */
export function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = '';
    return parsed.toString();
  } catch {
    return '(an unparsable URL)';
  }
}

/**
 * Written by a node once it listens; the file goes when the process exits (however it exits, short
 * of a kill -9: a file left behind names a dead process and is ignored). A folder that cannot take
 * it costs the tools their discovery, not the node its start.
 */
export function announceNode(
  dataDir: string,
  node: Pick<RunningNode, 'port' | 'database'>,
): RunningNode | undefined {
  const path = join(dataDir, NODE_FILE);
  const announced: RunningNode = {
    pid: process.pid,
    hostname: hostname(),
    port: node.port,
    url: `http://127.0.0.1:${node.port}`,
    database: node.database,
    started_at: new Date().toISOString(),
    process_start: processStart(process.pid),
  };
  try {
    mkdirSync(dataDir, { recursive: true });
    // Renamed into place, so a tool never reads half a file.
    const partial = `${path}.${process.pid}`;
    writeFileSync(partial, `${JSON.stringify(announced, null, 2)}\n`, { mode: 0o644 });
    renameSync(partial, path);
  } catch (error) {
    new Logger('NodeDiscovery').warn(
      `could not write ${path}; the CLIs will not find this node: ${String(error)}`,
    );
    return undefined;
  }
  process.once('exit', () => {
    // A node started on the folder since keeps its own file.
    if (readNodeFile(path)?.pid === process.pid) rmSync(path, { force: true });
  });
  return announced;
}

function readNodeFile(path: string): RunningNode | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as RunningNode;
  } catch {
    return undefined;
  }
}

/** The node announced in `dataDir`, if its process still runs on this machine. */
export function findRunningNode(dataDir: string): RunningNode | undefined {
  const node = readNodeFile(join(dataDir, NODE_FILE));
  if (!node || !Number.isInteger(node.pid) || node.hostname !== hostname()) return undefined;
  return isProcessRunning(node.pid, node.process_start ?? null) ? node : undefined;
}

export const DATA_DIR_FLAG = '--data-dir';

/**
 * Takes `--data-dir <dir>` (or `--data-dir=<dir>`) out of a tool's arguments and puts it in the
 * environment as DATA_DIR, which the configuration reads like the server does (default `./.data`
 * from the repository root, where npm runs every script). A relative directory is taken from where
 * the command was typed (npm's INIT_CWD), as the operator means it.
 */
export function withDataDirFlag(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): { args: string[]; env: NodeJS.ProcessEnv } {
  const args: string[] = [];
  let dataDir: string | undefined;
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index];
    if (arg === DATA_DIR_FLAG) {
      dataDir = argv[++index];
      if (dataDir === undefined || dataDir.startsWith('-')) throw new DataDirFlagError();
    } else if (arg.startsWith(`${DATA_DIR_FLAG}=`)) {
      dataDir = arg.slice(DATA_DIR_FLAG.length + 1);
      if (dataDir === '') throw new DataDirFlagError();
    } else {
      args.push(arg);
    }
  }
  if (dataDir === undefined) return { args, env };
  const from = env.INIT_CWD ?? process.cwd();
  return { args, env: { ...env, DATA_DIR: isAbsolute(dataDir) ? dataDir : resolve(from, dataDir) } };
}

export class DataDirFlagError extends Error {
  constructor() {
    super(`${DATA_DIR_FLAG} needs a directory`);
  }
}
