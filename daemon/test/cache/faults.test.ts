import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { openCache } from '../../src/cache/index';
import type { CacheStore } from '../../src/cache/store';
import { deleteNamespace, testNamespace, testRedisUrl, waitFor } from '../helpers/caches';

/**
 * Redis outages, simulated with a small TCP proxy in front of the real Redis: kill() closes the
 * listener and destroys every connection ("Redis died"), revive() listens again on the same port,
 * stall() keeps connections open but stops forwarding ("Redis hangs").
 */
class FaultyProxy {
  port = 0;
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  private stalled = false;
  private readonly held: Array<() => void> = [];

  constructor(private readonly target: { host: string; port: number }) {}

  async start(port = this.port): Promise<void> {
    const server = net.createServer((client) => {
      const upstream = net.connect(this.target.port, this.target.host);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => {});
      }
      const forward = (from: net.Socket, to: net.Socket) =>
        from.on('data', (chunk) => {
          if (this.stalled) this.held.push(() => to.write(chunk));
          else to.write(chunk);
        });
      forward(client, upstream);
      forward(upstream, client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as net.AddressInfo).port;
  }

  async kill(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  revive(): Promise<void> {
    return this.start(this.port);
  }

  stall(): void {
    this.stalled = true;
  }

  unstall(): void {
    this.stalled = false;
    for (const flush of this.held.splice(0)) flush();
  }
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Runs `op`, asserting it settles within the bound (a correctness bound, not a benchmark). */
async function quick<T>(label: string, op: () => Promise<T>, boundMs = 1500): Promise<T> {
  const start = performance.now();
  const result = await op();
  const elapsed = performance.now() - start;
  expect(elapsed, `${label} took ${Math.round(elapsed)} ms`).toBeLessThan(boundMs);
  return result;
}

/** Every CacheStore operation against a store whose Redis is unreachable: each is a quick miss/no-op. */
async function expectDegraded(cache: CacheStore, received: string[]): Promise<void> {
  expect(await quick('get', () => cache.get('k'))).toBeNull();
  expect(await quick('set', () => cache.set('k', 'v', 10))).toBeUndefined();
  expect(await quick('set without TTL', () => cache.set('k2', 'v'))).toBeUndefined();
  expect(await quick('del', () => cache.del('k', 'k2'))).toBe(0);
  expect(await quick('expire', () => cache.expire('k', 10))).toBe(false);
  expect(await quick('ttl', () => cache.ttl('k'))).toBe(-2);
  expect(await quick('incr', () => cache.incr('n', 3))).toBe(3);
  expect(await quick('hset', () => cache.hset('h', { f: 'v' }))).toBeUndefined();
  expect(await quick('hget', () => cache.hget('h', 'f'))).toBeNull();
  expect(await quick('hgetall', () => cache.hgetall('h'))).toEqual({});
  expect(await quick('hdel', () => cache.hdel('h', 'f'))).toBe(0);
  expect(await quick('scanPrefix', () => cache.scanPrefix(''))).toEqual([]);
  // The daemon's own subscribers (SSE streams) keep getting events.
  const before = received.length;
  expect(await quick('publish', () => cache.publish('events', 'during-outage'))).toBe(1);
  await waitFor(() => received.length > before, 1000, 'local delivery while Redis is down');
  expect(received.slice(before)).toEqual(['during-outage']);
  const unsubscribe = await quick('subscribe', () => cache.subscribe('other', () => {}));
  await quick('unsubscribe', () => unsubscribe());
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('Redis down at start', () => {
  it('openCache resolves quickly in state down and every operation returns at once', async () => {
    const port = await freePort();
    const lines: string[] = [];
    const cache = await quick('openCache', () =>
      openCache({ url: `redis://127.0.0.1:${port}`, namespace: testNamespace(), log: (l, m) => lines.push(`${l} ${m}`) }),
    );
    cleanups.push(() => cache.close());
    expect(cache.kind).toBe('redis');
    expect(cache.state()).toBe('down');
    const received: string[] = [];
    await cache.subscribe('events', (m) => received.push(m));
    await expectDegraded(cache, received);
    expect(cache.stats()).toEqual({ hits: 0, misses: 3 });
    // Reconnect attempts go on in the background without flooding the log.
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^warn Redis at redis:\/\/127\.0\.0\.1:\d+ is unreachable \(.*ECONNREFUSED/);
  });

  it('a URL with credentials never reaches the log', async () => {
    const port = await freePort();
    const lines: string[] = [];
    const cache = await openCache({ url: `redis://user:s3cret@127.0.0.1:${port}`, log: (l, m) => lines.push(`${l} ${m}`) });
    cleanups.push(() => cache.close());
    expect(lines.join('\n')).not.toContain('s3cret');
    expect(lines).toHaveLength(1);
  });
});

const redisUrl = testRedisUrl();

describe.runIf(redisUrl)('Redis outages (real Redis behind a faulty proxy)', () => {
  const target = (() => {
    const u = new URL(redisUrl ?? 'redis://127.0.0.1:6379');
    return { host: u.hostname, port: Number(u.port || 6379) };
  })();

  async function setUp(options: { startProxy: boolean; port?: number }) {
    const proxy = new FaultyProxy(target);
    if (options.port) proxy.port = options.port;
    if (options.startProxy) await proxy.start();
    const namespace = testNamespace();
    const lines: string[] = [];
    const cache = await openCache({
      url: `redis://127.0.0.1:${proxy.port}`,
      namespace,
      log: (level, message) => lines.push(`${level} ${message}`),
    });
    // A second store straight to Redis, same namespace: proves things really go through Redis.
    const direct = await openCache({ url: redisUrl, namespace });
    expect(direct.state()).toBe('ok');
    cleanups.push(async () => {
      await cache.close();
      await direct.close();
      await proxy.kill();
      if (redisUrl) await deleteNamespace(redisUrl, namespace);
    });
    return { proxy, cache, direct, lines };
  }

  it('down at start, then Redis appears: reconnects, subscriptions made while down work', async () => {
    const port = await freePort();
    const { proxy, cache, direct, lines } = await setUp({ startProxy: false, port });
    expect(cache.state()).toBe('down');
    const received: string[] = [];
    await cache.subscribe('events', (m) => received.push(m));
    await expectDegraded(cache, received);

    await proxy.revive();
    await waitFor(() => cache.state() === 'ok', 6000, "state 'ok' after Redis appeared");
    await cache.set('after', 'v');
    expect(await direct.get('after')).toBe('v');
    expect(await cache.get('after')).toBe('v');

    // The subscription registered while down is now on Redis: another connection's message arrives.
    const before = received.length;
    await waitFor(
      async () => {
        await direct.publish('events', 'from-direct');
        return received.length > before;
      },
      3000,
      'a message published by another connection',
    );
    expect(received.slice(before).every((m) => m === 'from-direct')).toBe(true);
    expect(lines.map((l) => l.split(' ')[0])).toEqual(['warn', 'info']);
    expect(lines[1]).toMatch(/is back/);
  });

  it('killed mid-run: state down, quick misses, local pub/sub; back: state ok, data and pub/sub work', async () => {
    const { proxy, cache, direct, lines } = await setUp({ startProxy: true });
    expect(cache.state()).toBe('ok');
    const received: string[] = [];
    await cache.subscribe('events', (m) => received.push(m));
    await cache.set('before', 'kept');
    await cache.publish('events', 'up-1');
    await waitFor(() => received.length === 1, 2000, 'delivery while up');

    await proxy.kill();
    await waitFor(() => cache.state() === 'down', 2000, "state 'down' after Redis died");
    await expectDegraded(cache, received);
    // Stay down through several reconnect attempts.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await quick('get while down', () => cache.get('before'))).toBeNull();

    await proxy.revive();
    await waitFor(() => cache.state() === 'ok', 6000, "state 'ok' after Redis came back");
    // Redis itself never lost its data; writes after recovery are readable.
    expect(await cache.get('before')).toBe('kept');
    await cache.set('after', 'new', 60);
    expect(await cache.get('after')).toBe('new');
    expect(await direct.get('after')).toBe('new');
    expect(await cache.ttl('after')).toBeGreaterThan(50);

    // The subscription is back on Redis: a message from another connection arrives...
    const mark = received.length;
    await waitFor(
      async () => {
        await direct.publish('events', 'from-direct');
        return received.length > mark;
      },
      3000,
      'a message from another connection after recovery',
    );
    // ...and the store's own messages arrive exactly once (through Redis, not also locally).
    const mark2 = received.length;
    await cache.publish('events', 'up-2');
    await cache.publish('events', 'up-3');
    await waitFor(() => received.includes('up-3'), 2000, 'delivery after recovery');
    await direct.publish('events', 'barrier');
    await waitFor(() => received.includes('barrier'), 2000, 'the barrier message');
    expect(received.slice(mark2).filter((m) => m !== 'from-direct')).toEqual(['up-2', 'up-3', 'barrier']);

    // One line per state change, none per reconnect attempt.
    expect(lines.map((l) => l.split(' ')[0])).toEqual(['info', 'warn', 'info']);
    expect(lines[1]).toMatch(/went down/);
  });

  it('Redis hangs (connection open, no replies): operations still return within about a second', async () => {
    const { proxy, cache } = await setUp({ startProxy: true });
    const received: string[] = [];
    await cache.subscribe('events', (m) => received.push(m));
    await cache.set('k', 'v');
    proxy.stall();
    expect(await quick('get on a hung Redis', () => cache.get('k'))).toBeNull();
    expect(await quick('set on a hung Redis', () => cache.set('k', 'w'))).toBeUndefined();
    // A timed-out command drops the connection, so the store reports the outage.
    await waitFor(() => cache.state() === 'down', 2000, "state 'down' after a timeout");
    expect(await quick('publish on a hung Redis', () => cache.publish('events', 'local'))).toBe(1);
    await waitFor(() => received.includes('local'), 1000, 'local delivery');
    proxy.unstall();
    await proxy.kill();
    await proxy.revive();
    await waitFor(() => cache.state() === 'ok', 6000, "state 'ok' after the hang ended");
    expect(await cache.get('k')).not.toBeNull();
  });
});
