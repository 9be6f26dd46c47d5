import { Redis, type RedisOptions } from 'ioredis';
import type { CacheKind, CacheLog, CacheState, CacheStats, CacheStore, Unsubscribe } from './store';
import { CacheClosedError, assertIncrement, escapeGlob, expireTtlMs, setTtlMs } from './semantics';
import { LocalSubscribers } from './local-subscribers';

export interface RedisCacheOptions {
  /** redis:// or rediss:// */
  url: string;
  /**
   * Prefix added to every key and channel (tests share one Redis and run in parallel). Product
   * code uses none. Keys returned by scanPrefix never include it.
   */
  namespace?: string;
  log?: CacheLog;
}

/** Upper bound for any single Redis command and for connecting (ms). */
export const REDIS_OP_TIMEOUT_MS = 1000;
/** Reconnect backoff: 50 ms doubling, capped here (ms); reconnects forever. */
export const REDIS_MAX_RECONNECT_DELAY_MS = 2000;
/** COUNT hint of each SCAN call. */
export const SCAN_COUNT = 500;

/** Errors Redis itself replied with (WRONGTYPE, not an integer…): bugs in the caller, not outages. */
function isReplyError(error: unknown): boolean {
  return error instanceof Error && error.name === 'ReplyError';
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}

/** Where the URL points, without credentials, for log lines. */
function safeTarget(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return 'redis';
  }
}

/**
 * CacheStore over Redis (ioredis), built to degrade instead of failing:
 * - No command waits: the offline queue is off, every command times out after about 1 s, and a
 *   connection that is not ready answers at once. While Redis is down reads are misses
 *   (null / {} / [] / -2), writes are dropped (del/hdel → 0, expire → false, incr → `by`, as on
 *   an empty store), and publish() delivers to this process's own subscribers.
 * - Both connections reconnect forever with a capped backoff; state() is 'ok' again once both are
 *   ready. State changes are logged once each, never per retry.
 * - Pub/sub uses a second connection. The store re-subscribes its channels itself whenever that
 *   connection becomes ready (also after being down at start). While a channel is subscribed on
 *   Redis, local subscribers get each message once, through Redis; otherwise publish() delivers
 *   locally and still publishes to Redis for other processes if it can.
 * - Errors Redis replies with (WRONGTYPE, not an integer) are rethrown, as with the memory store.
 */
export class RedisCacheStore implements CacheStore {
  readonly kind: CacheKind = 'redis';

  private readonly client: Redis;
  private readonly sub: Redis;
  private readonly ns: string;
  private readonly log: CacheLog;
  private readonly target: string;

  private readonly subscribers = new LocalSubscribers((channel, error) =>
    this.log('error', `a subscriber of "${channel}" threw: ${describe(error)}`),
  );
  /** Channels subscribed on the current pub/sub connection (confirmed by Redis). */
  private readonly confirmed = new Set<string>();
  /** SUBSCRIBE commands in flight, by channel. */
  private readonly pending = new Map<string, Promise<void>>();

  private lastState: CacheState = 'down';
  private announced = false;
  private lastError = '';
  private hits = 0;
  private misses = 0;
  private closed = false;

