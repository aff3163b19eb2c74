import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * The last revision applied per account, kept in one JSON file written atomically. A redelivered
 * command at or below it is acknowledged without touching the host: an older desired state must never
 * undo a newer one, and one already applied need not be looked at again.
 */
export class AppliedRevisions {
  private revisions = new Map<string, bigint>();

  private constructor(private readonly path: string) {}

  static async open(path: string): Promise<AppliedRevisions> {
    const store = new AppliedRevisions(path);
    await store.load();
    return store;
  }

  /** True when this revision of the account, or a later one, has been applied. */
  covers(username: string, revision: string): boolean {
    const applied = this.revisions.get(username);
    return applied !== undefined && BigInt(revision) <= applied;
  }

  /** True when a later revision of the account has been applied: this one would undo it. */
  isOlderThanApplied(username: string, revision: string): boolean {
    const applied = this.revisions.get(username);
    return applied !== undefined && BigInt(revision) < applied;
  }

  async record(username: string, revision: string): Promise<void> {
    const applied = this.revisions.get(username);
    if (applied !== undefined && BigInt(revision) <= applied) return;
    this.revisions.set(username, BigInt(revision));
    await this.save();
  }

  /** A snapshot, revision as a decimal string (stream revisions can exceed 2^53). */
  entries(): Record<string, string> {
    return Object.fromEntries(
      [...this.revisions].map(([username, revision]) => [username, revision.toString()]),
    );
  }

  private async load(): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    const parsed = JSON.parse(text) as Record<string, string>;
    this.revisions = new Map(
      Object.entries(parsed).map(([username, revision]) => [username, BigInt(revision)]),
    );
  }

  /** Temp file, fsync, rename, fsync of the folder: after a crash the file is the old map or the new one. */
  private async save(): Promise<void> {
    const directory = dirname(this.path);
    await mkdir(directory, { recursive: true, mode: 0o700 });
    const temporary = join(directory, `.applied.${randomBytes(6).toString('hex')}.tmp`);
    const file = await open(temporary, 'wx', 0o600);
    try {
      await file.writeFile(`${JSON.stringify(this.entries(), null, 2)}\n`, 'utf8');
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, this.path);
    const folder = await open(directory, 'r');
    try {
      await folder.sync();
    } finally {
      await folder.close();
    }
  }
}
