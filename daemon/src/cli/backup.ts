/** `hisho backup [FILE] [--format hisho|pg]` and `hisho restore FILE [--replace]`. */
import path from 'node:path';
import type { Config } from '../config';
import { migrateDatabase, openDatabase } from '../db/database';
import { acquireDataLock, DataFolderLockedError } from '../db/lock';
import { backupDatabase, backupFileName } from '../ops/backup';
import { verifyBackupFile } from '../ops/format';
import { isPgDumpArchive, pgDump, pgRestore } from '../ops/pgdump';
import { restoreBackup } from '../ops/restore';

export type BackupFormat = 'hisho' | 'pg';

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MB`;

function parseFormat(format: string | undefined): BackupFormat {
  if (format === undefined || format === 'hisho') return 'hisho';
  if (format === 'pg') return 'pg';
  throw new Error(`--format must be "hisho" (default: every database, portable) or "pg" (pg_dump, PostgreSQL servers only), not "${format}"`);
}

function explainLocked(e: unknown, action: string): never {
  if (e instanceof DataFolderLockedError) {
    throw new Error(
      `${e.message}\nThe embedded database can only be opened by one process: stop the daemon, then ${action} again.` +
        (action === 'back up' ? ' (The scheduled backup — "backup": {"enabled": true} in config.json — runs inside the daemon.)' : ''),
      { cause: e },
    );
  }
  throw e;
}

export async function runBackup(config: Config, file: string | undefined, options: { format?: string }, out: { write(text: string): unknown } = process.stdout): Promise<number> {
  const format = parseFormat(options.format);
  const target = path.resolve(file ?? path.join(config.backup.folder, format === 'pg' ? backupFileName().replace(/\.hisho-backup\.gz$/, '.pgdump') : backupFileName()));
  if (format === 'pg') {
    if (!config.databaseUrl) throw new Error('--format pg needs a PostgreSQL server (DATABASE_URL); the embedded database is backed up in the Hisho format (the default)');
    const r = await pgDump(config.databaseUrl, target);
    out.write(`Backed up with pg_dump to ${r.file} (${mb(r.bytes)}). Restore with: hisho restore ${JSON.stringify(r.file)}\n`);
    return 0;
  }
  // A server handles concurrent readers (the backup reads one snapshot); the embedded database needs the lock.
  const lock = config.databaseUrl ? undefined : await acquireDataLock(config.home).catch((e: unknown) => explainLocked(e, 'back up'));
  try {
    const database = await openDatabase({ url: config.databaseUrl, dataDir: config.paths.data });
    try {
      const r = await backupDatabase(database, target);
      const rows = r.header.tables.reduce((n, t) => n + t.rows, 0);
      out.write(`Backed up ${rows} rows in ${r.header.tables.length} tables (${database.kind}) to ${r.file} (${mb(r.bytes)}) in ${(r.durationMs / 1000).toFixed(1)} s.\n`);
      return 0;
    } finally {
      await database.close();
    }
  } finally {
    await lock?.release();
  }
}

export async function runRestore(config: Config, file: string, options: { replace?: boolean }, out: { write(text: string): unknown } = process.stdout): Promise<number> {
  const source = path.resolve(file);
  // No daemon may use the database while it is replaced (and PGlite cannot be opened twice).
  const lock = await acquireDataLock(config.home).catch((e: unknown) => explainLocked(e, 'restore'));
  try {
    if (await isPgDumpArchive(source).catch(() => false)) {
      if (!config.databaseUrl) throw new Error(`${source} is a pg_dump archive: it restores into a PostgreSQL server only (set DATABASE_URL). Nothing was changed.`);
      await pgRestore(config.databaseUrl, source);
      out.write(`Restored ${source} with pg_restore.\n`);
      return 0;
    }
    // Check the whole file before opening (and possibly creating) anything.
    const header = await verifyBackupFile(source);
    out.write(`${source}: Hisho backup of ${header.createdAt} (Hisho ${header.hishoVersion}, ${header.source.kind}), verified.\n`);
    const database = await openDatabase({ url: config.databaseUrl, dataDir: config.paths.data });
    try {
      await migrateDatabase(database);
      const r = await restoreBackup(database, source, { replace: options.replace === true });
      out.write(`Restored ${r.rows} rows in ${r.tables} tables into the ${database.kind} database in ${(r.durationMs / 1000).toFixed(1)} s; every table's checksum matches the backup.\n`);
      return 0;
    } finally {
      await database.close();
    }
  } finally {
    await lock.release();
  }
}
