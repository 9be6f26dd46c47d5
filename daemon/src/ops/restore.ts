/**
 * `hisho restore FILE`: puts a Hisho backup back into a migrated database.
 *
 * 1. The whole file is read and checked first (format.ts): a corrupt, truncated or foreign file, or a
 *    backup made by a newer schema than this code, is refused before anything is touched.
 * 2. Then, in ONE transaction: refuse if the database holds user data (unless `replace`), empty every
 *    table, insert every table in foreign-key order, move the sequences past the restored ids, compare
 *    each table's checksum computed by the database with the backup's, refresh the materialized views.
 *    Any failure rolls everything back: the database is as it was.
 */
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/drivers';
import { findMigrationsFolder } from '../db/migrations-folder';
import {
  checksumTable,
  ident,
  listTables,
  resetSequences,
  rowsOf,
  setCanonicalText,
  tablesWithUserData,
  type ColumnInfo,
  type Executor,
  type TableInfo,
} from './catalog';
import { BackupFileError, readBackup, verifyBackupFile, type BackupHeader, type BackupTable } from './format';

/** The database holds data that the operation would overwrite. */
export class DatabaseNotEmptyError extends Error {
  override readonly name = 'DatabaseNotEmptyError';
  constructor(
    readonly tables: Array<{ table: string; rows: number }>,
    advice: string,
  ) {
    super(`The database already holds data in ${tables.map((t) => `${t.table} (${t.rows} rows)`).join(', ')}. ${advice}`);
  }
}

export interface RestoreOptions {
  /** Replace a database that holds data (in the same transaction). */
  replace?: boolean;
}

export interface RestoreResult {
  header: BackupHeader;
  tables: number;
  rows: number;
  durationMs: number;
}

/** The migrations this code knows: tags and journal timestamps. */
export async function codeMigrations(): Promise<Array<{ tag: string; when: number }>> {
  const folder = findMigrationsFolder();
  const journal = JSON.parse(await readFile(path.join(folder, 'meta', '_journal.json'), 'utf8')) as {
    entries: Array<{ tag: string; when: number }>;
  };
  return journal.entries;
}

/**
 * Tables that migrations or the daemon's start fill (their rows alone are not user data):
 * every table an `INSERT INTO` of a migration names, and `users` (the local user, db/local-user.ts).
 */
export async function seededTables(): Promise<Set<string>> {
  const folder = findMigrationsFolder();
  const names = new Set<string>(['users']);
  for (const f of await readdir(folder)) {
    if (!f.endsWith('.sql')) continue;
    const text = await readFile(path.join(folder, f), 'utf8');
    for (const m of text.matchAll(/INSERT\s+INTO\s+"?([A-Za-z_][A-Za-z0-9_]*)"?/gi)) names.add((m[1] as string).toLowerCase());
  }
  return names;
}

/** Refuses a backup whose schema is newer than this code. */
export async function checkSchemaCompatible(file: string, header: BackupHeader): Promise<void> {
  const known = await codeMigrations();
  const newest = Math.max(0, ...known.map((m) => m.when));
  const last = header.schema.last;
  if (last && last.createdAt > newest) {
    throw new BackupFileError(
      file,
      `it was made by Hisho ${header.hishoVersion} with a newer database schema (${header.schema.count} migrations) than this Hisho knows (${known.length}); update Hisho first`,
    );
  }
}

/** Every table and column of the backup must exist in the database (an older backup into a newer schema is fine). */
function matchTables(file: string, header: BackupHeader, target: TableInfo[]): Map<string, ColumnInfo[]> {
  const byName = new Map(target.map((t) => [t.name, t]));
  const out = new Map<string, ColumnInfo[]>();
  for (const t of header.tables) {
    const here = byName.get(t.name);
    if (!here) throw new BackupFileError(file, `its table ${t.name} does not exist in this database`);
    const types = new Map(here.columns.map((c) => [c.name, c]));
    const cols = t.columns.map((c) => {
      const col = types.get(c.name);
      if (!col) throw new BackupFileError(file, `its column ${t.name}.${c.name} does not exist in this database`);
      return col;
    });
    out.set(t.name, cols);
  }
  return out;
}

