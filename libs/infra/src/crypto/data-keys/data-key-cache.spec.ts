import { DataKeyCache, ERASED } from './data-key-cache';

const key = (id: string) => ({ id, key: Buffer.alloc(32, id) });

describe('DataKeyCache', () => {
  it('keeps keys for their time to live only', () => {
    let now = 0;
    const cache = new DataKeyCache(10, 1_000, () => now);
    cache.remember('alice', key('a'));
    expect(cache.get('alice')).toEqual(key('a'));
    now = 1_000;
    expect(cache.get('alice')).toBeUndefined();
  });

  it('holds at most its bound, dropping the oldest entry', () => {
    const cache = new DataKeyCache(2, 60_000);
    cache.remember('a', key('a'));
    cache.remember('b', key('b'));
    cache.remember('c', key('c'));
    expect(cache.size).toBe(2);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('c')).toEqual(key('c'));
  });

  it('does not let a load that raced with an erasure bring the key back', () => {
    const cache = new DataKeyCache(10, 60_000);
    cache.remember('alice', key('a'));
    cache.forget('alice');
    cache.remember('alice', key('a'));
    expect(cache.get('alice')).toBe(ERASED);
  });
});
