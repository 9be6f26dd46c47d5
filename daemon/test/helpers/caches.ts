import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { openCache } from '../../src/cache/index';
import { escapeGlob } from '../../src/cache/semantics';
import type { CacheKind, CacheStore } from '../../src/cache/store';
import { eventually } from './poll';

export type DisposableCache = CacheStore & {
  /** Closes the store and deletes every key of its namespace. */
  dispose(): Promise<void>;
  /** The namespace the store writes under ('' for the in-process store). */
  readonly namespace: string;
};

export interface CacheTarget {
  kind: CacheKind;
  open(): Promise<DisposableCache>;
}

/**
 * HISHO_TEST_REDIS_URL, validated. When it is set, Redis must be reachable: the Redis target's
 * open() throws otherwise — the suite fails loudly rather than skipping.
 */
export function testRedisUrl(): string | undefined {
  const url = process.env.HISHO_TEST_REDIS_URL?.trim();
  if (!url) return undefined;
  if (!/^rediss?:\/\//.test(url)) {
    throw new Error(`HISHO_TEST_REDIS_URL must be a redis:// or rediss:// URL, got "${url}"`);
  }
  return url;
}

/** A fresh namespace per store, so parallel runs sharing one Redis never see each other's keys. */
export function testNamespace(): string {
  return `hisho-test:${process.pid}:${randomUUID()}:`;
}

/** Deletes every key under `namespace` with a separate connection (works after the store closed). */
export async function deleteNamespace(url: string, namespace: string): Promise<void> {
  if (!namespace) throw new Error('refusing to delete an empty namespace');
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2000 });
  redis.on('error', () => {});
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${escapeGlob(namespace)}*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** `eventually` with the cache tests' order of arguments and their shorter wait and poll. */
export const waitFor = (check: () => boolean | Promise<boolean>, timeoutMs = 5000, what = 'condition'): Promise<void> => eventually(check, what, timeoutMs, 20);

function withDispose(store: CacheStore, namespace: string, cleanup: () => Promise<void>): DisposableCache {
  return Object.assign(store, {
    namespace,
    async dispose() {
      await store.close();
      await cleanup();
    },
  });
}

/**
 * Where the shared cache suite runs: always the in-process store, and real Redis when
 * HISHO_TEST_REDIS_URL is set.
 */
export function testCacheTargets(): CacheTarget[] {
  const targets: CacheTarget[] = [
    {
      kind: 'memory',
      async open() {
        const store = await openCache({});
        return withDispose(store, '', async () => {});
      },
    },
  ];
  const url = testRedisUrl();
  if (url) {
    targets.push({
      kind: 'redis',
      async open() {
        const namespace = testNamespace();
        const store = await openCache({ url, namespace });
        if (store.state() !== 'ok') {
          await store.close();
          throw new Error(`HISHO_TEST_REDIS_URL=${url} is set but Redis is not reachable there`);
        }
        return withDispose(store, namespace, () => deleteNamespace(url, namespace));
      },
    });
  }
  return targets;
}