const MAX_PARAMS = 30_000;

/** Inserts rows of column texts, each cast through text to the column's type (the input function parses it). */
export async function insertRows(
  tx: Executor,
  table: string,
  columns: ColumnInfo[],
  rows: Array<Array<string | null>>,
  identityAlways: boolean,
): Promise<void> {
  if (rows.length === 0 || columns.length === 0) return;
  const head = `INSERT INTO ${ident(table)} (${columns.map((c) => ident(c.name)).join(', ')})${identityAlways ? ' OVERRIDING SYSTEM VALUE' : ''} VALUES `;
  const tuples: SQL[] = rows.map(
    (row) => sql`(${sql.join(
      row.map((v, i) => sql`CAST(CAST(${v} AS text) AS ${sql.raw((columns[i] as ColumnInfo).type)})`),
      sql`, `,
    )})`,
  );
  await tx.execute(sql`${sql.raw(head)}${sql.join(tuples, sql`, `)}`);
}

export function batchSize(columns: number): number {
  return Math.max(1, Math.min(500, Math.floor(MAX_PARAMS / Math.max(1, columns))));
}

export async function refreshMaterializedViews(tx: Executor): Promise<void> {
  const views = await rowsOf<{ name: string }>(tx, sql`SELECT matviewname AS name FROM pg_matviews WHERE schemaname = 'public' ORDER BY 1`);
  for (const v of views) await tx.execute(sql.raw(`REFRESH MATERIALIZED VIEW ${ident(v.name)}`));
}

/** Empties every table of the schema (inside the caller's transaction). */
export async function truncateAll(tx: Executor, tables: TableInfo[]): Promise<void> {
  if (tables.length === 0) return;
  await tx.execute(sql.raw(`TRUNCATE TABLE ${tables.map((t) => ident(t.name)).join(', ')} RESTART IDENTITY CASCADE`));
}

export async function restoreBackup(database: Database, file: string, options: RestoreOptions = {}): Promise<RestoreResult> {
  const started = Date.now();
  // 1. Read and check everything before touching the database.
  const header = await verifyBackupFile(file);
  await checkSchemaCompatible(file, header);
  const seeded = await seededTables();

  let rows = 0;
  await database.db.transaction(async (tx) => {
    await setCanonicalText(tx);
    const target = await listTables(tx);
    const columnsOf = matchTables(file, header, target);
    const identity = new Map(target.map((t) => [t.name, t.identityAlways]));
    const busy = await tablesWithUserData(tx, seeded);
    if (busy.length > 0 && !options.replace) {
      throw new DatabaseNotEmptyError(busy, 'Restoring would replace it: run the restore again with --replace if that is what you want (take a backup first).');
    }
    await truncateAll(tx, target);

    // 2. Insert, reading the file a second time (it is checked again as it is read: a file changed
    //    between the two reads fails here and the transaction rolls back).
    let current: BackupTable | undefined;
    let batch: Array<Array<string | null>> = [];
    const flush = async () => {
      if (!current || batch.length === 0) return;
      await insertRows(tx, current.name, columnsOf.get(current.name) ?? [], batch, identity.get(current.name) ?? false);
      rows += batch.length;
      batch = [];
    };
    for await (const event of readBackup(file)) {
      if (event.type === 'table') {
        await flush();
        current = event.table;
      } else if (event.type === 'row') {
        batch.push(event.values);
        if (batch.length >= batchSize(event.table.columns.length)) await flush();
      } else if (event.type === 'end') {
        await flush();
      }
    }

    await resetSequences(tx);
    // 3. Prove it: the database's own checksum of every restored table must equal the backup's.
    for (const t of header.tables) {
      const got = await checksumTable(tx, t.name, t.columns.map((c) => c.name));
      if (got.rows !== t.rows || got.checksum !== t.checksum) {
        throw new Error(
          `Restore verification failed for table ${t.name} (${got.rows} rows restored, ${t.rows} in the backup; checksums ${got.checksum === t.checksum ? 'match' : 'differ'}). Nothing was changed.`,
        );
      }
    }
    await refreshMaterializedViews(tx);
  });
  return { header, tables: header.tables.length, rows, durationMs: Date.now() - started };
}
