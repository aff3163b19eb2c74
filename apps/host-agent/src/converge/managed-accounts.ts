import { readJsonState, writeJsonState } from '../json-state-file';

/** How an account came under the platform's management on this host. */
export type ManagedBy = 'created' | 'adopted';

/**
 * The accounts this agent created, or that an admin adopted, kept in one JSON file under the agent's
 * state. An account that exists on the host and is not listed was made by someone else (an admin by
 * hand, a package, an attacker who guessed a name the platform would later be asked to create): the
 * agent never changes or deletes it unless the desired state adopts it.
 */
export class ManagedAccounts {
  private accounts = new Map<string, ManagedBy>();

  private constructor(private readonly path: string) {}

  /**
   * `legacy`: accounts an agent of an earlier version applied commands to, before this file existed;
   * they are taken as created by the platform once, when the file is first written.
   */
  static async open(path: string, legacy: readonly string[] = []): Promise<ManagedAccounts> {
    const store = new ManagedAccounts(path);
    const parsed = (await readJsonState(path)) as Record<string, ManagedBy> | null;
    if (parsed === null) {
      store.accounts = new Map(legacy.map((username) => [username, 'created']));
      if (legacy.length > 0) await store.save();
    } else {
      store.accounts = new Map(Object.entries(parsed));
    }
    return store;
  }

  manages(username: string): boolean {
    return this.accounts.has(username);
  }

  async remember(username: string, by: ManagedBy): Promise<void> {
    if (this.accounts.get(username) === by) return;
    this.accounts.set(username, by);
    await this.save();
  }

  async forget(username: string): Promise<void> {
    if (this.accounts.delete(username)) await this.save();
  }

  private save(): Promise<void> {
    return writeJsonState(this.path, Object.fromEntries(this.accounts));
  }
}
