import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cacheHitRate } from '../../src/cache/store';
import { type DisposableCache, testCacheTargets, waitFor } from '../helpers/caches';

/** The same contract, on the in-process store and (with HISHO_TEST_REDIS_URL) on real Redis. */
describe.each(testCacheTargets())('CacheStore contract: $kind', (target) => {
  let cache: DisposableCache;

  beforeEach(async () => {
    cache = await target.open();
  });
  afterEach(async () => {
    await cache.dispose();
  });

  it('reports its kind and is ok', () => {
    expect(cache.kind).toBe(target.kind);
    expect(cache.state()).toBe('ok');
  });

  describe('strings', () => {
    it('get returns null for a missing key and the value after set', async () => {
      expect(await cache.get('a')).toBeNull();
      await cache.set('a', '1');
      expect(await cache.get('a')).toBe('1');
      await cache.set('a', '日本語の値 ✓');
      expect(await cache.get('a')).toBe('日本語の値 ✓');
      await cache.set('empty', '');
      expect(await cache.get('empty')).toBe('');
    });

    it('del returns how many keys existed', async () => {
      await cache.set('d1', 'x');
      await cache.set('d2', 'x');
      await cache.hset('d3', { f: 'v' });
      expect(await cache.del('d1', 'd2', 'd3', 'nope')).toBe(3);
      expect(await cache.get('d1')).toBeNull();
      expect(await cache.del('d1')).toBe(0);
      expect(await cache.del()).toBe(0);
    });

    it('incr starts from 0 on a missing key, accepts a step and keeps the TTL', async () => {
      expect(await cache.incr('n')).toBe(1);
      expect(await cache.incr('n')).toBe(2);
      expect(await cache.incr('n', 10)).toBe(12);
      expect(await cache.incr('n', -20)).toBe(-8);
      expect(await cache.get('n')).toBe('-8');
      expect(await cache.incr('m', 5)).toBe(5);
      await cache.set('t', '41', 100);
      expect(await cache.incr('t')).toBe(42);
      expect(await cache.ttl('t')).toBeGreaterThan(90);
    });

    it('incr refuses a non-integer value and a non-integer step', async () => {
      await cache.set('s', 'abc');
      await expect(cache.incr('s')).rejects.toThrow(/not an integer/);
      expect(await cache.get('s')).toBe('abc');
      await expect(cache.incr('s2', 1.5)).rejects.toThrow(RangeError);
    });
  });

  describe('TTL', () => {
    it('ttl is -2 for a missing key, -1 without expiry, the seconds left otherwise', async () => {
      expect(await cache.ttl('missing')).toBe(-2);
      await cache.set('forever', 'x');
      expect(await cache.ttl('forever')).toBe(-1);
      await cache.set('timed', 'x', 100);
      const left = await cache.ttl('timed');
      expect(left).toBeGreaterThanOrEqual(99);
      expect(left).toBeLessThanOrEqual(100);
      await cache.hset('h', { a: '1' });
      expect(await cache.ttl('h')).toBe(-1);
    });

    it('a key set with a TTL disappears once it has passed, not before', async () => {
      const start = Date.now();
      await cache.set('short', 'v', 1);
      expect(await cache.get('short')).toBe('v');
      await waitFor(async () => (await cache.get('short')) === null, 3000, 'the key to expire');
      const elapsed = Date.now() - start;
      expect(elapsed).toBeGreaterThanOrEqual(900);
      expect(await cache.ttl('short')).toBe(-2);
      expect(await cache.scanPrefix('short')).toEqual([]);
      expect(await cache.del('short')).toBe(0);
    });

    it('set without a TTL clears an earlier one', async () => {
      await cache.set('k', 'v', 100);
      await cache.set('k', 'w');
      expect(await cache.ttl('k')).toBe(-1);
    });

    it('expire sets a TTL on an existing key and returns false for a missing one', async () => {
      expect(await cache.expire('nothing', 10)).toBe(false);
      expect(await cache.ttl('nothing')).toBe(-2);
      await cache.set('k', 'v');
      expect(await cache.expire('k', 50)).toBe(true);
      expect(await cache.ttl('k')).toBeGreaterThanOrEqual(49);
      await cache.hset('h', { f: 'v' });
      expect(await cache.expire('h', 1)).toBe(true);
      await waitFor(async () => Object.keys(await cache.hgetall('h')).length === 0, 3000, 'the hash to expire');
      expect(await cache.hget('h', 'f')).toBeNull();
    });

    it('expire with zero deletes the key, like Redis', async () => {
      await cache.set('k', 'v');
      expect(await cache.expire('k', 0)).toBe(true);
      expect(await cache.get('k')).toBeNull();
    });

    it('refuses a TTL that is not a positive number', async () => {
      await expect(cache.set('k', 'v', 0)).rejects.toThrow(RangeError);
      await expect(cache.set('k', 'v', -1)).rejects.toThrow(RangeError);
      await expect(cache.set('k', 'v', Number.NaN)).rejects.toThrow(RangeError);
      await expect(cache.expire('k', Number.POSITIVE_INFINITY)).rejects.toThrow(RangeError);
      expect(await cache.get('k')).toBeNull();
    });
  });

  describe('hashes', () => {
    it('hset merges fields, hget and hgetall read them', async () => {
      expect(await cache.hgetall('h')).toEqual({});
      expect(await cache.hget('h', 'a')).toBeNull();
      await cache.hset('h', { a: '1', b: '2' });
      await cache.hset('h', { b: 'two', c: '三' });
      expect(await cache.hget('h', 'a')).toBe('1');
      expect(await cache.hget('h', 'b')).toBe('two');
      expect(await cache.hget('h', 'zzz')).toBeNull();
      expect(await cache.hgetall('h')).toEqual({ a: '1', b: 'two', c: '三' });
    });

    it('hset keeps the TTL of an existing hash', async () => {
      await cache.hset('h', { a: '1' });
      await cache.expire('h', 100);
      await cache.hset('h', { b: '2' });
      expect(await cache.ttl('h')).toBeGreaterThan(90);
    });

    it('hdel returns how many fields existed and deletes an emptied hash', async () => {
      await cache.hset('h', { a: '1', b: '2', c: '3' });
      expect(await cache.hdel('h', 'a', 'b', 'nope')).toBe(2);
      expect(await cache.hgetall('h')).toEqual({ c: '3' });
      expect(await cache.hdel('h')).toBe(0);
      expect(await cache.hdel('h', 'c')).toBe(1);
      expect(await cache.ttl('h')).toBe(-2);
      expect(await cache.hdel('h', 'c')).toBe(0);
    });

    it('mixing types is refused with WRONGTYPE, as Redis does', async () => {
      await cache.set('str', 'x');
      await expect(cache.hget('str', 'f')).rejects.toThrow(/WRONGTYPE/);
      await expect(cache.hset('str', { f: 'v' })).rejects.toThrow(/WRONGTYPE/);
      await cache.hset('hash', { f: 'v' });
      await expect(cache.get('hash')).rejects.toThrow(/WRONGTYPE/);
      // SET replaces a value of any type.
      await cache.set('hash', 'now a string');
      expect(await cache.get('hash')).toBe('now a string');
    });
  });

  describe('scanPrefix', () => {
    it('returns exactly the keys starting with the prefix, of every type', async () => {
      await cache.set('cache:user_profile:1', 'a');
      await cache.set('cache:user_profile:2', 'b');
      await cache.hset('cache:user_profile:3', { f: 'v' });
      await cache.set('cache:team_info:1', 'c');
      await cache.set('cache:user_profile', 'no trailing colon');
      expect(await cache.scanPrefix('cache:user_profile:')).toEqual([
        'cache:user_profile:1',
        'cache:user_profile:2',
        'cache:user_profile:3',
      ]);
      expect(await cache.scanPrefix('cache:')).toHaveLength(5);
      expect(await cache.scanPrefix('nothing:')).toEqual([]);
    });

    it('treats glob characters in the prefix literally', async () => {
      const keys = ['a*b:1', 'a?b:1', 'a[b]:1', 'a\\b:1', 'aXb:1', 'ab:1', 'a[bc]:x'];
      for (const key of keys) await cache.set(key, 'v');
      expect(await cache.scanPrefix('a*')).toEqual(['a*b:1']);
      expect(await cache.scanPrefix('a?b')).toEqual(['a?b:1']);
      expect(await cache.scanPrefix('a[b]')).toEqual(['a[b]:1']);
      expect(await cache.scanPrefix('a[bc]')).toEqual(['a[bc]:x']);
      expect(await cache.scanPrefix('a\\')).toEqual(['a\\b:1']);
      expect(await cache.scanPrefix('a')).toHaveLength(keys.length);
    });

    it('finds every key when there are more than one SCAN page holds', async () => {
      const count = 1500;
      const expected = Array.from({ length: count }, (_, i) => `bulk:${String(i).padStart(5, '0')}`);
      await Promise.all(expected.map((key) => cache.set(key, 'v')));
      await cache.set('other:1', 'v');
      expect(await cache.scanPrefix('bulk:')).toEqual(expected);
    });

    it('with an empty prefix lists every key of the store', async () => {
      await cache.set('x', '1');
      await cache.hset('y', { a: '1' });
      expect(await cache.scanPrefix('')).toEqual(['x', 'y']);
    });
  });

  describe('pub/sub', () => {
    it('delivers a published message to every subscriber, after publish returns', async () => {
      const a: string[] = [];
      const b: string[] = [];
      await cache.subscribe('news', (m) => a.push(m));
      await cache.subscribe('news', (m) => b.push(m));
      const published = cache.publish('news', 'hello 世界');
      // Never synchronously inside publish().
      expect(a).toEqual([]);
      expect(await published).toBe(2);
      await waitFor(() => a.length === 1 && b.length === 1, 3000, 'delivery');
      expect(a).toEqual(['hello 世界']);
      expect(b).toEqual(['hello 世界']);
    });

    it('returns 0 when nobody listens, and channels are separate', async () => {
      const got: string[] = [];
      await cache.subscribe('one', (m) => got.push(`one:${m}`));
      expect(await cache.publish('nobody', 'x')).toBe(0);
      expect(await cache.publish('one', 'y')).toBe(1);
      await waitFor(() => got.length === 1, 3000, 'delivery');
      expect(got).toEqual(['one:y']);
    });

    it('delivers each message exactly once and in order', async () => {
      const got: string[] = [];
      await cache.subscribe('seq', (m) => got.push(m));
      for (let i = 0; i < 20; i++) await cache.publish('seq', String(i));
      // The last message doubles as a barrier: anything delivered twice would show up by then.
      await cache.publish('seq', 'end');
      await waitFor(() => got.includes('end'), 3000, 'the barrier message');
      await cache.publish('seq', 'end2');
      await waitFor(() => got.includes('end2'), 3000, 'the second barrier message');
      expect(got).toEqual([...Array.from({ length: 20 }, (_, i) => String(i)), 'end', 'end2']);
    });

    it('unsubscribe stops delivery to that subscriber only', async () => {
      const gone: string[] = [];
      const stays: string[] = [];
      const unsubscribe = await cache.subscribe('ch', (m) => gone.push(m));
      await cache.subscribe('ch', (m) => stays.push(m));
      await cache.publish('ch', 'first');
      await waitFor(() => gone.length === 1 && stays.length === 1, 3000, 'first delivery');
      await unsubscribe();
      await unsubscribe(); // idempotent
      expect(await cache.publish('ch', 'second')).toBe(1);
      await waitFor(() => stays.length === 2, 3000, 'second delivery');
      expect(gone).toEqual(['first']);
      expect(stays).toEqual(['first', 'second']);
    });

    it('after the last subscriber leaves, nothing is delivered and nobody is counted', async () => {
      const got: string[] = [];
      const unsubscribe = await cache.subscribe('solo', (m) => got.push(m));
      await unsubscribe();
      expect(await cache.publish('solo', 'lost')).toBe(0);
      // Resubscribing works and gets only new messages.
      await cache.subscribe('solo', (m) => got.push(`again:${m}`));
      await cache.publish('solo', 'new');
      await waitFor(() => got.length > 0, 3000, 'delivery after resubscribe');
      expect(got).toEqual(['again:new']);
    });

    it('a throwing subscriber does not stop the others', async () => {
      const got: string[] = [];
      await cache.subscribe('boom', () => {
        throw new Error('subscriber bug');
      });
      await cache.subscribe('boom', (m) => got.push(m));
      await cache.publish('boom', 'x');
      await waitFor(() => got.length === 1, 3000, 'delivery');
      expect(got).toEqual(['x']);
    });
  });

  describe('stats', () => {
    it('counts hits and misses of get, hget and hgetall', async () => {
      expect(cache.stats()).toEqual({ hits: 0, misses: 0 });
      await cache.get('missing');
      await cache.hget('missing', 'f');
      await cache.hgetall('missing');
      expect(cache.stats()).toEqual({ hits: 0, misses: 3 });
      await cache.set('s', 'v');
      await cache.hset('h', { f: 'v' });
      await cache.get('s');
      await cache.hget('h', 'f');
      await cache.hget('h', 'other');
      await cache.hgetall('h');
      expect(cache.stats()).toEqual({ hits: 3, misses: 4 });
      // Writes and other reads do not count.
      await cache.ttl('s');
      await cache.scanPrefix('');
      await cache.set('s', 'w');
      expect(cache.stats()).toEqual({ hits: 3, misses: 4 });
      expect(cacheHitRate(cache.stats())).toBeCloseTo((3 / 7) * 100);
    });

    it('cacheHitRate is 0 before any read', () => {
      expect(cacheHitRate({ hits: 0, misses: 0 })).toBe(0);
      expect(cacheHitRate({ hits: 1, misses: 0 })).toBe(100);
    });
  });

  it('close is idempotent and later calls reject', async () => {
    await cache.close();
    await cache.close();
    await expect(cache.get('a')).rejects.toThrow(/closed/);
    await expect(cache.set('a', 'b')).rejects.toThrow(/closed/);
    await expect(cache.publish('c', 'm')).rejects.toThrow(/closed/);
  });
});
