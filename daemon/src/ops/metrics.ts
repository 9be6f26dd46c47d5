/**
 * Metrics in the Prometheus text exposition format (version 0.0.4), without a client library:
 * HTTP requests by route pattern and status with latency histograms (a Hono middleware), the cache's
 * hits/misses and hit rate (design §13.5.3), the database (kind, up, table sizes and row estimates
 * as in §10.1), the vault index when its tables exist (notes per vault, index lag), maintenance and
 * backup times, and the process (memory, uptime).
 */
import type { MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { sql } from 'drizzle-orm';
import type { CacheStore } from '../cache/store';
import { cacheHitRate } from '../cache/store';
import type { Database } from '../db/drivers';
import { ident, rowsOf, type Executor } from './catalog';

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Seconds: from 5 ms (a cached read) to 10 s (a slow search). */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

type Labels = Record<string, string>;

export function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function labelText(labels: Labels): string {
  const keys = Object.keys(labels);
  if (keys.length === 0) return '';
  return `{${keys.map((k) => `${k}="${escapeLabelValue(labels[k] as string)}"`).join(',')}}`;
}

function num(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

/** Writes families: HELP and TYPE once per metric name, then its samples. */
export class Exposition {
  private readonly parts: string[] = [];
  family(name: string, type: 'counter' | 'gauge' | 'histogram', help: string, samples: Array<{ labels?: Labels; value: number; suffix?: string }>): void {
    this.parts.push(`# HELP ${name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`);
    this.parts.push(`# TYPE ${name} ${type}`);
    for (const s of samples) this.parts.push(`${name}${s.suffix ?? ''}${labelText(s.labels ?? {})} ${num(s.value)}`);
  }
  text(): string {
    return `${this.parts.join('\n')}\n`;
  }
}

interface Series {
  labels: Labels;
  buckets: number[];
  count: number;
  sum: number;
}

/** Request counters and latency histograms, keyed by method, route pattern and status. */
export class HttpMetrics {
  private readonly requests = new Map<string, { labels: Labels; value: number }>();
  private readonly latency = new Map<string, Series>();

  observe(method: string, route: string, status: number, seconds: number): void {
    const labels = { method, route, status: String(status) };
    const key = `${method} ${route} ${status}`;
    const counter = this.requests.get(key) ?? { labels, value: 0 };
    counter.value++;
    this.requests.set(key, counter);
    const hkey = `${method} ${route}`;
    let s = this.latency.get(hkey);
    if (!s) {
      s = { labels: { method, route }, buckets: LATENCY_BUCKETS.map(() => 0), count: 0, sum: 0 };
      this.latency.set(hkey, s);
    }
    for (const [i, le] of LATENCY_BUCKETS.entries()) if (seconds <= le) s.buckets[i] = (s.buckets[i] ?? 0) + 1;
    s.count++;
    s.sum += seconds;
  }

  /** Measures every request. The label is the matched route pattern (`/api/v1/roles/:id`), never the raw path. */
  middleware(): MiddlewareHandler {
    return async (c, next) => {
      const start = performance.now();
      let status = 500;
      try {
        await next();
        status = c.res.status;
      } finally {
        const route =
          matchedRoutes(c)
            .filter((r) => r.method !== 'ALL')
            .map((r) => r.path)
            .pop() ?? 'unmatched';
        this.observe(c.req.method, route, status, (performance.now() - start) / 1000);
      }
    };
  }

  write(out: Exposition): void {
    out.family(
      'hisho_http_requests_total',
      'counter',
      'HTTP requests by method, route pattern and status',
      [...this.requests.values()].map((r) => ({ labels: r.labels, value: r.value })),
    );
    const samples: Array<{ labels: Labels; value: number; suffix: string }> = [];
    for (const s of this.latency.values()) {
      for (const [i, le] of LATENCY_BUCKETS.entries()) samples.push({ suffix: '_bucket', labels: { ...s.labels, le: String(le) }, value: s.buckets[i] ?? 0 });
      samples.push({ suffix: '_bucket', labels: { ...s.labels, le: '+Inf' }, value: s.count });
      samples.push({ suffix: '_sum', labels: s.labels, value: s.sum });
      samples.push({ suffix: '_count', labels: s.labels, value: s.count });
    }
    out.family('hisho_http_request_duration_seconds', 'histogram', 'HTTP request latency by method and route pattern', samples);
  }
}

/** Times of the last maintenance runs and backups (set by maintenance.ts and the backup scheduler). */
export class OpsMetrics {
  readonly lastRun = new Map<string, { at: number; ok: boolean; seconds: number }>();
  record(task: string, ok: boolean, seconds: number): void {
    this.lastRun.set(task, { at: Date.now() / 1000, ok, seconds });
  }
  write(out: Exposition): void {
    const runs = [...this.lastRun.entries()];
    out.family('hisho_task_last_run_timestamp_seconds', 'gauge', 'When a periodic task (maintenance, backup) last ran', runs.map(([task, r]) => ({ labels: { task }, value: r.at })));
    out.family('hisho_task_last_run_success', 'gauge', '1 if the last run of the task succeeded', runs.map(([task, r]) => ({ labels: { task }, value: r.ok ? 1 : 0 })));
    out.family('hisho_task_last_run_duration_seconds', 'gauge', 'How long the last run of the task took', runs.map(([task, r]) => ({ labels: { task }, value: r.seconds })));
  }
}

async function tableExists(db: Executor, table: string): Promise<boolean> {
  const [r] = await rowsOf<{ t: string | null }>(db, sql`SELECT to_regclass(${`public.${table}`})::text AS t`);
  return Boolean(r?.t);
}

async function columnsOf(db: Executor, table: string): Promise<Set<string>> {
  const rows = await rowsOf<{ c: string }>(db, sql`SELECT column_name AS c FROM information_schema.columns WHERE table_schema = 'public' AND table_name = ${table}`);
  return new Set(rows.map((r) => r.c));
}

/** Table sizes (§10.1) and row estimates; the vault index when its tables exist. */
async function writeDatabase(out: Exposition, database: Database): Promise<void> {
  const tables = await rowsOf<{ name: string; bytes: string | number; rows: string | number; live: string | number | null }>(
    database.db,
    sql`SELECT c.relname AS name, pg_total_relation_size(c.oid) AS bytes, c.reltuples AS rows, s.n_live_tup AS live
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'm')
        ORDER BY c.relname`,
  );
  out.family('hisho_db_table_total_bytes', 'gauge', 'Size of each table with its indexes and TOAST (pg_total_relation_size)', tables.map((t) => ({ labels: { table: t.name }, value: Number(t.bytes) })));
  out.family(
    'hisho_db_table_rows_estimate',
    'gauge',
    'Estimated rows per table (pg_class.reltuples after ANALYZE, else live tuples)',
    tables.map((t) => {
      const est = Number(t.rows);
      return { labels: { table: t.name }, value: est >= 0 ? est : Number(t.live ?? 0) };
    }),
  );
  const [size] = await rowsOf<{ bytes: string | number }>(database.db, sql`SELECT pg_database_size(current_database()) AS bytes`);
  out.family('hisho_db_size_bytes', 'gauge', 'Size of the whole database', [{ value: Number(size?.bytes ?? 0) }]);
  // The connection pool as the server sees it (the daemon's pool holds up to 10; PGlite has one backend).
  const conns = await rowsOf<{ state: string; n: string | number }>(
    database.db,
    sql`SELECT COALESCE(state, 'unknown') AS state, count(*) AS n FROM pg_stat_activity WHERE datname = current_database() GROUP BY 1 ORDER BY 1`,
  ).catch(() => []);
  out.family('hisho_db_connections', 'gauge', 'Connections to the database by state (pg_stat_activity)', conns.map((c) => ({ labels: { state: c.state }, value: Number(c.n) })));

  // The vault index (issue 3) when it exists: notes per vault and how far behind the index is.
  if (await tableExists(database.db, 'notes')) {
    const cols = await columnsOf(database.db, 'notes');
    const vault = cols.has('vault_id') ? 'vault_id' : undefined;
    const perVault = await rowsOf<{ vault: string | null; n: string | number; newest: string | null }>(
      database.db,
      sql.raw(
        `SELECT ${vault ? `${ident(vault)}::text` : `'all'`} AS vault, count(*) AS n,
                ${cols.has('indexed_at') ? `extract(epoch FROM max(indexed_at))::float8::text` : 'NULL'} AS newest
         FROM notes ${vault ? `GROUP BY ${ident(vault)}` : ''}`,
      ),
    );
    out.family('hisho_index_notes', 'gauge', 'Notes in the index, per vault', perVault.map((r) => ({ labels: { vault: r.vault ?? '' }, value: Number(r.n) })));
    const now = Date.now() / 1000;
    out.family(
      'hisho_index_lag_seconds',
      'gauge',
      'Seconds since the newest note of each vault was indexed',
      perVault.filter((r) => r.newest !== null).map((r) => ({ labels: { vault: r.vault ?? '' }, value: Math.max(0, now - Number(r.newest)) })),
    );
  }
  if (await tableExists(database.db, 'vault_index_errors')) {
    const [errors] = await rowsOf<{ n: string | number }>(database.db, sql`SELECT count(*) AS n FROM vault_index_errors`);
    out.family('hisho_index_errors', 'gauge', 'Files the index could not read or parse', [{ value: Number(errors?.n ?? 0) }]);
  }
}

export interface MetricsSources {
  database: Database;
  cache: CacheStore;
  http: HttpMetrics;
  ops?: OpsMetrics;
  startedAt: number;
  version: string;
}

/** The whole exposition. A database that fails to answer is reported as down; the rest is still served. */
export async function renderMetrics(src: MetricsSources): Promise<string> {
  const out = new Exposition();
  out.family('hisho_info', 'gauge', 'Version of the daemon', [{ labels: { version: src.version }, value: 1 }]);
  src.http.write(out);

  const stats = src.cache.stats();
  out.family('hisho_cache_hits_total', 'counter', 'Cache reads answered from the cache', [{ value: stats.hits }]);
  out.family('hisho_cache_misses_total', 'counter', 'Cache reads not answered from the cache', [{ value: stats.misses }]);
  out.family('hisho_cache_hit_rate_percent', 'gauge', 'hits / (hits + misses) * 100 (design 13.5.3); 0 before any read', [{ value: cacheHitRate(stats) }]);
  out.family('hisho_cache_up', 'gauge', '1 when the cache answers (Redis reachable, or the in-process store)', [
    { labels: { kind: src.cache.kind }, value: src.cache.state() === 'ok' ? 1 : 0 },
  ]);

  let up = 1;
  try {
    await writeDatabase(out, src.database);
  } catch {
    up = 0;
  }
  out.family('hisho_db_up', 'gauge', '1 when the database answers', [{ labels: { kind: src.database.kind }, value: up }]);
  src.ops?.write(out);

  const mem = process.memoryUsage();
  out.family('process_resident_memory_bytes', 'gauge', 'Resident memory of the daemon', [{ value: mem.rss }]);
  out.family('hisho_process_heap_used_bytes', 'gauge', 'V8 heap in use', [{ value: mem.heapUsed }]);
  out.family('process_start_time_seconds', 'gauge', 'When the daemon started (Unix time)', [{ value: Math.floor(src.startedAt / 1000) }]);
  out.family('hisho_uptime_seconds', 'gauge', 'Seconds since the daemon started', [{ value: (Date.now() - src.startedAt) / 1000 }]);
  return out.text();
}
