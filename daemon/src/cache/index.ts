import { MemoryCacheStore } from './memory';
import { RedisCacheStore } from './redis';
import type { CacheLog, CacheStore } from './store';

export type { CacheKind, CacheLog, CacheLogLevel, CacheState, CacheStats, CacheStore, Unsubscribe } from './store';
export { cacheHitRate } from './store';
export { CacheClosedError } from './semantics';
export { MemoryCacheStore } from './memory';
export { RedisCacheStore } from './redis';

export interface OpenCacheOptions {
  /** REDIS_URL (redis:// or rediss://). Omitted or empty: the in-process store. */
  url?: string;
  /** Prefix for every key and channel in Redis (tests); product code uses none. */
  namespace?: string;
  log?: CacheLog;
}

/** Thrown by openCache for a URL that is not redis:// or rediss://. */
export class CacheConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CacheConfigError';
  }
}

export function validateRedisUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CacheConfigError(`Invalid Redis URL "${url}": expected redis://host:port or rediss://host:port`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new CacheConfigError(
      `Invalid Redis URL: scheme "${parsed.protocol.replace(/:$/, '')}" is not supported; expected redis:// or rediss://`,
    );
  }
  if (!parsed.hostname) throw new CacheConfigError('Invalid Redis URL: no host; expected redis://host:port');
  return parsed;
}

/**
 * Opens the cache: Redis when `url` is set, the in-process store otherwise. Resolves within about
 * a second even when Redis is unreachable — the store is then in state 'down' and reconnects by
 * itself. Rejects only for an invalid URL.
 */
export async function openCache(options: OpenCacheOptions = {}): Promise<CacheStore> {
  const url = options.url?.trim();
  if (!url) return new MemoryCacheStore(options.log ? { log: options.log } : {});
  validateRedisUrl(url);
  return RedisCacheStore.open({ url, namespace: options.namespace, log: options.log });
}
