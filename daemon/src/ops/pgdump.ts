/**
 * `--format pg`: PostgreSQL's own tools for a PostgreSQL server (pg_dump custom format, pg_restore in
 * one transaction). Useful to hand a dump to other PostgreSQL tooling; the Hisho format (format.ts)
 * stays the default because it also covers PGlite, moves between PostgreSQL major versions in both
 * directions and is verified before anything is changed.
 * The password never appears on a command line (it goes through PGPASSWORD).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { open, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';

export class ToolMissingError extends Error {
  override readonly name = 'ToolMissingError';
  constructor(tool: string) {
    super(
      `${tool} is not installed (or not on PATH). Install the PostgreSQL client tools of the server's major version or newer ` +
        `(Debian/Ubuntu: apt install postgresql-client; macOS: brew install libpq; Windows: the PostgreSQL installer), ` +
        `or use the default Hisho format (without --format pg), which needs no external tool.`,
    );
  }
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(tool: string, args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { env, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', (e: NodeJS.ErrnoException) => reject(e.code === 'ENOENT' ? new ToolMissingError(tool) : e));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** The URL without its password, and the environment carrying it. */
function connection(url: string): { url: string; env: NodeJS.ProcessEnv } {
  const u = new URL(url);
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (u.password) {
    env.PGPASSWORD = decodeURIComponent(u.password);
    u.password = '';
  }
  return { url: u.toString(), env };
}

function explain(tool: string, r: Run): Error {
  const text = r.stderr.trim();
  if (/server version mismatch|unsupported version/i.test(text)) {
    return new Error(`${tool} is older than the PostgreSQL server: install the client tools of the server's major version, or use the default Hisho format. (${text.split('\n')[0]})`);
  }
  return new Error(`${tool} failed (exit ${r.code}): ${text.split('\n').slice(0, 5).join(' ')}`);
}

/** A pg_dump custom-format archive starts with these bytes. */
export async function isPgDumpArchive(file: string): Promise<boolean> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(5);
    await fh.read(buf, 0, 5, 0);
    return buf.toString('latin1') === 'PGDMP';
  } finally {
    await fh.close();
  }
}

export async function pgDump(databaseUrl: string, file: string): Promise<{ file: string; bytes: number }> {
  const target = path.resolve(file);
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}-${randomBytes(4).toString('hex')}.partial`);
  const { url, env } = connection(databaseUrl);
  try {
    const r = await run('pg_dump', ['--format=custom', '--no-owner', '--no-privileges', `--file=${temp}`, `--dbname=${url}`], env);
    if (r.code !== 0) throw explain('pg_dump', r);
    await rename(temp, target);
  } catch (e) {
    await unlink(temp).catch(() => undefined);
    throw e;
  }
  return { file: target, bytes: (await stat(target)).size };
}

/** Checks the archive's table of contents first (refuses a foreign or corrupt file), then restores in one transaction. */
export async function pgRestore(databaseUrl: string, file: string): Promise<void> {
  if (!(await isPgDumpArchive(file))) throw new Error(`${file} is not a pg_dump custom-format archive. Nothing was changed.`);
  const { url, env } = connection(databaseUrl);
  const list = await run('pg_restore', ['--list', file], env);
  if (list.code !== 0) throw new Error(`${file} cannot be read by pg_restore (${list.stderr.trim().split('\n')[0]}). Nothing was changed.`);
  const r = await run('pg_restore', ['--clean', '--if-exists', '--single-transaction', '--exit-on-error', '--no-owner', '--no-privileges', `--dbname=${url}`, file], env);
  if (r.code !== 0) throw new Error(`${explain('pg_restore', r).message} The restore ran in one transaction: nothing was changed.`);
}
