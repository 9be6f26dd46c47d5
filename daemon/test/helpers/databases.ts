/**
 * Database targets for tests: the SAME tests run on every target.
 *
 * - PGlite: always.
 * - PostgreSQL: when HISHO_TEST_PG_URL is set (an admin URL such as
 *   postgres://postgres@127.0.0.1:5432/postgres). It MUST then be reachable: open() throws and the
 *   suite fails loudly; it never skips.
 *
 * Every open() gives a migrated database holding nothing but the initial data (§14.3.1).
 *
 * PostgreSQL: a fresh, uniquely named database per open() (test files run in parallel), created via
 * the admin URL and dropped WITH (FORCE) by dispose().
 *
 * PGlite: creating one costs ~4 s and ~340 MB (initdb in WASM), so:
 *  1. the first open() of a process migrates one in-memory PGlite and dumps its data folder, which is
 *     also cached on disk (os.tmpdir(), keyed by a hash of drizzle/ and the PGlite version) so other
 *     test processes load it (~1–1.5 s) instead of running initdb again;
 *  2. dispose() does not throw the instance away: it empties every table (TRUNCATE … RESTART
 *     IDENTITY CASCADE), re-runs the initial-data migration and keeps the instance for the next
 *     open() in the same process (~0.1 s). An instance whose set of tables changed (a test ran DDL) or
 *     that was closed is discarded instead.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import pg from 'pg';
import { migrateDatabase, openDatabase } from '../../src/db/database';
import type { Database, DatabaseKind } from '../../src/db/database';
import { databaseFromPglite } from '../../src/db/drivers';
import { findMigrationsFolder } from '../../src/db/migrations-folder';

export interface TestDatabase extends Database {
  /** Closes the database and drops (PostgreSQL) or empties and recycles (PGlite) it. Idempotent. */
  dispose(): Promise<void>;
}

export interface TestDatabaseTarget {
  kind: DatabaseKind;
  open(): Promise<TestDatabase>;
}

/** HISHO_TEST_PG_URL, validated; undefined when unset. */
export function testPgUrl(): string | undefined {
  const url = process.env.HISHO_TEST_PG_URL?.trim();
  if (!url) return undefined;
  if (!/^postgres(ql)?:\/\//.test(url)) {
    throw new Error('HISHO_TEST_PG_URL must be a postgres:// or postgresql:// URL');
  }
  return url;
}

export function testDatabaseTargets(): Array<{ kind: DatabaseKind; open(): Promise<TestDatabase> }> {
  const targets: TestDatabaseTarget[] = [{ kind: 'pglite', open: openPgliteTestDatabase }];
  const url = testPgUrl();
  if (url) targets.push({ kind: 'postgres', open: () => openPostgresTestDatabase(url) });
  return targets;
}

// ---------------------------------------------------------------------------------------------
// Migration files (shared with tests that re-run a migration)
// ---------------------------------------------------------------------------------------------

