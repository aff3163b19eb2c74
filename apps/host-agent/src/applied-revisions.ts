import { readJsonState, writeJsonState } from './json-state-file';

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
    const parsed = (await readJsonState(this.path)) as Record<string, string> | null;
    this.revisions = new Map(
      Object.entries(parsed ?? {}).map(([username, revision]) => [username, BigInt(revision)]),
    );
  }

  private save(): Promise<void> {
    return writeJsonState(this.path, this.entries());
  }
}
