/**
 * `hisho backup`: writes every table of the database into a Hisho backup file (format.ts).
 *
 * - One snapshot: the data is read in a REPEATABLE READ, READ ONLY transaction, so the file is
 *   consistent even while the daemon writes.
 * - The header's per-table checksums are computed by the database; the rows written are checksummed
 *   again in JavaScript while writing, and the two must agree (a rendering difference is caught at
 *   backup time, not at restore time).
 * - Atomic: the file is written under a temporary name in the target folder, flushed to disk and
 *   renamed over the target only when complete. A failure (disk full, read-only folder) removes the
 *   temporary file and leaves an existing backup of that name untouched.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { sql } from 'drizzle-orm';
import type { Database } from '../db/drivers';
import { VERSION } from '../version';
import {
  ChecksumBuilder,
  checksumTable,
  listTables,
  migrationState,
  readTableText,
  rowsOf,
  setCanonicalText,
  type Executor,
} from './catalog';
import { BACKUP_EXTENSION, BACKUP_FORMAT, BACKUP_FORMAT_VERSION, BackupEncoder, type BackupHeader, type BackupTable } from './format';

export interface BackupResult {
  file: string;
  bytes: number;
  header: BackupHeader;
  durationMs: number;
}

export interface BackupOptions {
  /** Opens the output stream (tests inject failing streams). Default: fs.createWriteStream. */
  openOutput?: (file: string) => Writable;
  /** For the header; defaults to the daemon's version. */
  hishoVersion?: string;
}

/** `hisho-20250131-030000.hisho-backup.gz` (local time): sorts by time, safe on every file system. */
export function backupFileName(at: Date = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${at.getFullYear()}${p(at.getMonth() + 1)}${p(at.getDate())}-${p(at.getHours())}${p(at.getMinutes())}${p(at.getSeconds())}`;
  return `hisho-${stamp}${BACKUP_EXTENSION}`;
}

async function serverVersion(db: Executor): Promise<string> {
  const [r] = await rowsOf<{ v: string }>(db, sql`SELECT current_setting('server_version') AS v`);
  return r?.v ?? '?';
}

/** Writes the backup's lines inside one snapshot of the database. */
async function* backupLines(tx: Executor, kind: Database['kind'], hishoVersion: string): AsyncGenerator<string> {
  await setCanonicalText(tx);
  const tables = await listTables(tx);
  const entries: BackupTable[] = [];
  for (const t of tables) {
    const columns = t.columns.map((c) => c.name);
    const sum = await checksumTable(tx, t.name, columns);
    entries.push({ name: t.name, columns: t.columns, rows: sum.rows, checksum: sum.checksum });
  }
  const header: BackupHeader = {
    format: BACKUP_FORMAT,
    formatVersion: BACKUP_FORMAT_VERSION,
    hishoVersion,
    createdAt: new Date().toISOString(),
    source: { kind, serverVersion: await serverVersion(tx) },
    schema: await migrationState(tx),
    tables: entries,
  };
  const encoder = new BackupEncoder();
  yield encoder.line(header);
  for (const [i, t] of tables.entries()) {
    const entry = entries[i] as BackupTable;
    yield encoder.line({ table: t.name, rows: entry.rows });
    const check = new ChecksumBuilder();
    let chunk = '';
    for await (const values of readTableText(tx, t)) {
      check.add(values);
      chunk += encoder.line(values);
      if (chunk.length > 64 * 1024) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk) yield chunk;
    if (check.rows !== entry.rows || check.digest() !== entry.checksum) {
      throw new Error(
        `Backup aborted: table ${t.name} read back differently from its database checksum (${check.rows} rows vs ${entry.rows}); please report this`,
      );
    }
  }
  yield encoder.trailer();
}

function explainWriteError(e: unknown, file: string): Error {
  const err = e as NodeJS.ErrnoException;
  const where = path.dirname(file);
  switch (err.code) {
    case 'ENOSPC':
      return new Error(`The disk is full: the backup ${file} could not be written (any earlier backup of that name is kept)`, { cause: e });
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return new Error(`Cannot write in ${where} (${err.code}): choose a folder you can write to`, { cause: e });
    default:
      return e instanceof Error ? e : new Error(String(e));
  }
}

/** Backs the whole database up into `file` (atomically). */
export async function backupDatabase(database: Database, file: string, options: BackupOptions = {}): Promise<BackupResult> {
  const started = Date.now();
  const target = path.resolve(file);
  try {
    await mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
  } catch (e) {
    throw explainWriteError(e, target);
  }
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}-${randomBytes(4).toString('hex')}.partial`);
  const openOutput = options.openOutput ?? ((f: string) => createWriteStream(f, { mode: 0o600 }));
  let header: BackupHeader | undefined;
  try {
    await database.db.transaction(
      async (tx) => {
        const lines = backupLines(tx, database.kind, options.hishoVersion ?? VERSION);
        const withHeader = (async function* () {
          for await (const chunk of lines) {
            if (!header) header = JSON.parse(chunk) as BackupHeader;
            yield chunk;
          }
        })();
        await pipeline(Readable.from(withHeader), createGzip({ level: 6 }), openOutput(temp));
      },
      { isolationLevel: 'repeatable read', accessMode: 'read only' },
    );
    // Flush to the disk before the rename, so a power cut cannot leave a renamed but empty file.
    const fh = await open(temp, 'r+');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(temp, target);
  } catch (e) {
    await unlink(temp).catch(() => undefined);
    throw explainWriteError(e, target);
  }
  const { size } = await stat(target);
  return { file: target, bytes: size, header: header as BackupHeader, durationMs: Date.now() - started };
}
