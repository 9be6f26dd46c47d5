import type { CacheKind, CacheLog, CacheState, CacheStats, CacheStore, Unsubscribe } from './store';
import { LocalSubscribers } from './local-subscribers';
import {
  CacheClosedError,
  NOT_INTEGER_MESSAGE,
  WRONGTYPE_MESSAGE,
  assertIncrement,
  expireTtlMs,
  setTtlMs,
  ttlSecondsFromMs,
} from './semantics';

type Entry =
  | { type: 'string'; value: string; expiresAt?: number }
  | { type: 'hash'; value: Map<string, string>; expiresAt?: number };

export interface MemoryCacheOptions {
  /** How often expired keys are swept without being read (ms). Default 1000. */
  sweepIntervalMs?: number;
  /** Told when a subscriber throws (the error never reaches the publisher). */
  log?: CacheLog;
}

/**
 * The in-process store used when no REDIS_URL is set. It follows Redis's semantics for every
 * method of CacheStore — TTLs (lazy expiry on access plus a periodic sweep on an unref'd timer),
 * `ttl` -1/-2, INCR on missing keys, hashes, WRONGTYPE errors, and pub/sub delivered
 * asynchronously (never inside publish()).
 */
export class MemoryCacheStore implements CacheStore {
  readonly kind: CacheKind = 'memory';

  private readonly entries = new Map<string, Entry>();
  private readonly subscribers = new LocalSubscribers((channel, error) =>
    this.log('error', `a subscriber of "${channel}" threw: ${error instanceof Error ? error.message : String(error)}`),
  );
  private readonly sweepTimer: NodeJS.Timeout;
  private readonly log: CacheLog;
  private hits = 0;
  private misses = 0;
  private closed = false;

  constructor(options: MemoryCacheOptions = {}) {
    this.log = options.log ?? (() => {});
    this.sweepTimer = setInterval(() => this.sweepExpired(), options.sweepIntervalMs ?? 1000);
    // A cache must never keep the process alive.
    this.sweepTimer.unref();
  }

  state(): CacheState {
    return 'ok';
  }

  stats(): CacheStats {
    return { hits: this.hits, misses: this.misses };
  }

  /** Entries held in memory, expired-but-not-yet-swept ones included (for tests and metrics). */
  storedEntryCount(): number {
    return this.entries.size;
  }

  /** Drops every expired entry; the timer calls it, tests may too. */
  sweepExpired(now = Date.now()): void {
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt !== undefined && entry.expiresAt <= now) this.entries.delete(key);
    }
  }

  async get(key: string): Promise<string | null> {
    this.assertOpen();
    const entry = this.live(key);
    if (entry && entry.type !== 'string') throw new Error(WRONGTYPE_MESSAGE);
    return this.count(entry ? entry.value : null);
  }

  async set(key: string, value: string, ttlSeconds?: number): Promise<void> {
    this.assertOpen();
    const expiresAt = ttlSeconds === undefined ? undefined : Date.now() + setTtlMs(ttlSeconds);
    // SET replaces a value of any type and any previous TTL.
    this.entries.set(key, expiresAt === undefined ? { type: 'string', value } : { type: 'string', value, expiresAt });
  }

  async del(...keys: string[]): Promise<number> {
    this.assertOpen();
    let removed = 0;
    for (const key of new Set(keys)) {
      if (this.live(key)) {
        this.entries.delete(key);
        removed++;
      }
    }
    return removed;
  }

  async expire(key: string, ttlSeconds: number): Promise<boolean> {
    this.assertOpen();
    const ms = expireTtlMs(ttlSeconds);
    const entry = this.live(key);
    if (!entry) return false;
    if (ms === 0) this.entries.delete(key);
    else entry.expiresAt = Date.now() + ms;
    return true;
  }

  async ttl(key: string): Promise<number> {
    this.assertOpen();
    const entry = this.live(key);
    if (!entry) return -2;
    if (entry.expiresAt === undefined) return -1;
    return ttlSecondsFromMs(entry.expiresAt - Date.now());
  }

  async incr(key: string, by = 1): Promise<number> {
    this.assertOpen();
    assertIncrement(by);
    const entry = this.live(key);
    if (!entry) {
      this.entries.set(key, { type: 'string', value: String(by) });
      return by;
    }
    if (entry.type !== 'string') throw new Error(WRONGTYPE_MESSAGE);
    if (!/^(0|-?[1-9]\d*)$/.test(entry.value)) throw new Error(NOT_INTEGER_MESSAGE);
    const next = Number(entry.value) + by;
    if (!Number.isSafeInteger(next)) throw new Error('ERR increment or decrement would overflow');
    // INCR keeps the key's TTL.
    entry.value = String(next);
    return next;
  }

  async hset(key: string, fields: Record<string, string>): Promise<void> {
    this.assertOpen();
    const names = Object.keys(fields);
    if (names.length === 0) return;
    const entry = this.live(key);
    if (entry && entry.type !== 'hash') throw new Error(WRONGTYPE_MESSAGE);
    const map = entry ? entry.value : new Map<string, string>();
    for (const name of names) map.set(name, String(fields[name]));
    if (!entry) this.entries.set(key, { type: 'hash', value: map });
  }

  async hget(key: string, field: string): Promise<string | null> {
    this.assertOpen();
    const entry = this.live(key);
    if (entry && entry.type !== 'hash') throw new Error(WRONGTYPE_MESSAGE);
    return this.count(entry?.value.get(field) ?? null);
  }

  async hgetall(key: string): Promise<Record<string, string>> {
    this.assertOpen();
    const entry = this.live(key);
    if (entry && entry.type !== 'hash') throw new Error(WRONGTYPE_MESSAGE);
    const out: Record<string, string> = {};
    if (entry) for (const [name, value] of entry.value) out[name] = value;
    if (entry) this.hits++;
    else this.misses++;
    return out;
  }

  async hdel(key: string, ...fields: string[]): Promise<number> {
    this.assertOpen();
    const entry = this.live(key);
    if (!entry) return 0;
    if (entry.type !== 'hash') throw new Error(WRONGTYPE_MESSAGE);
    let removed = 0;
    for (const field of new Set(fields)) if (entry.value.delete(field)) removed++;
    // Redis deletes a hash whose last field is gone.
    if (entry.value.size === 0) this.entries.delete(key);
    return removed;
  }

  async scanPrefix(prefix: string): Promise<string[]> {
    this.assertOpen();
    const now = Date.now();
    const found: string[] = [];
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt !== undefined && entry.expiresAt <= now) continue;
      if (key.startsWith(prefix)) found.push(key);
    }
    return found.sort();
  }

  async publish(channel: string, message: string): Promise<number> {
    this.assertOpen();
    return this.subscribers.deliverLater(channel, message);
  }

  async subscribe(channel: string, onMessage: (message: string) => void): Promise<Unsubscribe> {
    this.assertOpen();
    const remove = this.subscribers.add(channel, onMessage);
    return async () => {
      remove();
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.sweepTimer);
    this.entries.clear();
    this.subscribers.clear();
  }

  /** The entry if present and not expired; an expired one is deleted on the way (lazy expiry). */
  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private count<T>(value: T | null): T | null {
    if (value === null) this.misses++;
    else this.hits++;
    return value;
  }

  private assertOpen(): void {
    if (this.closed) throw new CacheClosedError();
  }
}
