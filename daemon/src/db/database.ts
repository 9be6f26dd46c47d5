/**
 * Opening, migrating and maintaining Hisho's database.
 *
 * - `url` set (DATABASE_URL): node-postgres Pool against a real PostgreSQL server.
 * - otherwise: embedded PGlite in `dataDir` (created if missing), with pg_trgm.
 *   PGlite does not lock its folder: the daemon must hold `acquireDataLock(dataDir)` (./lock.ts) first.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { databaseFromPglite, databaseFromPool, migratorOf } from './drivers';
import { findMigrationsFolder } from './migrations-folder';
import type { Database, DatabaseKind, Db } from './drivers';

export type { Database, DatabaseKind, Db };

/** Where a PostgreSQL URL points, for messages: never includes the password. */
function describeUrl(u: URL): string {
  const user = u.username ? `${decodeURIComponent(u.username)}@` : '';
  const db = u.pathname.replace(/^\//, '') || '(default database)';
  return `${user}${u.hostname || 'localhost'}:${u.port || '5432'}/${db}`;
}

async function openPostgres(url: string): Promise<Database> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // The URL itself is not echoed: it may contain a password.
    throw new Error('Invalid PostgreSQL URL: expected postgres://user[:password]@host[:port]/database');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new Error(
      `Invalid PostgreSQL URL: scheme "${parsed.protocol.replace(/:$/, '')}" is not postgres:// or postgresql:// (host ${parsed.hostname || '?'})`,
    );
  }
  const where = describeUrl(parsed);
  // Idle connections are kept: a new one costs 50–130 ms, which a search would otherwise pay after every quiet spell.
  const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 10_000, idleTimeoutMillis: 0 });
  // An idle client losing its connection emits 'error' on the pool; without a listener Node would crash.
  pool.on('error', (e) => console.warn(`[hisho] PostgreSQL connection to ${where} lost: ${e.message}`));
  try {
    const client = await pool.connect();
    client.release();
  } catch (e) {
    await pool.end().catch(() => undefined);
    const reason = e instanceof Error ? e.message : String(e);
    throw new Error(`Cannot connect to PostgreSQL at ${where}: ${reason}`, { cause: e });
  }
  return databaseFromPool(pool);
}

async function openPglite(dataDir: string): Promise<Database> {
  const dir = path.resolve(dataDir);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  let client: PGlite;
  try {
    client = await PGlite.create(dir, { extensions: { pg_trgm } });
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new Error(`Cannot open the embedded database in ${dir}: ${reason}`, { cause: e });
  }
  return databaseFromPglite(client);
}

export async function openDatabase(options: { url?: string; dataDir: string }): Promise<Database> {
  return options.url ? openPostgres(options.url) : openPglite(options.dataDir);
}

export async function migrateDatabase(database: Database): Promise<void> {
  await migratorOf(database)(findMigrationsFolder());
}

/** Recomputes the §7.2 workflow_summary view without blocking readers (it has a UNIQUE index on id). */
export async function refreshWorkflowSummary(db: Db): Promise<void> {
  await db.execute(sql`REFRESH MATERIALIZED VIEW CONCURRENTLY "workflow_summary"`);
}
