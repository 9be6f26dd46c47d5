/**
 * `hisho db move --to postgres://…`: from the embedded database (PGlite) to a PostgreSQL server.
 *
 * 1. Holds the data-folder lock (refused while a daemon runs), opens both databases and migrates both.
 * 2. Refuses a server database that already holds user data (and says which tables).
 * 3. Copies every table in one snapshot of the source and one transaction on the target (foreign-key
 *    order, sequences reset, materialized views refreshed).
 * 4. Verifies: row count and checksum of every table, computed by each database (catalog.ts), must be
 *    equal. A mismatch empties the target again and changes no config.
 * 5. Writes `databaseUrl` into HISHO_HOME/config.json (other keys kept) and keeps the old data folder.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config';
import { migrateDatabase, openDatabase, type Database } from '../db/database';
import { acquireDataLock } from '../db/lock';
import { checksumTable, listTables, readTableText, resetSequences, setCanonicalText, tablesWithUserData, type TableInfo } from './catalog';
import { DatabaseNotEmptyError, batchSize, insertRows, refreshMaterializedViews, seededTables, truncateAll } from './restore';

export interface CopyResult {
  tables: number;
  rows: number;
}

/** Copies every table of `source` into `target` (which must hold no user data). */
export async function copyDatabase(source: Database, target: Database): Promise<CopyResult> {
  const seeded = await seededTables();
  let rows = 0;
  let tables = 0;
  await source.db.transaction(
    async (stx) => {
      await setCanonicalText(stx);
      const from = await listTables(stx);
      await target.db.transaction(async (ttx) => {
        await setCanonicalText(ttx);
        const to = await listTables(ttx);
        const busy = await tablesWithUserData(ttx, seeded);
        if (busy.length > 0) {
          throw new DatabaseNotEmptyError(busy, 'Move into an empty database: create a new one (e.g. createdb hisho) or point --to at one without Hisho data.');
        }
        const toByName = new Map(to.map((t) => [t.name, t]));
        for (const t of from) {
          const dest = toByName.get(t.name);
          if (!dest) throw new Error(`The target database has no table ${t.name}: is it migrated by the same Hisho version?`);
          const destCols = new Map(dest.columns.map((c) => [c.name, c]));
          for (const c of t.columns) {
            if (!destCols.has(c.name)) throw new Error(`The target database has no column ${t.name}.${c.name}: is it migrated by the same Hisho version?`);
          }
        }
        await truncateAll(ttx, to);
        for (const t of from) {
          const dest = toByName.get(t.name) as TableInfo;
          const columns = t.columns.map((c) => dest.columns.find((d) => d.name === c.name) ?? c);
          let batch: Array<Array<string | null>> = [];
          for await (const values of readTableText(stx, t)) {
            batch.push(values);
            if (batch.length >= batchSize(columns.length)) {
              await insertRows(ttx, t.name, columns, batch, dest.identityAlways);
              rows += batch.length;
              batch = [];
            }
          }
          await insertRows(ttx, t.name, columns, batch, dest.identityAlways);
          rows += batch.length;
          tables++;
        }
        await resetSequences(ttx);
        await refreshMaterializedViews(ttx);
      });
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
  return { tables, rows };
}

export interface TableComparison {
  table: string;
  sourceRows: number;
  targetRows: number;
  sourceChecksum: string;
  targetChecksum: string;
  ok: boolean;
}

export interface VerifyReport {
  ok: boolean;
  tables: TableComparison[];
}

async function checksumsOf(database: Database, tables: TableInfo[]) {
  return database.db.transaction(async (tx) => {
    await setCanonicalText(tx);
    const out = new Map<string, { rows: number; checksum: string }>();
    for (const t of tables) out.set(t.name, await checksumTable(tx, t.name, t.columns.map((c) => c.name)));
    return out;
  });
}

/** Row count and checksum of every table of the source, on both sides (the same function on both). */
export async function verifyCopy(source: Database, target: Database): Promise<VerifyReport> {
  const tables = await listTables(source.db);
  const [a, b] = [await checksumsOf(source, tables), await checksumsOf(target, tables)];
  const out: TableComparison[] = tables.map((t) => {
    const s = a.get(t.name) ?? { rows: 0, checksum: '' };
    const d = b.get(t.name) ?? { rows: 0, checksum: '' };
    return {
      table: t.name,
      sourceRows: s.rows,
      targetRows: d.rows,
      sourceChecksum: s.checksum,
      targetChecksum: d.checksum,
      ok: s.rows === d.rows && s.checksum === d.checksum,
    };
  });
  return { ok: out.every((t) => t.ok), tables: out };
}

export class MoveVerificationError extends Error {
  override readonly name = 'MoveVerificationError';
  constructor(readonly report: VerifyReport) {
    const bad = report.tables.filter((t) => !t.ok);
    super(
      `The copy does not match the embedded database in ${bad
        .map((t) => `${t.table} (${t.sourceRows} rows here, ${t.targetRows} there${t.sourceRows === t.targetRows ? ', different content' : ''})`)
        .join(', ')}. The server database was emptied again and the config was not changed; your data is still in the embedded database.`,
    );
  }
}

/** Sets `databaseUrl` in the config file, keeping every other key; atomic; readable only by the user. */
export async function writeDatabaseUrl(configFile: string, url: string): Promise<void> {
  let current: Record<string, unknown> = {};
  if (existsSync(configFile)) {
    const text = await readFile(configFile, 'utf8');
    if (text.trim()) {
      try {
        current = JSON.parse(text) as Record<string, unknown>;
      } catch (e) {
        throw new Error(`${configFile} is not valid JSON (${(e as Error).message}); fix it, then run the move again`, { cause: e });
      }
    }
  }
  const next = { ...current, databaseUrl: url };
  const temp = path.join(path.dirname(configFile), `.${path.basename(configFile)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(temp, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
    await rename(temp, configFile);
  } catch (e) {
    await unlink(temp).catch(() => undefined);
    throw e;
  }
}

export interface MoveResult extends CopyResult {
  report: VerifyReport;
  configFile: string;
  oldDataFolder: string;
}

export interface MoveOptions {
  /** Called between copy and verify (tests tamper with the target here). */
  beforeVerify?: (target: Database) => Promise<void>;
  progress?: (message: string) => void;
}

export async function moveToServer(config: Config, to: string, options: MoveOptions = {}): Promise<MoveResult> {
  const say = options.progress ?? (() => undefined);
  if (config.databaseUrl) {
    throw new Error('Hisho already uses a PostgreSQL server (DATABASE_URL or "databaseUrl" in config.json): there is no embedded database to move');
  }
  if (!/^postgres(ql)?:\/\//.test(to)) throw new Error('--to must be a postgres:// or postgresql:// URL');
  const dataDir = config.paths.data;
  if (!existsSync(dataDir)) throw new Error(`There is no embedded database in ${dataDir}: nothing to move`);

  const lock = await acquireDataLock(config.home);
  let source: Database | undefined;
  let target: Database | undefined;
  try {
    source = await openDatabase({ dataDir });
    await migrateDatabase(source);
    target = await openDatabase({ url: to, dataDir });
    say('Migrating the server database…');
    await migrateDatabase(target);
    say('Copying…');
    const copied = await copyDatabase(source, target);
    await options.beforeVerify?.(target);
    say('Verifying row counts and checksums…');
    const report = await verifyCopy(source, target);
    if (!report.ok) {
      const t = target;
      await t.db.transaction(async (tx) => truncateAll(tx, await listTables(tx))).catch(() => undefined);
      throw new MoveVerificationError(report);
    }
    await writeDatabaseUrl(config.paths.configFile, to);
    return { ...copied, report, configFile: config.paths.configFile, oldDataFolder: dataDir };
  } finally {
    await target?.close().catch(() => undefined);
    await source?.close().catch(() => undefined);
    await lock.release();
  }
}
