import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../src/ops/catalog';
import { startMaintenance } from '../../src/ops/maintenance';
import { Exposition, HttpMetrics, LATENCY_BUCKETS, OpsMetrics } from '../../src/ops/metrics';
import { createTestApp, type TestApp } from '../helpers/app';
import { testDatabaseTargets } from '../helpers/databases';
import { fillEveryTable } from './fill';

/** Opening PGlite databases (WASM) is slow on a loaded machine (2 shared cores). */
const HEAVY_MS = 180_000;

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}
interface Parsed {
  help: Map<string, string>;
  type: Map<string, string>;
  samples: Sample[];
}

/** A strict reader of the text exposition format 0.0.4 (what Prometheus would refuse, this throws on). */
function parseExposition(text: string): Parsed {
  const help = new Map<string, string>();
  const type = new Map<string, string>();
  const samples: Sample[] = [];
  expect(text.endsWith('\n')).toBe(true);
  for (const line of text.slice(0, -1).split('\n')) {
    let m = /^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (m) {
      expect(help.has(m[1] as string), `HELP twice for ${m[1]}`).toBe(false);
      help.set(m[1] as string, m[2] as string);
      continue;
    }
    m = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (m) {
      expect(type.has(m[1] as string), `TYPE twice for ${m[1]}`).toBe(false);
      type.set(m[1] as string, m[2] as string);
      continue;
    }
    m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not a valid exposition line: ${JSON.stringify(line)}`);
    const labels: Record<string, string> = {};
    if (m[2]) {
      const body = m[2].slice(1, -1);
      const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\[\\"n])*)"(,|$)/gy;
      let pos = 0;
      let lm: RegExpExecArray | null;
      while (pos < body.length && (lm = re.exec(body))) {
        labels[lm[1] as string] = (lm[2] as string).replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c));
        pos = re.lastIndex;
      }
      expect(pos, `labels of ${line}`).toBe(body.length);
    }
    const value = m[3] === '+Inf' ? Infinity : Number(m[3]);
    expect(Number.isNaN(value) && m[3] !== 'NaN', `value of ${line}`).toBe(false);
    const name = m[1] as string;
    const family = name.replace(/_(bucket|sum|count)$/, '');
    expect(type.has(name) || type.get(family) === 'histogram', `sample before its TYPE: ${name}`).toBe(true);
    samples.push({ name, labels, value });
  }
  return { help, type, samples };
}

/** Checks every histogram: buckets cumulative and ending at +Inf = _count; _sum present. */
function checkHistograms(p: Parsed): void {
  for (const [family, t] of p.type) {
    if (t !== 'histogram') continue;
    const series = new Map<string, Sample[]>();
    for (const s of p.samples.filter((x) => x.name === `${family}_bucket`)) {
      const { le: _le, ...rest } = s.labels;
      const key = JSON.stringify(rest);
      series.set(key, [...(series.get(key) ?? []), s]);
    }
    for (const [key, buckets] of series) {
      const les = buckets.map((b) => (b.labels.le === '+Inf' ? Infinity : Number(b.labels.le)));
      expect(les).toEqual([...LATENCY_BUCKETS, Infinity]);
      for (let i = 1; i < buckets.length; i++) expect((buckets[i] as Sample).value).toBeGreaterThanOrEqual((buckets[i - 1] as Sample).value);
      const count = p.samples.find((s) => s.name === `${family}_count` && JSON.stringify(s.labels) === key);
      const sum = p.samples.find((s) => s.name === `${family}_sum` && JSON.stringify(s.labels) === key);
      expect(count?.value).toBe(buckets[buckets.length - 1]?.value);
      expect(sum?.value).toBeGreaterThanOrEqual(0);
    }
  }
}

const value = (p: Parsed, name: string, labels: Record<string, string> = {}) =>
  p.samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

describe('exposition format', () => {
  it('escapes label values and help text, and keeps histograms consistent', () => {
    const http = new HttpMetrics();
    http.observe('GET', '/api/v1/a"b\\c\nd', 200, 0.003);
    http.observe('GET', '/api/v1/a"b\\c\nd', 200, 0.2);
    http.observe('GET', '/api/v1/a"b\\c\nd', 500, 30);
    const out = new Exposition();
    http.write(out);
    out.family('x_total', 'counter', 'line one\nline two \\ end', [{ value: 1 }]);
    const text = out.text();
    expect(text).toContain('route="/api/v1/a\\"b\\\\c\\nd"');
    expect(text).toContain('# HELP x_total line one\\nline two \\\\ end');
    const p = parseExposition(text);
    expect(value(p, 'hisho_http_requests_total', { route: '/api/v1/a"b\\c\nd', status: '200' })).toBe(2);
    checkHistograms(p);
    expect(value(p, 'hisho_http_request_duration_seconds_bucket', { le: '0.005' })).toBe(1);
    expect(value(p, 'hisho_http_request_duration_seconds_bucket', { le: '0.25' })).toBe(2);
    expect(value(p, 'hisho_http_request_duration_seconds_bucket', { le: '+Inf' })).toBe(3);
    expect(value(p, 'hisho_http_request_duration_seconds_count')).toBe(3);
  });
});

for (const target of testDatabaseTargets()) {
  describe(`GET /api/v1/metrics and maintenance on ${target.kind}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp(await target.open());
      await fillEveryTable(t.database.db);
    });
    afterAll(async () => {
      await t?.dispose();
    });

    it('needs the token, answers Prometheus text, and counters move with requests', async () => {
      expect((await t.request('GET', '/api/v1/metrics', { token: null })).status).toBe(401);
      await t.cache.get('missing');
      await t.cache.set('k', 'v');
      await t.cache.get('k');
      const res1 = await t.request('GET', '/api/v1/metrics');
      expect(res1.status).toBe(200);
      expect(res1.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
      const p1 = parseExposition(await res1.text());
      checkHistograms(p1);

      for (let i = 0; i < 3; i++) expect((await t.request('GET', '/api/v1/roles')).status).toBe(200);
      expect((await t.request('GET', '/api/v1/roles/999999')).status).toBe(404);
      expect((await t.request('GET', '/api/v1/no/such/route')).status).toBe(404);
      const p2 = parseExposition(await (await t.request('GET', '/api/v1/metrics')).text());
      checkHistograms(p2);

      const roles = (p: Parsed) => value(p, 'hisho_http_requests_total', { method: 'GET', route: '/api/v1/roles', status: '200' }) ?? 0;
      expect(roles(p2) - roles(p1)).toBe(3);
      // The route pattern, never the raw path; unknown paths share one label.
      expect(value(p2, 'hisho_http_requests_total', { route: '/api/v1/roles/:id', status: '404' })).toBe(1);
      expect(value(p2, 'hisho_http_requests_total', { route: 'unmatched', status: '404' })).toBe(1);
      expect(p2.samples.some((s) => s.labels.route === '/api/v1/roles/999999')).toBe(false);
      expect(value(p2, 'hisho_http_requests_total', { route: '/api/v1/metrics', status: '401' })).toBe(1);

      expect(value(p2, 'hisho_cache_hits_total')).toBe(1);
      expect(value(p2, 'hisho_cache_misses_total')).toBe(1);
      expect(value(p2, 'hisho_cache_hit_rate_percent')).toBe(50);
      expect(value(p2, 'hisho_cache_up', { kind: 'memory' })).toBe(1);
      expect(value(p2, 'hisho_db_up', { kind: target.kind })).toBe(1);
      expect(value(p2, 'hisho_db_table_total_bytes', { table: 'users' })).toBeGreaterThan(0);
      expect(value(p2, 'hisho_db_table_rows_estimate', { table: 'users' })).toBeGreaterThanOrEqual(0);
      expect(value(p2, 'hisho_db_size_bytes')).toBeGreaterThan(0);
      expect(p2.samples.filter((s) => s.name === 'hisho_db_connections').reduce((n, s) => n + s.value, 0)).toBeGreaterThanOrEqual(1);
      expect(value(p2, 'process_resident_memory_bytes')).toBeGreaterThan(0);
      expect(value(p2, 'hisho_uptime_seconds')).toBeGreaterThanOrEqual(0);
      if (p2.type.has('hisho_index_notes')) {
        expect(p2.samples.filter((s) => s.name === 'hisho_index_notes').reduce((n, s) => n + s.value, 0)).toBe(1);
        expect(value(p2, 'hisho_index_lag_seconds')).toBeGreaterThanOrEqual(0);
      }
      for (const name of p2.type.keys()) expect(p2.help.has(name), `HELP for ${name}`).toBe(true);
    }, HEAVY_MS);

    it('maintenance refreshes workflow_summary, analyzes, prunes expired rows, and reports its runs', async () => {
      const db = t.database.db;
      const [w] = await rowsOf<{ id: string }>(db, sql`INSERT INTO workflows (name, workflow_type) VALUES ('保守', 'ops') RETURNING id::text AS id`);
      await db.execute(sql`INSERT INTO tasks (workflow_id, name, task_type, status, actual_hours) VALUES (${Number(w?.id)}, 't', 'x', 'completed', 2.5)`);
      const before = await rowsOf<{ n: string }>(db, sql`SELECT total_tasks::text AS n FROM workflow_summary WHERE id = ${Number(w?.id)}`);
      expect(before).toEqual([]);

      const ops = new OpsMetrics();
      const logs: string[] = [];
      const m = startMaintenance({ database: t.database, log: (level, message) => logs.push(`${level} ${message}`), ops });
      try {
        expect(await m.run('refresh')).toBe(true);
        const [after] = await rowsOf<{ n: string; c: string }>(
          db,
          sql`SELECT total_tasks::text AS n, completed_tasks::text AS c FROM workflow_summary WHERE id = ${Number(w?.id)}`,
        );
        expect(after).toEqual({ n: '1', c: '1' });

        expect(await m.run('analyze')).toBe(true);
        const [est] = await rowsOf<{ n: number }>(db, sql`SELECT reltuples::float8 AS n FROM pg_class WHERE relname = 'workflows'`);
        expect(Number(est?.n)).toBeGreaterThanOrEqual(1);
        expect(await m.run('analyze_changed')).toBe(true);

        const hasErrors = (await rowsOf<{ t: string | null }>(db, sql`SELECT to_regclass('public.vault_index_errors')::text AS t`))[0]?.t;
        if (hasErrors) {
          await db.execute(sql`UPDATE vault_index_errors SET at = now() - interval '40 days'`);
          expect(await m.run('prune')).toBe(true);
          const [left] = await rowsOf<{ n: string }>(db, sql`SELECT count(*)::text AS n FROM vault_index_errors`);
          expect(left?.n).toBe('0');
        }
        expect([...ops.lastRun.keys()].sort()).toEqual(
          ['maintenance_analyze', 'maintenance_analyze_changed', 'maintenance_refresh', ...(hasErrors ? ['maintenance_prune'] : [])].sort(),
        );
        expect(logs.filter((l) => l.startsWith('warn'))).toEqual([]);
      } finally {
        await m.stop();
      }
      // After stop, runs are refused quietly.
      expect(await m.run('refresh')).toBe(false);
    }, HEAVY_MS);

    it('a failing task is logged, not thrown', async () => {
      const logs: string[] = [];
      const ops = new OpsMetrics();
      const broken = { ...t.database, db: { execute: () => Promise.reject(new Error('database gone')) } } as unknown as typeof t.database;
      const m = startMaintenance({ database: broken, log: (level, message, extra) => logs.push(`${level} ${message} ${JSON.stringify(extra)}`), ops });
      expect(await m.run('analyze')).toBe(false);
      await m.stop();
      expect(logs.some((l) => l.startsWith('warn maintenance failed') && l.includes('database gone'))).toBe(true);
      expect(ops.lastRun.get('maintenance_analyze')?.ok).toBe(false);
    }, HEAVY_MS);
  });
}
