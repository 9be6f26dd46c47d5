import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { API_PREFIX } from '../../../shared/contracts';
import { MemoryCacheStore } from '../../src/cache/memory';
import type { CacheStore } from '../../src/cache/store';
import { ensureLocalUser } from '../../src/db/local-user';
import { createApp, type AppDeps } from '../../src/server/app';
import type { TestDatabase } from './databases';

export const TEST_TOKEN = 'test-token-0123456789abcdef0123456789abcdef';
export const TEST_PORT = 48999;
export const TEST_HOST = `127.0.0.1:${TEST_PORT}`;

export interface RequestOptions {
  body?: unknown;
  /** Sent as is (for malformed JSON); wins over body. */
  rawBody?: string;
  headers?: Record<string, string>;
  /** null sends no Authorization header. */
  token?: string | null;
}

export interface TestApp {
  database: TestDatabase;
  cache: CacheStore;
  localUserId: number;
  request(method: string, path: string, options?: RequestOptions): Promise<Response>;
  /** request() and parse the JSON body; tests assert its shape, so it is loosely typed on purpose. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json<T = any>(method: string, path: string, options?: RequestOptions): Promise<{ status: number; body: T; headers: Headers }>;
  routes(): Array<{ method: string; path: string }>;
  /** Every line the app logged, as JSON (what a log file would hold, before redaction). */
  logLines: string[];
  dispose(): Promise<void>;
}

/** Optional dependencies of the test app (the key box, a scripted model factory…). */
export type TestAppExtra = Partial<Pick<AppDeps, 'secrets' | 'models' | 'workflowSummary' | 'discussions' | 'embedder'>>;

/** The daemon's app with the test token, over `database` and `cache`, for the local user. */
async function testApp(database: TestDatabase, cache: CacheStore, extra: TestAppExtra, port: () => number, log: AppDeps['log']) {
  const localUserId = await ensureLocalUser(database.db);
  const app = createApp({ database, cache, token: TEST_TOKEN, port, version: '0.0.0-test', startedAt: Date.now(), localUserId, log, ...extra });
  return { app, localUserId };
}

/** The Hono app over a real migrated database and the in-process cache, called through app.request(). */
export async function createTestApp(database: TestDatabase, cache: CacheStore = new MemoryCacheStore(), extra: TestAppExtra = {}): Promise<TestApp> {
  const lines: string[] = [];
  const { app, localUserId } = await testApp(database, cache, extra, () => TEST_PORT, (level, message, fields) => lines.push(JSON.stringify({ level, message, ...fields })));
  const request = (method: string, path: string, options: RequestOptions = {}) => {
    const headers: Record<string, string> = { host: TEST_HOST, ...options.headers };
    if (options.token !== null) headers.authorization ??= `Bearer ${options.token ?? TEST_TOKEN}`;
    let body: string | undefined;
    if (options.rawBody !== undefined) body = options.rawBody;
    else if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    return Promise.resolve(app.request(`http://${TEST_HOST}${path}`, { method, headers, body }));
  };
  return {
    database,
    cache,
    localUserId,
    request,
    async json(method, path, options) {
      const res = await request(method, path, options);
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
    },
    logLines: lines,
    routes: () => app.routes.filter((r) => r.method !== 'ALL').map((r) => ({ method: r.method, path: r.path })),
    async dispose() {
      await cache.close();
      await database.dispose();
    },
  };
}

export interface ServedTestApp {
  /** The server's origin, `http://127.0.0.1:<port>` (a client's `baseUrl`). */
  url: string;
  /** The API's root, `url` + `/api/v1`. */
  api: string;
  /** The bearer token the app accepts (TEST_TOKEN). */
  token: string;
  localUserId: number;
  /** Ends every open connection (streams included) and stops the server; the database stays the caller's. */
  close(): Promise<void>;
}

/**
 * The test app served over real HTTP on 127.0.0.1 (a free port), for clients that talk to the
 * daemon as the plugin does: fetch, streams, a socket closed mid-reply. `extra.cache`: a cache the
 * test shares with something else (a discussion engine); else a fresh in-process one.
 */
export async function serveTestApp(database: TestDatabase, extra: TestAppExtra & { cache?: CacheStore } = {}): Promise<ServedTestApp> {
  const { cache = new MemoryCacheStore(), ...deps } = extra;
  let port = 0;
  const { app, localUserId } = await testApp(database, cache, deps, () => port, () => undefined);
  const server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as Server));
  });
  port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    api: `${url}${API_PREFIX}`,
    token: TEST_TOKEN,
    localUserId,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
