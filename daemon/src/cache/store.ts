/**
 * The cache and live-state store: Redis through ioredis when REDIS_URL is set, an in-process
 * store otherwise. PostgreSQL is the system of record; everything here can be rebuilt, so a dead
 * Redis degrades the store (misses, dropped writes, local-only pub/sub) instead of failing requests.
 */
export type CacheKind = 'redis' | 'memory';
export type CacheState = 'ok' | 'down';

export type Unsubscribe = () => Promise<void>;

/** Reads answered from the cache vs. not (get/hget/hgetall), counted since the store opened. */
export interface CacheStats {
  hits: number;
  misses: number;
}

/** Optional logger injected into a store; a Redis store logs state changes once, never per retry. */
export type CacheLogLevel = 'debug' | 'info' | 'warn' | 'error';
export type CacheLog = (level: CacheLogLevel, message: string) => void;

/** Hit rate in percent (0–100) as in the design's §13.5.3; 0 when nothing was read yet. */
export function cacheHitRate(stats: CacheStats): number {
  const total = stats.hits + stats.misses;
  return total === 0 ? 0 : (stats.hits / total) * 100;
}

export interface CacheStore {
  readonly kind: CacheKind;
  /** 'down' while Redis is unreachable; the in-process store is always 'ok'. */
  state(): CacheState;

  get(key: string): Promise<string | null>;
  /** ttlSeconds omitted: no expiry. */
  set(key: string, value: string, ttlSeconds?: number): Promise<void>;
  /** Returns how many keys existed. */
  del(...keys: string[]): Promise<number>;
  /** Returns false when the key does not exist. */
  expire(key: string, ttlSeconds: number): Promise<boolean>;
  /** Seconds left; -1 without expiry; -2 when missing (Redis semantics). */
  ttl(key: string): Promise<number>;
  incr(key: string, by?: number): Promise<number>;

  hset(key: string, fields: Record<string, string>): Promise<void>;
  hget(key: string, field: string): Promise<string | null>;
  /** {} when missing. */
  hgetall(key: string): Promise<Record<string, string>>;
  hdel(key: string, ...fields: string[]): Promise<number>;

  /** Every key starting with prefix, found with SCAN (never KEYS). */
  scanPrefix(prefix: string): Promise<string[]>;

  /** Returns the number of receivers reached. */
  publish(channel: string, message: string): Promise<number>;
  subscribe(channel: string, onMessage: (message: string) => void): Promise<Unsubscribe>;

  /**
   * Hits and misses of get/hget/hgetall (null / {} is a miss, also while Redis is down). For the
   * metrics endpoint's hit rate (`cacheHitRate`).
   */
  stats(): CacheStats;

  /** Idempotent. Any other call after close() rejects. */
  close(): Promise<void>;
}
