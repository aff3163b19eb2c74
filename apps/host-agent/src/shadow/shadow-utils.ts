import { execFile } from 'node:child_process';

export type ShadowTool = 'useradd' | 'usermod' | 'userdel' | 'chage' | 'chpasswd';

export interface ToolResult {
  /** null when the tool did not exit by itself (killed on timeout, or by a signal). */
  exitCode: number | null;
  stderr: string;
}

/**
 * Runs one shadow-utils tool against the agent's root; the seam tests spy on. `input` goes to the
 * tool's stdin: anything secret travels there, since every local user can read any process's argv.
 */
export interface ToolRunner {
  run(tool: ShadowTool, args: readonly string[], input?: string): Promise<ToolResult>;
}

/**
 * Absolute paths, so a PATH set by whoever started the agent cannot substitute a tool. The tools that
 * know `--prefix` only redirect their /etc files; chage and chpasswd only know `--root`, which chroots
 * in-process and needs no programs inside the root, just its etc files.
 */
const TOOLS: Readonly<Record<ShadowTool, { path: string; rootOption: string }>> = {
  useradd: { path: '/usr/sbin/useradd', rootOption: '--prefix' },
  usermod: { path: '/usr/sbin/usermod', rootOption: '--prefix' },
  userdel: { path: '/usr/sbin/userdel', rootOption: '--prefix' },
  chage: { path: '/usr/bin/chage', rootOption: '--root' },
  chpasswd: { path: '/usr/sbin/chpasswd', rootOption: '--root' },
};

/** The C locale keeps messages in English and stable; nothing else of the agent's environment leaks in. */
const TOOL_ENV = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C' };

const LOCK_BUSY = /cannot lock .*try again later/;
const LOCK_ATTEMPTS = 5;
const LOCK_RETRY_MS = 200;

export interface ShadowUtilsOptions {
  /** `/` for the real system; anything else is a prefix whose etc/ holds passwd, shadow, group, gshadow. */
  root: string;
  timeoutMs?: number;
}

/** shadow-utils through execFile with an argv: no shell ever sees a username, a comment or a hash. */
export class ShadowUtils implements ToolRunner {
  private readonly root: string;
  private readonly timeoutMs: number;

  constructor(options: ShadowUtilsOptions) {
    this.root = options.root;
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  /**
   * Another writer holding the files' lock (an admin's vipw, or a tool a killed agent left running)
   * is a reason to wait, not to report the command failed.
   */
  async run(tool: ShadowTool, args: readonly string[], input?: string): Promise<ToolResult> {
    for (let attempt = 1; ; attempt += 1) {
      const result = await this.runOnce(tool, args, input);
      if (attempt >= LOCK_ATTEMPTS || !LOCK_BUSY.test(result.stderr)) return result;
      await new Promise((resolve) => setTimeout(resolve, LOCK_RETRY_MS * attempt));
    }
  }

  private runOnce(tool: ShadowTool, args: readonly string[], input?: string): Promise<ToolResult> {
    const { path, rootOption } = TOOLS[tool];
    const argv = this.root === '/' ? [...args] : [rootOption, this.root, ...args];
    return new Promise((resolve) => {
      const child = execFile(
        path,
        argv,
        { env: TOOL_ENV, timeout: this.timeoutMs, encoding: 'utf8' },
        (error, _stdout, stderr) => {
          if (!error) return resolve({ exitCode: 0, stderr });
          if (typeof error.code === 'number') return resolve({ exitCode: error.code, stderr });
          // error.message repeats the whole command line (comments, paths), so it is never passed on.
          const reason = error.signal
            ? `${tool} ${error.killed ? `timed out after ${this.timeoutMs} ms` : 'was killed'} (${error.signal})`
            : `${tool} could not be started (${String(error.code)})`;
          resolve({ exitCode: null, stderr: [stderr, reason].filter(Boolean).join('\n') });
        },
      );
      // A tool that exits before reading its input closes the pipe: its exit code tells what happened.
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(input ?? '');
    });
  }
}