  private constructor(options: RedisCacheOptions) {
    this.ns = options.namespace ?? '';
    this.log = options.log ?? (() => {});
    this.target = safeTarget(options.url);

    const connection: RedisOptions = {
      enableOfflineQueue: false,
      // Commands in flight when the connection drops fail at once instead of waiting for retries.
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      connectTimeout: REDIS_OP_TIMEOUT_MS,
      commandTimeout: REDIS_OP_TIMEOUT_MS,
      // The store restores its own subscriptions (also those made while Redis was down).
      autoResubscribe: false,
      retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times - 1, 16), REDIS_MAX_RECONNECT_DELAY_MS),
      lazyConnect: true,
    };
    this.client = new Redis(options.url, { ...connection, connectionName: 'hisho' });
    this.sub = this.client.duplicate({ connectionName: 'hisho-sub' });

    for (const connection of [this.client, this.sub]) {
      // Always listen for 'error': ioredis emits one per failed (re)connect attempt.
      connection.on('error', (error: unknown) => {
        this.lastError = describe(error);
        this.refreshState();
      });
      connection.on('close', () => this.refreshState());
      connection.on('end', () => this.refreshState());
      connection.on('ready', () => this.refreshState());
    }
    this.sub.on('close', () => this.confirmed.clear());
    this.sub.on('ready', () => this.resubscribe());
    this.sub.on('message', (channel: string, message: string) => this.onRedisMessage(channel, message));
  }

  /**
   * Connects both connections, waiting at most `waitMs` (about 1 s). Never rejects for an
   * unreachable Redis: the store then starts 'down' and keeps reconnecting in the background.
   */
  static async open(options: RedisCacheOptions, waitMs = REDIS_OP_TIMEOUT_MS): Promise<RedisCacheStore> {
    const store = new RedisCacheStore(options);
    await store.connect(waitMs);
    return store;
  }

  private async connect(waitMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const settle = (connection: Redis) =>
      new Promise<void>((resolve) => {
        const done = () => {
          connection.off('ready', done);
          connection.off('error', done);
          connection.off('close', done);
          resolve();
        };
        // The first outcome of the first attempt: ready, or a failure (the retries go on).
        connection.once('ready', done);
        connection.once('error', done);
        connection.once('close', done);
        connection.connect().catch(() => {});
      });
    await Promise.race([
      Promise.all([settle(this.client), settle(this.sub)]),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, waitMs);
        timer.unref();
      }),
    ]);
    clearTimeout(timer);
    this.announced = true;
    this.lastState = this.computeState();
    if (this.lastState === 'down') {
      this.log('warn', `Redis at ${this.target} is unreachable (${this.lastError || 'not ready'}); caching is degraded and reconnection continues in the background`);
    } else {
      this.log('info', `Redis at ${this.target} connected`);
    }
  }

  state(): CacheState {
    return this.closed ? 'down' : this.computeState();
  }

  stats(): CacheStats {
    return { hits: this.hits, misses: this.misses };
  }

  async get(key: string): Promise<string | null> {
    return this.countRead(await this.run(null, (c) => c.get(this.ns + key)), (v) => v !== null);
  }

  async set(key: string, value: string, ttlSeconds?: number): Promise<void> {
    const ms = ttlSeconds === undefined ? undefined : setTtlMs(ttlSeconds);
    await this.run(undefined, async (c) => {
      if (ms === undefined) await c.set(this.ns + key, value);
      else await c.set(this.ns + key, value, 'PX', ms);
    });
  }

  async del(...keys: string[]): Promise<number> {
    if (keys.length === 0) {
      this.assertOpen();
      return 0;
    }
    return this.run(0, (c) => c.del(...keys.map((k) => this.ns + k)));
  }

  async expire(key: string, ttlSeconds: number): Promise<boolean> {
    const ms = expireTtlMs(ttlSeconds);
    return this.run(false, async (c) => (await c.pexpire(this.ns + key, ms)) === 1);
  }

  async ttl(key: string): Promise<number> {
    return this.run(-2, (c) => c.ttl(this.ns + key));
  }

  async incr(key: string, by = 1): Promise<number> {
    assertIncrement(by);
    // Down: behaves as on an empty store whose write is dropped.
    return this.run(by, (c) => c.incrby(this.ns + key, by));
  }

  async hset(key: string, fields: Record<string, string>): Promise<void> {
    if (Object.keys(fields).length === 0) {
      this.assertOpen();
      return;
    }
    await this.run(undefined, async (c) => {
      await c.hset(this.ns + key, fields);
    });
  }

  async hget(key: string, field: string): Promise<string | null> {
    return this.countRead(await this.run(null, (c) => c.hget(this.ns + key, field)), (v) => v !== null);
  }

  async hgetall(key: string): Promise<Record<string, string>> {
    const all = await this.run<Record<string, string>>({}, (c) => c.hgetall(this.ns + key));
    return this.countRead({ ...all }, (v) => Object.keys(v).length > 0);
  }

  async hdel(key: string, ...fields: string[]): Promise<number> {
    if (fields.length === 0) {
      this.assertOpen();
      return 0;
    }
    return this.run(0, (c) => c.hdel(this.ns + key, ...fields));
  }

  async scanPrefix(prefix: string): Promise<string[]> {
    const match = `${escapeGlob(this.ns + prefix)}*`;
    return this.run<string[]>([], async (c) => {
      const found = new Set<string>();
      let cursor = '0';
      do {
        const [next, keys] = await c.scan(cursor, 'MATCH', match, 'COUNT', SCAN_COUNT);
        // SCAN may return a key more than once; the Set removes repeats.
        for (const key of keys) found.add(key.slice(this.ns.length));
        cursor = next;
      } while (cursor !== '0');
      return [...found].sort();
    });
  }

  async publish(channel: string, message: string): Promise<number> {
    this.assertOpen();
    // A SUBSCRIBE in flight: wait for it (bounded by the command timeout) so the message then
    // arrives through Redis exactly once.
    const inFlight = this.pending.get(channel);
    if (inFlight) await inFlight;
    const local = this.subscribers.count(channel);
    const throughRedis = this.confirmed.has(channel);

    if (this.client.status === 'ready') {
      try {
        const reached = await this.client.publish(this.ns + channel, message);
        if (throughRedis) {
          // Redis counts this process's pub/sub connection once; report local subscribers instead.
          return Math.max(0, reached - 1) + local;
        }
        this.subscribers.deliverLater(channel, message);
        return reached + local;
      } catch (error) {
        if (isReplyError(error)) throw error;
        this.noteFailure(error);
      }
    }
    // Redis unreachable: this process's own subscribers still get the message.
    this.subscribers.deliverLater(channel, message);
    return local;
  }

  async subscribe(channel: string, onMessage: (message: string) => void): Promise<Unsubscribe> {
    this.assertOpen();
    const remove = this.subscribers.add(channel, onMessage);
    if (!this.confirmed.has(channel)) {
      const inFlight = this.pending.get(channel);
      if (inFlight) await inFlight;
      else if (this.sub.status === 'ready') await this.subscribeOnRedis([channel]);
      // Otherwise Redis is down: registered locally; resubscribe() runs when it is back.
    }
    return async () => {
      if (!remove()) return;
      const wasConfirmed = this.confirmed.delete(channel);
      if (wasConfirmed && this.sub.status === 'ready' && !this.closed) {
        await this.sub.unsubscribe(this.ns + channel).catch((error: unknown) => this.noteFailure(error));
      }
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.subscribers.clear();
    this.confirmed.clear();
    await Promise.all([this.client, this.sub].map((c) => this.shutdown(c)));
  }

  private async shutdown(connection: Redis): Promise<void> {
    if (connection.status === 'ready') {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        connection.quit().catch(() => {}),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, REDIS_OP_TIMEOUT_MS);
        }),
      ]);
      clearTimeout(timer);
    }
    // Stops any reconnect timer too.
    connection.disconnect(false);
  }

  private computeState(): CacheState {
    return this.client.status === 'ready' && this.sub.status === 'ready' ? 'ok' : 'down';
  }

  private refreshState(): void {
    if (!this.announced || this.closed) return;
    const now = this.computeState();
    if (now === this.lastState) return;
    this.lastState = now;
    if (now === 'down') {
      this.log('warn', `Redis at ${this.target} went down (${this.lastError || 'connection closed'}); caching is degraded until it returns`);
    } else {
      this.log('info', `Redis at ${this.target} is back; caching restored`);
    }
  }

  private async run<T>(fallback: T, op: (client: Redis) => Promise<T>): Promise<T> {
    this.assertOpen();
    if (this.client.status !== 'ready') return fallback;
    try {
      return await op(this.client);
    } catch (error) {
      if (isReplyError(error)) throw error;
      this.noteFailure(error);
      return fallback;
    }
  }

  private noteFailure(error: unknown): void {
    this.lastError = describe(error);
    // A command that timed out on a "ready" connection means Redis hangs (or the network does):
    // drop the connection so state() says 'down' and the reconnect loop takes over.
    if (/timed out/i.test(this.lastError) && this.client.status === 'ready' && !this.closed) {
      this.client.disconnect(true);
    }
  }

  private countRead<T>(value: T, isHit: (value: T) => boolean): T {
    if (isHit(value)) this.hits++;
    else this.misses++;
    return value;
  }

  private subscribeOnRedis(channels: string[]): Promise<void> {
    const request = this.sub
      .subscribe(...channels.map((c) => this.ns + c))
      .then(
        () => {
          for (const channel of channels) {
            if (this.subscribers.has(channel)) this.confirmed.add(channel);
            // Everyone left while SUBSCRIBE was in flight.
            else this.sub.unsubscribe(this.ns + channel).catch(() => {});
          }
        },
        (error: unknown) => this.noteFailure(error),
      )
      .finally(() => {
        for (const channel of channels) if (this.pending.get(channel) === request) this.pending.delete(channel);
      });
    for (const channel of channels) this.pending.set(channel, request);
    return request;
  }

  /** The pub/sub connection is (again) ready: subscribe every channel that has local subscribers. */
  private resubscribe(): void {
    if (this.closed) return;
    const channels = this.subscribers.names().filter((c) => !this.confirmed.has(c) && !this.pending.has(c));
    if (channels.length > 0) void this.subscribeOnRedis(channels);
  }

  private onRedisMessage(namespaced: string, message: string): void {
    if (!namespaced.startsWith(this.ns)) return;
    this.subscribers.deliver(namespaced.slice(this.ns.length), message);
  }

  private assertOpen(): void {
    if (this.closed) throw new CacheClosedError();
  }
}
