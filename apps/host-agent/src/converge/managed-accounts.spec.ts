import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManagedAccounts } from './managed-accounts';

describe('managed accounts', () => {
  let dir: string;
  const path = (): string => join(dir, 'state', 'managed.json');

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'managed-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('remembers what was created or adopted across restarts, and forgets a deleted account', async () => {
    const store = await ManagedAccounts.open(path());
    await store.remember('alice', 'created');
    await store.remember('mallory', 'adopted');
    await store.forget('alice');
    const reopened = await ManagedAccounts.open(path());
    expect([reopened.manages('alice'), reopened.manages('mallory')]).toStrictEqual([false, true]);
    expect(JSON.parse(await readFile(path(), 'utf8'))).toStrictEqual({ mallory: 'adopted' });
  });

  it('takes the accounts of an earlier agent once, when there is no file yet', async () => {
    const seeded = await ManagedAccounts.open(path(), ['alice']);
    expect(seeded.manages('alice')).toBe(true);
    await seeded.forget('alice');
    const reopened = await ManagedAccounts.open(path(), ['alice']);
    expect(reopened.manages('alice')).toBe(false);
  });
});