/** The statements of the migration whose tag ends with `suffix` (e.g. '_initial_data'), split like drizzle does. */
export async function migrationStatements(suffix: string): Promise<string[]> {
  const folder = findMigrationsFolder();
  const journal = JSON.parse(await readFile(path.join(folder, 'meta', '_journal.json'), 'utf8')) as {
    entries: Array<{ tag: string }>;
  };
  const entry = journal.entries.find((e) => e.tag.endsWith(suffix));
  if (!entry) throw new Error(`no migration named *${suffix} in ${folder}`);
  const text = await readFile(path.join(folder, `${entry.tag}.sql`), 'utf8');
  return text
    .split('--> statement-breakpoint')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL
// ---------------------------------------------------------------------------------------------

let pgCounter = 0;

function withDatabase(adminUrl: string, database: string): string {
  const u = new URL(adminUrl);
  u.pathname = `/${database}`;
  return u.toString();
}

async function admin<T>(adminUrl: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 10_000 });
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (e) {
    const u = new URL(adminUrl);
    throw new Error(
      `HISHO_TEST_PG_URL is set but PostgreSQL at ${u.hostname}:${u.port || 5432} is not reachable: ${(e as Error).message}`,
      { cause: e },
    );
  }
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function openPostgresTestDatabase(adminUrl: string): Promise<TestDatabase> {
  const name = `hisho_test_${process.pid}_${++pgCounter}_${randomBytes(4).toString('hex')}`;
  await admin(adminUrl, (c) => c.query(`CREATE DATABASE "${name}" ENCODING 'UTF8' TEMPLATE template0`));
  let database: Database;
  try {
    database = await openDatabase({ url: withDatabase(adminUrl, name), dataDir: os.tmpdir() });
    await migrateDatabase(database);
  } catch (e) {
    await admin(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).catch(() => undefined);
    throw e;
  }
  let disposed: Promise<void> | undefined;
  return {
    kind: database.kind,
    db: database.db,
    ping: () => database.ping(),
    close: () => database.close(),
    dispose: () =>
      (disposed ??= (async () => {
        await database.close();
        await admin(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
      })()),
  };
}

// ---------------------------------------------------------------------------------------------
// PGlite
// ---------------------------------------------------------------------------------------------

let templateDump: Promise<Blob> | undefined;
let templateTables: string[] | undefined;
const idle: PGlite[] = [];

async function cacheKey(): Promise<string> {
  const folder = findMigrationsFolder();
  const hash = createHash('sha256');
  const pkg = path.join(path.dirname(folder), 'node_modules', '@electric-sql', 'pglite', 'package.json');
  const pgliteVersion = existsSync(pkg) ? (JSON.parse(await readFile(pkg, 'utf8')) as { version: string }).version : '?';
  hash.update(`pglite ${pgliteVersion}\n`);
  const files = (await readdir(folder, { recursive: true })).map(String).sort();
  for (const f of files) {
    const full = path.join(folder, f);
    if (!f.endsWith('.sql') && !f.endsWith('.json')) continue;
    hash.update(f);
    hash.update(await readFile(full));
  }
  return hash.digest('hex').slice(0, 16);
}

async function publicTables(client: PGlite): Promise<string[]> {
  const r = await client.query<{ tablename: string }>(
    `SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`,
  );
  return r.rows.map((row) => row.tablename);
}

/** The migrated, pristine data folder of a PGlite database (built once, cached on disk). */
function pgliteTemplate(): Promise<Blob> {
  return (templateDump ??= (async () => {
    const dir = path.join(os.tmpdir(), 'hisho-test-pglite');
    const file = path.join(dir, `template-${await cacheKey()}.tar`);
    if (existsSync(file)) {
      try {
        return new Blob([await readFile(file)]);
      } catch {
        // unreadable: rebuild below
      }
    }
    const client = await PGlite.create({ extensions: { pg_trgm } });
    try {
      await migrateDatabase(databaseFromPglite(client));
      const dump = await client.dumpDataDir('none');
      await mkdir(dir, { recursive: true });
      const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      await writeFile(tmp, Buffer.from(await dump.arrayBuffer()));
      await rename(tmp, file); // atomic: a concurrent process reads the old or the new file, never half
      return dump;
    } finally {
      await client.close();
    }
  })().catch((e: unknown) => {
    templateDump = undefined;
    throw e;
  }));
}

async function resetPglite(client: PGlite): Promise<boolean> {
  const tables = await publicTables(client);
  if (!templateTables || tables.join(',') !== templateTables.join(',')) return false;
  await client.exec(`TRUNCATE TABLE ${tables.map((t) => `"${t}"`).join(', ')} RESTART IDENTITY CASCADE`);
  for (const statement of await migrationStatements('_initial_data')) await client.query(statement);
  await client.query('REFRESH MATERIALIZED VIEW "workflow_summary"');
  return true;
}

async function openPgliteTestDatabase(): Promise<TestDatabase> {
  let client = idle.pop();
  if (!client) {
    const dump = await pgliteTemplate();
    client = await PGlite.create({ loadDataDir: dump, extensions: { pg_trgm } });
    templateTables ??= await publicTables(client);
  }
  const c = client;
  const database = databaseFromPglite(c);
  let disposed: Promise<void> | undefined;
  return {
    kind: database.kind,
    db: database.db,
    ping: () => database.ping(),
    close: () => database.close(),
    dispose: () =>
      (disposed ??= (async () => {
        if (c.closed) return;
        let recycled = false;
        try {
          recycled = await resetPglite(c);
        } catch {
          recycled = false;
        }
        if (recycled) idle.push(c);
        else await c.close();
      })()),
  };
}
