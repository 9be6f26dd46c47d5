/**
 * What backup, restore, move and metrics need to know about the database, read from the catalog at
 * run time (never a hard-coded list): every base table of the `public` schema with its columns and
 * primary key, in foreign-key dependency order; the sequences owned by columns; the migration state.
 *
 * The table checksum is defined so that the SAME value comes out of SQL on PostgreSQL 15/16/18
 * (PGlite) and out of JavaScript over the text values stored in a backup file:
 *
 *   column text  = the column cast to text (`col::text`), with the session fixed to TimeZone=UTC,
 *                  DateStyle=ISO, IntervalStyle=postgres, extra_float_digits=1, bytea_output=hex
 *   row hash     = md5( join(',', for each column in name order: md5(column text) or '-' for NULL) )
 *   table sum    = md5( concatenation of the row hashes sorted in byte order )
 *
 * Hashing each column first means no quoting rules are involved; sorting the row hashes makes the sum
 * independent of row order and of collations (which differ between PGlite and a server).
 * Generated columns are derived data: they are neither copied nor checksummed.
 */
import { createHash } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/drivers';

/** A drizzle database or transaction: both can execute raw SQL. */
export type Executor = Pick<Db, 'execute'>;

export interface ColumnInfo {
  name: string;
  /** format_type(): e.g. `character varying(50)`, `timestamp with time zone`, `text[]`. */
  type: string;
}

export interface TableInfo {
  name: string;
  /** Copyable columns (generated columns left out), in name order. */
  columns: ColumnInfo[];
  primaryKey: string[];
  /** Tables this one references through foreign keys (itself excluded). */
  references: string[];
  /** True when a column is GENERATED ALWAYS AS IDENTITY (inserts need OVERRIDING SYSTEM VALUE). */
  identityAlways: boolean;
}

export interface SequenceInfo {
  sequence: string;
  table: string;
  column: string;
}

