import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryCacheStore } from '../../src/cache/memory';

describe('MemoryCacheStore specifics', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sweeps expired keys periodically, without anyone reading them', async () => {
    vi.useFakeTimers();
    const cache = new MemoryCacheStore({ sweepIntervalMs: 1000 });
    await cache.set('short', 'v', 1);
    await cache.set('long', 'v', 100);
    await cache.set('forever', 'v');
    expect(cache.storedEntryCount()).toBe(3);
    await vi.advanceTimersByTimeAsync(2100);
    // Nothing read 'short', yet it is gone from memory.
    expect(cache.storedEntryCount()).toBe(2);
    expect(await cache.get('long')).toBe('v');
    await cache.close();
  });

  it('expires lazily on access between sweeps', async () => {
    vi.useFakeTimers();
    const cache = new MemoryCacheStore({ sweepIntervalMs: 60_000 });
    await cache.set('k', 'v', 1);
    vi.setSystemTime(Date.now() + 1001);
    expect(cache.storedEntryCount()).toBe(1);
    expect(await cache.get('k')).toBeNull();
    expect(cache.storedEntryCount()).toBe(0);
    await cache.close();
  });

  it('rounds ttl to the nearest second, like Redis', async () => {
    vi.useFakeTimers();
    const cache = new MemoryCacheStore();
    await cache.set('k', 'v', 10);
    vi.setSystemTime(Date.now() + 9_400);
    expect(await cache.ttl('k')).toBe(1);
    vi.setSystemTime(Date.now() + 200);
    expect(await cache.ttl('k')).toBe(0);
    await cache.close();
  });

  it('does not deliver to a subscriber that left before delivery', async () => {
    const cache = new MemoryCacheStore();
    const got: string[] = [];
    const unsubscribe = await cache.subscribe('c', (m) => got.push(m));
    expect(await cache.publish('c', 'm')).toBe(1);
    await unsubscribe();
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(got).toEqual([]);
    await cache.close();
  });

  it('reports a throwing subscriber through the injected log', async () => {
    const lines: string[] = [];
    const cache = new MemoryCacheStore({ log: (level, message) => lines.push(`${level}: ${message}`) });
    await cache.subscribe('c', () => {
      throw new Error('bug in handler');
    });
    await cache.publish('c', 'm');
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).toEqual(['error: a subscriber of "c" threw: bug in handler']);
    await cache.close();
  });

  it('its sweep timer does not keep the process alive', () => {
    const cache = new MemoryCacheStore();
    const timer = (cache as unknown as { sweepTimer: NodeJS.Timeout }).sweepTimer;
    expect(timer.hasRef()).toBe(false);
    void cache.close();
  });
});
