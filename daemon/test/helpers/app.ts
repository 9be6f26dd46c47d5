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

/** The Hono app over a real migrated database and the in-process cache, called through app.request(). */
/** `extra`: optional dependencies (the key box, a scripted model factory…). */
export async function createTestApp(
  database: TestDatabase,
  cache: CacheStore = new MemoryCacheStore(),
  extra: Partial<Pick<AppDeps, 'secrets' | 'models' | 'workflowSummary' | 'discussions' | 'embedder'>> = {},
): Promise<TestApp> {
  const localUserId = await ensureLocalUser(database.db);
  const lines: string[] = [];
  const app = createApp({
    database,
    cache,
    token: TEST_TOKEN,
    port: () => TEST_PORT,
    version: '0.0.0-test',
    startedAt: Date.now(),
    localUserId,
    log: (level, message, fields) => lines.push(JSON.stringify({ level, message, ...fields })),
    ...extra,
  });
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