export async function rowsOf<T>(db: Executor, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

export const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** Session settings that make every `::text` rendering identical across PostgreSQL versions. Call inside a transaction. */
export async function setCanonicalText(tx: Executor): Promise<void> {
  for (const s of [
    `SET LOCAL TimeZone = 'UTC'`,
    `SET LOCAL DateStyle = 'ISO, YMD'`,
    `SET LOCAL IntervalStyle = 'postgres'`,
    `SET LOCAL extra_float_digits = 1`,
    `SET LOCAL bytea_output = 'hex'`,
  ]) {
    await tx.execute(sql.raw(s));
  }
}

/** Every base table of `public` in an order where a table comes after the tables it references. */
export async function listTables(db: Executor): Promise<TableInfo[]> {
  const cols = await rowsOf<{ table: string; column: string; type: string; generated: boolean; identity: string }>(
    db,
    sql`SELECT c.relname AS "table", a.attname AS "column", format_type(a.atttypid, a.atttypmod) AS "type",
               (a.attgenerated <> '') AS "generated", a.attidentity::text AS "identity"
        FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_attribute a ON a.attrelid = c.oid
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
          AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY c.relname, a.attname`,
  );
  const pks = await rowsOf<{ table: string; column: string }>(
    db,
    sql`SELECT c.relname AS "table", a.attname AS "column"
        FROM pg_index i
        JOIN pg_class c ON c.oid = i.indrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY (i.indkey)
        WHERE i.indisprimary AND n.nspname = 'public'
        ORDER BY c.relname, array_position(i.indkey::int2[], a.attnum)`,
  );
  const fks = await rowsOf<{ child: string; parent: string }>(
    db,
    sql`SELECT DISTINCT ch.relname AS "child", pa.relname AS "parent"
        FROM pg_constraint k
        JOIN pg_class ch ON ch.oid = k.conrelid
        JOIN pg_class pa ON pa.oid = k.confrelid
        JOIN pg_namespace n ON n.oid = ch.relnamespace
        WHERE k.contype = 'f' AND n.nspname = 'public'`,
  );

  const tables = new Map<string, TableInfo>();
  for (const c of cols) {
    let t = tables.get(c.table);
    if (!t) {
      t = { name: c.table, columns: [], primaryKey: [], references: [], identityAlways: false };
      tables.set(c.table, t);
    }
    if (c.identity === 'a') t.identityAlways = true;
    if (!c.generated) t.columns.push({ name: c.column, type: c.type });
  }
  for (const p of pks) tables.get(p.table)?.primaryKey.push(p.column);
  for (const f of fks) {
    const t = tables.get(f.child);
    if (t && f.parent !== f.child && tables.has(f.parent) && !t.references.includes(f.parent)) t.references.push(f.parent);
  }
  return dependencyOrder([...tables.values()]);
}

/** Kahn's algorithm, alphabetical among ready tables; a cycle (none today) is broken by name order. */
export function dependencyOrder(tables: TableInfo[]): TableInfo[] {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const done = new Set<string>();
  const out: TableInfo[] = [];
  const remaining = [...tables].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  while (remaining.length > 0) {
    let i = remaining.findIndex((t) => t.references.every((r) => done.has(r) || !byName.has(r)));
    if (i < 0) i = 0; // cycle
    const [t] = remaining.splice(i, 1);
    if (!t) break;
    done.add(t.name);
    out.push(t);
  }
  return out;
}

export async function listSequences(db: Executor): Promise<SequenceInfo[]> {
  return rowsOf<SequenceInfo>(
    db,
    sql`SELECT s.relname AS "sequence", t.relname AS "table", a.attname AS "column"
        FROM pg_class s
        JOIN pg_namespace n ON n.oid = s.relnamespace
        JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
        JOIN pg_class t ON t.oid = d.refobjid
        JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
        WHERE s.relkind = 'S' AND n.nspname = 'public' AND d.deptype IN ('a', 'i')
        ORDER BY t.relname, a.attname`,
  );
}

/** Moves every owned sequence past the largest value in its column (so the next insert does not collide). */
export async function resetSequences(tx: Executor): Promise<void> {
  for (const s of await listSequences(tx)) {
    await tx.execute(
      sql.raw(
        `SELECT setval('public.${ident(s.sequence).replace(/'/g, "''")}', COALESCE((SELECT max(${ident(s.column)}) FROM ${ident(s.table)}), 0) + 1, false)`,
      ),
    );
  }
}

/** The SQL row hash of the checksum (see the module comment). */
function rowHashSql(columns: readonly string[]): string {
  if (columns.length === 0) return `md5('')`;
  return `md5(${columns.map((c) => `COALESCE(md5(${ident(c)}::text), '-')`).join(` || ',' || `)})`;
}

export interface TableChecksum {
  rows: number;
  checksum: string;
}

/** Row count and checksum of one table over `columns`, computed by the database. Run after setCanonicalText(). */
export async function checksumTable(tx: Executor, table: string, columns: readonly string[]): Promise<TableChecksum> {
  const [r] = await rowsOf<{ n: string | number; sum: string }>(
    tx,
    sql.raw(
      `SELECT count(*) AS n, md5(COALESCE(string_agg(h, '' ORDER BY h COLLATE "C"), '')) AS sum
       FROM (SELECT ${rowHashSql(columns)} AS h FROM ${ident(table)}) s`,
    ),
  );
  return { rows: Number(r?.n ?? 0), checksum: r?.sum ?? '' };
}

const md5 = (s: string) => createHash('md5').update(s, 'utf8').digest('hex');

/** The same checksum, computed in JavaScript over rows of column texts (a backup's content). */
export class ChecksumBuilder {
  private readonly hashes: string[] = [];
  add(values: ReadonlyArray<string | null>): void {
    this.hashes.push(md5(values.map((v) => (v === null ? '-' : md5(v))).join(',')));
  }
  get rows(): number {
    return this.hashes.length;
  }
  digest(): string {
    return md5(this.hashes.sort().join(''));
  }
}

/** Rows of a table as column texts (name order), in primary-key order, in pages. Run after setCanonicalText(). */
export async function* readTableText(
  tx: Executor,
  table: TableInfo,
  pageSize = 1000,
): AsyncGenerator<Array<string | null>> {
  if (table.columns.length === 0) return;
  const select = table.columns.map((c, i) => `${ident(c.name)}::text AS c${i}`).join(', ');
  const order = (table.primaryKey.length > 0 ? table.primaryKey : table.columns.map((c) => c.name)).map(ident).join(', ');
  for (let offset = 0; ; offset += pageSize) {
    const page = await rowsOf<Record<string, string | null>>(
      tx,
      sql.raw(`SELECT ${select} FROM ${ident(table.name)} ORDER BY ${order} LIMIT ${pageSize} OFFSET ${offset}`),
    );
    for (const row of page) yield table.columns.map((_, i) => row[`c${i}`] ?? null);
    if (page.length < pageSize) return;
  }
}

export interface MigrationState {
  /** How many migrations were applied. */
  count: number;
  /** The newest applied migration: drizzle's hash of its SQL and its journal timestamp (`when`). */
  last: { hash: string; createdAt: number } | null;
}

export async function migrationState(db: Executor): Promise<MigrationState> {
  const [exists] = await rowsOf<{ t: string | null }>(db, sql`SELECT to_regclass('drizzle.__drizzle_migrations')::text AS t`);
  if (!exists?.t) return { count: 0, last: null };
  const rows = await rowsOf<{ hash: string; created_at: string | number }>(
    db,
    sql`SELECT hash, created_at FROM drizzle.__drizzle_migrations ORDER BY created_at DESC, id DESC`,
  );
  const last = rows[0];
  return { count: rows.length, last: last ? { hash: last.hash, createdAt: Number(last.created_at) } : null };
}

/**
 * Tables holding data that a restore or a move would lose.
 *
 * A freshly migrated database is not empty: migrations seed some tables (roles, personas, teams) and
 * the daemon creates the local user at start. The seeded rows of a table are written by one statement,
 * so they share one created_at (now() is the transaction's time) and were never updated. A table counts
 * as holding user data when:
 *  - it has rows and no created_at column, or
 *  - a row was created at another time than the table's first row, or was updated since
 *    (updated_at later than created_at), or
 *  - it has rows and is not one of the seeded tables (`seeded`).
 */
export async function tablesWithUserData(db: Executor, seeded: ReadonlySet<string>): Promise<Array<{ table: string; rows: number }>> {
  const found: Array<{ table: string; rows: number }> = [];
  const allColumns = await rowsOf<{ table: string; column: string }>(
    db,
    sql`SELECT table_name AS "table", column_name AS "column" FROM information_schema.columns WHERE table_schema = 'public'`,
  );
  for (const t of await listTables(db)) {
    const names = new Set(allColumns.filter((c) => c.table === t.name).map((c) => c.column));
    const [count] = await rowsOf<{ n: string | number }>(db, sql.raw(`SELECT count(*) AS n FROM ${ident(t.name)}`));
    const rows = Number(count?.n ?? 0);
    if (rows === 0) continue;
    if (!seeded.has(t.name) || !names.has('created_at')) {
      found.push({ table: t.name, rows });
      continue;
    }
    const updated = names.has('updated_at') ? ` OR updated_at > created_at` : '';
    const [late] = await rowsOf<{ n: string | number }>(
      db,
      sql.raw(
        `SELECT count(*) AS n FROM ${ident(t.name)}
         WHERE created_at <> (SELECT min(created_at) FROM ${ident(t.name)})${updated}`,
      ),
    );
    if (Number(late?.n ?? 0) > 0) found.push({ table: t.name, rows });
  }
  return found;
}
