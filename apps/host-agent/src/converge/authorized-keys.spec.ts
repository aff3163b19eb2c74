import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { syncAuthorizedKeys } from './authorized-keys';

describe('authorized_keys from an agent that is not root', () => {
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'keys-'));
    await mkdir(join(root, 'home', 'bob'), { recursive: true });
  });
  afterAll(() => rm(root, { recursive: true, force: true }));
  afterEach(() => jest.restoreAllMocks());

  it("refuses to write another uid's keys rather than write them as itself", async () => {
    jest.spyOn(process, 'getuid').mockReturnValue(1500);
    const owner = { home: '/home/bob', uid: 1501, gid: 1501 };
    await expect(syncAuthorizedKeys(root, owner, ['ssh-ed25519 AAAA bob'])).rejects.toThrow(
      'the agent runs as uid 1500, not root: it cannot write as uid 1501',
    );
    expect(await readdir(join(root, 'home', 'bob'))).toStrictEqual([]);
  });
});
