/**
 * The Hisho backup file (`*.hisho-backup.gz`): one format for PGlite and PostgreSQL, restorable into
 * either, independent of the PostgreSQL major version on each side.
 *
 * A gzip stream of UTF-8 JSON lines:
 *   1. the header: {"format":"hisho-backup","formatVersion":1, hishoVersion, createdAt, source,
 *      schema (applied migrations), tables: [{name, columns:[{name,type}], rows, checksum}]}
 *   2. per table, in foreign-key dependency order: {"table":name,"rows":n}, then n lines, each a JSON
 *      array of the row's column texts (`col::text`, null for NULL) in the header's column order
 *   3. the trailer: {"end":true,"sha256":…} — SHA-256 of every byte before the trailer line.
 *
 * Checks on reading, all before anything is changed: gzip's own CRC and length (truncation), the
 * magic and version, every section against the header, each table's checksum (the same function
 * the database computes, catalog.ts) and the SHA-256 of the whole payload.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { ChecksumBuilder, type ColumnInfo, type MigrationState } from './catalog';
import type { DatabaseKind } from '../db/drivers';

export const BACKUP_FORMAT = 'hisho-backup';
export const BACKUP_FORMAT_VERSION = 1;
export const BACKUP_EXTENSION = '.hisho-backup.gz';

export interface BackupTable {
  name: string;
  columns: ColumnInfo[];
  rows: number;
  checksum: string;
}

export interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  formatVersion: number;
  hishoVersion: string;
  createdAt: string;
  source: { kind: DatabaseKind; serverVersion: string };
  schema: MigrationState;
  tables: BackupTable[];
}

/** The file cannot be restored: corrupt, truncated, foreign, or from an incompatible version. Nothing was changed. */
export class BackupFileError extends Error {
  override readonly name = 'BackupFileError';
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file} cannot be restored: ${reason}. Nothing was changed.`);
  }
}

/** Serialises lines and keeps the running SHA-256 of everything written before the trailer. */
export class BackupEncoder {
  private readonly hash: Hash = createHash('sha256');
  line(value: unknown): string {
    const text = `${JSON.stringify(value)}\n`;
    this.hash.update(text, 'utf8');
    return text;
  }
  trailer(): string {
    return `${JSON.stringify({ end: true, sha256: this.hash.digest('hex') })}\n`;
  }
}

export type BackupEvent =
  | { type: 'header'; header: BackupHeader }
  | { type: 'table'; table: BackupTable }
  | { type: 'row'; table: BackupTable; values: Array<string | null> }
  | { type: 'end' };

function describeZlibError(e: NodeJS.ErrnoException): string {
  if (e.code === 'Z_BUF_ERROR' || /unexpected end/i.test(e.message)) return 'the file is truncated (incomplete gzip stream)';
  if (e.code === 'Z_DATA_ERROR') return `it is not a Hisho backup or it is corrupt (${e.message})`;
  return e.message;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkHeader(file: string, v: unknown): BackupHeader {
  if (!isObject(v) || v.format !== BACKUP_FORMAT) throw new BackupFileError(file, 'it is not a Hisho backup (no Hisho backup header)');
  if (typeof v.formatVersion !== 'number' || v.formatVersion > BACKUP_FORMAT_VERSION) {
    throw new BackupFileError(
      file,
      `it was written in backup format ${String(v.formatVersion)} by Hisho ${String(v.hishoVersion)}; this Hisho reads format ${BACKUP_FORMAT_VERSION} — update Hisho first`,
    );
  }
  const tables = v.tables;
  if (!Array.isArray(tables) || !isObject(v.schema) || !isObject(v.source)) throw new BackupFileError(file, 'its header is incomplete');
  for (const t of tables as unknown[]) {
    if (!isObject(t) || typeof t.name !== 'string' || !Array.isArray(t.columns) || typeof t.rows !== 'number' || typeof t.checksum !== 'string') {
      throw new BackupFileError(file, 'its header lists a table without name, columns, row count or checksum');
    }
  }
  return v as unknown as BackupHeader;
}

/**
 * Reads a backup file and checks it while reading; yields its content. A consumer that reaches the
 * 'end' event has read a complete, intact file; any problem throws BackupFileError.
 */
export async function* readBackup(file: string): AsyncGenerator<BackupEvent> {
  const input = createReadStream(file);
  const gunzip = createGunzip();
  let streamError: NodeJS.ErrnoException | undefined;
  const fail = (e: NodeJS.ErrnoException) => {
    streamError ??= e;
  };
  input.on('error', (e) => {
    fail(e);
    gunzip.destroy(e);
  });
  gunzip.on('error', fail);
  const lines = createInterface({ input: input.pipe(gunzip), crlfDelay: Infinity });
  const hash = createHash('sha256');

  let header: BackupHeader | undefined;
  let tableIndex = -1;
  let current: BackupTable | undefined;
  let seen = 0;
  let sum = new ChecksumBuilder();
  let ended = false;
  let lineNo = 0;

  const finishTable = () => {
    if (!current) return;
    if (seen !== current.rows) throw new BackupFileError(file, `table ${current.name} holds ${seen} rows, the header says ${current.rows}`);
    if (sum.digest() !== current.checksum) throw new BackupFileError(file, `the checksum of table ${current.name} does not match (corrupt content)`);
    current = undefined;
  };

  try {
    for await (const line of lines) {
      lineNo++;
      if (ended) throw new BackupFileError(file, 'there is data after the end marker');
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        throw new BackupFileError(
          file,
          lineNo === 1 ? 'it is not a Hisho backup (unreadable header)' : `line ${lineNo} is not valid JSON (corrupt content)`,
        );
      }
      if (!header) {
        header = checkHeader(file, value);
        hash.update(`${line}\n`, 'utf8');
        yield { type: 'header', header };
        continue;
      }
      if (Array.isArray(value)) {
        if (!current) throw new BackupFileError(file, `line ${lineNo} holds a row outside any table`);
        if (value.length !== current.columns.length || !value.every((x) => x === null || typeof x === 'string')) {
          throw new BackupFileError(file, `line ${lineNo} is not a row of ${current.name} (corrupt content)`);
        }
        hash.update(`${line}\n`, 'utf8');
        seen++;
        if (seen > current.rows) throw new BackupFileError(file, `table ${current.name} holds more rows than the header says`);
        const values = value as Array<string | null>;
        sum.add(values);
        yield { type: 'row', table: current, values };
        continue;
      }
      if (isObject(value) && typeof value.table === 'string') {
        finishTable();
        tableIndex++;
        const expected = header.tables[tableIndex];
        if (!expected || expected.name !== value.table) {
          throw new BackupFileError(file, `table ${value.table} appears where the header lists ${expected?.name ?? 'nothing'}`);
        }
        hash.update(`${line}\n`, 'utf8');
        current = expected;
        seen = 0;
        sum = new ChecksumBuilder();
        yield { type: 'table', table: expected };
        continue;
      }
      if (isObject(value) && value.end === true) {
        finishTable();
        if (tableIndex !== header.tables.length - 1) throw new BackupFileError(file, 'some tables listed in the header are missing');
        if (value.sha256 !== hash.digest('hex')) throw new BackupFileError(file, 'the SHA-256 of its content does not match (corrupt content)');
        ended = true;
        continue;
      }
      throw new BackupFileError(file, `line ${lineNo} is not part of a Hisho backup (corrupt content)`);
    }
  } catch (e) {
    if (e instanceof BackupFileError) throw e;
    const err = (streamError ?? e) as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') throw new BackupFileError(file, 'the file does not exist');
    throw new BackupFileError(file, describeZlibError(err));
  } finally {
    lines.close();
    input.destroy();
  }
  if (streamError) {
    if (streamError.code === 'ENOENT') throw new BackupFileError(file, 'the file does not exist');
    throw new BackupFileError(file, describeZlibError(streamError));
  }
  if (!header) throw new BackupFileError(file, 'it is empty');
  if (!ended) throw new BackupFileError(file, 'the file is truncated (no end marker)');
  yield { type: 'end' };
}

/** Reads the whole file and checks everything; returns its header. Changes nothing. */
export async function verifyBackupFile(file: string): Promise<BackupHeader> {
  let header: BackupHeader | undefined;
  for await (const event of readBackup(file)) {
    if (event.type === 'header') header = event.header;
  }
  if (!header) throw new BackupFileError(file, 'it is empty');
  return header;
}
