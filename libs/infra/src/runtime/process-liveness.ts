import { readFileSync } from 'node:fs';

/**
 * The process's start time (Linux clock ticks since boot, field 22 of /proc/<pid>/stat, counted after
 * the command name, which may hold spaces): a recycled pid has another. Null where /proc cannot tell.
 */
export function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

/** Whether the process that wrote a pid (and, when known, its start time) still runs on this machine. */
export function isProcessRunning(pid: number, started: string | null = null): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: the process exists, under another user.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const now = processStart(pid);
  return started === null || now === null || now === started;
}
