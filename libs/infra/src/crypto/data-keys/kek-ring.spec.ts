import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SecretKey } from '../secret-box';
import { addLocalKek, KekRing, LOCAL_KEK_FILE, loadKekKeys } from './kek-ring';

const kek = (id: string): SecretKey => ({ id, key: randomBytes(32) });

describe('KekRing', () => {
  it('wraps with the newest KEK (last in the ring) and unwraps with older ones', () => {
    const old = kek('old');
    const before = new KekRing(() => [old]).wrap('alice', Buffer.alloc(32, 7));
    const ring = new KekRing(() => [old, kek('new')]);
    expect(ring.newestId).toBe('new');
    expect(ring.wrap('alice', Buffer.alloc(32, 1)).kekId).toBe('new');
    expect(ring.unwrap('alice', before.kekId, before.wrapped)).toEqual(Buffer.alloc(32, 7));
  });

  it('refuses a wrapped key copied onto another subject', () => {
    const ring = new KekRing(() => [kek('k1')]);
    const { kekId, wrapped } = ring.wrap('alice', Buffer.alloc(32, 7));
    expect(() => ring.unwrap('mallory', kekId, wrapped)).toThrow();
  });

  it('reloads its ring when it meets a KEK it has not loaded yet', () => {
    const keys = [kek('k1')];
    const ring = new KekRing(() => [...keys]);
    keys.push(kek('k2'));
    const wrapped = new KekRing(() => keys).wrap('alice', Buffer.alloc(32, 3));
    expect(ring.unwrap('alice', 'k2', wrapped.wrapped)).toEqual(Buffer.alloc(32, 3));
  });
});

describe('KEK ring configuration', () => {
  let dataDir: string;
  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'kek-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('reads KEK_KEYS, newest last', () => {
    const text = `a:${randomBytes(32).toString('base64')},b:${randomBytes(32).toString('base64')}`;
    expect(loadKekKeys({ KEK_KEYS: text, DATA_DIR: dataDir }).map((key) => key.id)).toEqual(['a', 'b']);
  });

  it('generates a private ring file once, and appends a new KEK to it for a rotation', () => {
    const first = loadKekKeys({ DATA_DIR: dataDir });
    expect(first).toHaveLength(1);
    expect(first[0].key).toHaveLength(32);
    const path = join(dataDir, LOCAL_KEK_FILE);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(loadKekKeys({ DATA_DIR: dataDir })).toEqual(first);

    const added = addLocalKek({ DATA_DIR: dataDir });
    const ring = loadKekKeys({ DATA_DIR: dataDir });
    expect(ring.map((key) => key.id)).toEqual([first[0].id, added]);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8')).not.toContain('\n');
  });

  it('generates nothing when KEK_KEYS names the ring', () => {
    expect(() =>
      addLocalKek({ KEK_KEYS: `a:${randomBytes(32).toString('base64')}`, DATA_DIR: dataDir }),
    ).toThrow(/KEK_KEYS is set/);
  });
});
