import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { claimDataDir, CLAIM_FILE } from './data-dir-claim';
import { StartRefused } from './start-refused';

function startTimeOf(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}

describe('claiming DATA_DIR', () => {
  let dataDir: string;
  let other: ChildProcess;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'ops-claim-'));
    other = spawn('sleep', ['30']);
  });
  afterEach(() => {
    other.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  const claimedBy = (pid: number, started: string | null) =>
    writeFileSync(join(dataDir, CLAIM_FILE), JSON.stringify({ pid, started }));

  it('refuses a folder a running process holds, in one line naming its pid', async () => {
    claimedBy(other.pid!, startTimeOf(other.pid!));
    const claim = claimDataDir(dataDir);
    await expect(claim).rejects.toThrow(StartRefused);
    await expect(claim).rejects.toThrow(
      `DATA_DIR ${dataDir} is in use by another ops-center (pid ${other.pid}); stop it or set DATA_DIR`,
    );
  });

  it('takes over the claim of a process that has ended, and releases its own', async () => {
    const ended = spawn('true');
    await new Promise((done) => ended.once('exit', done));
    claimedBy(ended.pid!, null);
    const claim = await claimDataDir(dataDir);
    expect(JSON.parse(readFileSync(join(dataDir, CLAIM_FILE), 'utf8')).pid).toBe(process.pid);
    claim.release();
    expect(existsSync(join(dataDir, CLAIM_FILE))).toBe(false);
  });

  it('takes over a claim whose pid now belongs to another process (another start time)', async () => {
    claimedBy(other.pid!, '1');
    await expect(claimDataDir(dataDir)).resolves.toBeDefined();
  });
});
