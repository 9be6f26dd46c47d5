/**
 * Periodic maintenance inside the daemon (design §10.2), on unref'd timers stopped at shutdown; a
 * failing task is logged (and shown in the metrics), never thrown:
 * - `analyze`: ANALYZE the whole database once a day, and any table changed a lot since its last
 *   analyze (checked hourly). PGlite runs no autovacuum, so this is what keeps its plans good.
 * - `refresh`: refresh the workflow_summary materialized view (§7.2), every 15 minutes.
 * - `prune`: delete rows that expire (PRUNE_RULES), for tables and columns that exist, every 6 hours.
 * Tasks never overlap.
 */
import { sql } from 'drizzle-orm';
import { refreshWorkflowSummary, type Database } from '../db/database';
import type { Log } from '../log';
import { ident, rowsOf } from './catalog';
import type { OpsMetrics } from './metrics';

export interface PruneRule {
  table: string;
  /** A timestamp column: rows older than maxAgeDays by this column are deleted. */
  column: string;
  maxAgeDays: number;
}

/**
 * Rows that expire. Only derived, rebuildable data belongs here, never the user's records.
 * vault_index_errors: per-file index errors; the indexer reports a file again while it stays broken.
 */
export const PRUNE_RULES: PruneRule[] = [{ table: 'vault_index_errors', column: 'at', maxAgeDays: 30 }];

export type MaintenanceTask = 'analyze' | 'analyze_changed' | 'refresh' | 'prune';

const HOUR = 3_600_000;
export const MAINTENANCE_DEFAULTS = {
  analyzeEveryMs: 24 * HOUR,
  changedCheckEveryMs: HOUR,
  refreshEveryMs: 15 * 60_000,
  pruneEveryMs: 6 * HOUR,
  /** The first run waits a little so the daemon's start stays quick. */
  firstRunDelayMs: 60_000,
};

/** A table counts as "changed a lot" after this many modified rows, or 10% of its rows. */
const CHANGED_ROWS = 1000;

export async function analyzeAll(database: Database): Promise<void> {
  await database.db.execute(sql`ANALYZE`);
}

/** ANALYZE each table with many changes since its last analyze; returns their names. */
export async function analyzeChanged(database: Database): Promise<string[]> {
  const rows = await rowsOf<{ name: string }>(
    database.db,
    sql`SELECT relname AS name FROM pg_stat_user_tables
        WHERE schemaname = 'public' AND n_mod_since_analyze > GREATEST(${CHANGED_ROWS}::bigint, (n_live_tup / 10)::bigint)
        ORDER BY relname`,
  );
  for (const r of rows) await database.db.execute(sql.raw(`ANALYZE ${ident(r.name)}`));
  return rows.map((r) => r.name);
}

export async function refreshViews(database: Database): Promise<void> {
  const [v] = await rowsOf<{ t: string | null }>(database.db, sql`SELECT to_regclass('public.workflow_summary')::text AS t`);
  if (v?.t) await refreshWorkflowSummary(database.db);
}

/** Applies the rules whose table and column exist; returns the rows deleted per table. */
export async function pruneExpired(database: Database, rules: PruneRule[] = PRUNE_RULES): Promise<Record<string, number>> {
  const deleted: Record<string, number> = {};
  for (const rule of rules) {
    const [col] = await rowsOf<{ n: string | number }>(
      database.db,
      sql`SELECT count(*) AS n FROM information_schema.columns WHERE table_schema = 'public' AND table_name = ${rule.table} AND column_name = ${rule.column}`,
    );
    if (Number(col?.n ?? 0) === 0) continue;
    const result = await rowsOf<{ n: string | number }>(
      database.db,
      sql.raw(
        `WITH d AS (DELETE FROM ${ident(rule.table)} WHERE ${ident(rule.column)} < now() - interval '${Math.max(0, Math.floor(rule.maxAgeDays))} days' RETURNING 1)
         SELECT count(*) AS n FROM d`,
      ),
    );
    deleted[rule.table] = Number(result[0]?.n ?? 0);
  }
  return deleted;
}

export interface MaintenanceOptions {
  database: Database;
  log: Log;
  ops?: OpsMetrics;
  intervals?: Partial<typeof MAINTENANCE_DEFAULTS>;
  rules?: PruneRule[];
}

export interface Maintenance {
  /** Runs one task now (queued behind a running one); resolves when it is done; never rejects. */
  run(task: MaintenanceTask): Promise<boolean>;
  /** Clears the timers and waits for a running task. Idempotent. */
  stop(): Promise<void>;
}

export function startMaintenance(options: MaintenanceOptions): Maintenance {
  const { database, log, ops } = options;
  const every = { ...MAINTENANCE_DEFAULTS, ...options.intervals };
  const timers: NodeJS.Timeout[] = [];
  let queue: Promise<unknown> = Promise.resolve();
  let stopped = false;

  const tasks: Record<MaintenanceTask, () => Promise<unknown>> = {
    analyze: () => analyzeAll(database),
    analyze_changed: () => analyzeChanged(database),
    refresh: () => refreshViews(database),
    prune: () => pruneExpired(database, options.rules),
  };

  const run = (task: MaintenanceTask): Promise<boolean> => {
    const next = queue.then(async () => {
      if (stopped) return false;
      const started = performance.now();
      try {
        const result = await tasks[task]();
        const seconds = (performance.now() - started) / 1000;
        ops?.record(`maintenance_${task}`, true, seconds);
        log('debug', 'maintenance done', { task, seconds, result });
        return true;
      } catch (e) {
        ops?.record(`maintenance_${task}`, false, (performance.now() - started) / 1000);
        log('warn', 'maintenance failed', { task, error: e instanceof Error ? e.message : String(e) });
        return false;
      }
    });
    queue = next;
    return next;
  };

  const schedule = (task: MaintenanceTask, everyMs: number) => {
    const first = setTimeout(() => {
      void run(task);
      const repeat = setInterval(() => void run(task), everyMs);
      repeat.unref();
      timers.push(repeat);
    }, Math.min(every.firstRunDelayMs, everyMs));
    first.unref();
    timers.push(first);
  };
  schedule('refresh', every.refreshEveryMs);
  schedule('analyze_changed', every.changedCheckEveryMs);
  schedule('analyze', every.analyzeEveryMs);
  schedule('prune', every.pruneEveryMs);

  let stopping: Promise<void> | undefined;
  return {
    run,
    stop: () =>
      (stopping ??= (async () => {
        stopped = true;
        for (const t of timers) clearTimeout(t);
        await queue.catch(() => undefined);
      })()),
  };
}
