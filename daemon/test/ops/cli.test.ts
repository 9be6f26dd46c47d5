import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBackup, runRestore } from '../../src/cli/backup';
import { loadConfig } from '../../src/config';
import { migrateDatabase, openDatabase } from '../../src/db/database';
import { acquireDataLock } from '../../src/db/lock';
import { testPgUrl } from '../helpers/databases';
import { fillEveryTable, snapshot } from './fill';

/** Opening PGlite databases (WASM) is slow on a loaded machine (2 shared cores). */
const HEAVY_MS = 180_000;

function capture() {
  let text = '';
  const out = new Writable({
    write(chunk: Buffer, _e, cb) {
      text += chunk.toString('utf8');
      cb();
    },
  });
  return { out, text: () => text };
}

describe('hisho backup / restore on the embedded database', () => {
  let root: string;
  let homeA: string;
  let homeB: string;
  let before: Awaited<ReturnType<typeof snapshot>>;

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'hisho-cli-backup-'));
    homeA = path.join(root, 'a');
    homeB = path.join(root, 'b');
    const db = await openDatabase({ dataDir: loadConfig({ HISHO_HOME: homeA }).paths.data });
    await migrateDatabase(db);
    await fillEveryTable(db.db);
    before = await snapshot(db.db);
    await db.close();
  }, 120_000);
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('backs up into HISHO_HOME/backups by default and restores into another home', async () => {
    const configA = loadConfig({ HISHO_HOME: homeA });
    const o1 = capture();
    expect(await runBackup(configA, undefined, {}, o1.out)).toBe(0);
    const files = await readdir(configA.backup.folder);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^hisho-\d{8}-\d{6}\.hisho-backup\.gz$/);
    expect(o1.text()).toMatch(/Backed up \d+ rows in \d+ tables \(pglite\)/);

    const o2 = capture();
    const file = path.join(configA.backup.folder, files[0] as string);
    expect(await runRestore(loadConfig({ HISHO_HOME: homeB }), file, {}, o2.out)).toBe(0);
    expect(o2.text()).toMatch(/verified[\s\S]*Restored \d+ rows in \d+ tables into the pglite database/);
    const db = await openDatabase({ dataDir: loadConfig({ HISHO_HOME: homeB }).paths.data });
    try {
      expect(await snapshot(db.db)).toEqual(before);
    } finally {
      await db.close();
    }
    // Again, over data: refused without --replace.
    await expect(runRestore(loadConfig({ HISHO_HOME: homeB }), file, {}, capture().out)).rejects.toThrow(/--replace/);
    expect(await runRestore(loadConfig({ HISHO_HOME: homeB }), file, { replace: true }, capture().out)).toBe(0);
  }, HEAVY_MS);

  it('refuses while a daemon holds the data folder, with what to do', async () => {
    const config = loadConfig({ HISHO_HOME: homeA });
    const lock = await acquireDataLock(config.home);
    try {
      await expect(runRestore(config, path.join(root, 'x.gz'), {}, capture().out)).rejects.toThrow(/stop the daemon, then restore again/);
      await expect(runBackup(config, path.join(root, 'y.gz'), {}, capture().out)).rejects.toThrow(/stop the daemon, then back up again[\s\S]*scheduled backup/);
    } finally {
      await lock.release();
    }
  }, HEAVY_MS);

  it('refuses a foreign file before opening the database', async () => {
    const home = path.join(root, 'never-created');
    const bad = path.join(root, 'notes.txt');
    await writeFile(bad, 'hello');
    await expect(runRestore(loadConfig({ HISHO_HOME: home }), bad, {}, capture().out)).rejects.toThrow(/not a Hisho backup/);
    expect(await readdir(home)).not.toContain('data');
  }, HEAVY_MS);

  it('--format pg: only for a server, and a clear message when pg_dump is missing', async () => {
    await expect(runBackup(loadConfig({ HISHO_HOME: homeA }), path.join(root, 'p.dump'), { format: 'pg' }, capture().out)).rejects.toThrow(
      /needs a PostgreSQL server/,
    );
    await expect(runBackup(loadConfig({ HISHO_HOME: homeA }), undefined, { format: 'zip' }, capture().out)).rejects.toThrow(/--format must be/);
    const savedPath = process.env.PATH;
    process.env.PATH = path.join(root, 'empty-bin');
    try {
      const config = loadConfig({ HISHO_HOME: homeA, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
      await expect(runBackup(config, path.join(root, 'p.dump'), { format: 'pg' }, capture().out)).rejects.toThrow(
        /pg_dump is not installed[\s\S]*default Hisho format/,
      );
    } finally {
      process.env.PATH = savedPath;
    }
  }, HEAVY_MS);
});

describe.skipIf(!testPgUrl())('hisho backup --format pg (pg_dump / pg_restore) on a PostgreSQL server', () => {
  const admin = testPgUrl() as string;
  const names: string[] = [];
  let root: string;
  const q = async (text: string) => {
    const c = new pg.Client({ connectionString: admin });
    await c.connect();
    try {
      await c.query(text);
    } finally {
      await c.end();
    }
  };
  const fresh = async () => {
    const name = `hisho_pgdump_${process.pid}_${randomBytes(4).toString('hex')}`;
    await q(`CREATE DATABASE "${name}" ENCODING 'UTF8' TEMPLATE template0`);
    names.push(name);
    const u = new URL(admin);
    u.pathname = `/${name}`;
    return u.toString();
  };
  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'hisho-pgdump-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
    for (const n of names) await q(`DROP DATABASE IF EXISTS "${n}" WITH (FORCE)`).catch(() => undefined);
  });

  it('round trip through pg_dump and pg_restore', async () => {
    const urlA = await fresh();
    const a = await openDatabase({ url: urlA, dataDir: root });
    await migrateDatabase(a);
    await fillEveryTable(a.db);
    const before = await snapshot(a.db);
    await a.close();
    const file = path.join(root, 'server.pgdump');
    const o = capture();
    expect(await runBackup(loadConfig({ HISHO_HOME: path.join(root, 'h1'), DATABASE_URL: urlA }), file, { format: 'pg' }, o.out)).toBe(0);
    expect(o.text()).toMatch(/pg_dump/);

    const urlB = await fresh();
    expect(await runRestore(loadConfig({ HISHO_HOME: path.join(root, 'h2'), DATABASE_URL: urlB }), file, {}, capture().out)).toBe(0);
    const b = await openDatabase({ url: urlB, dataDir: root });
    try {
      expect(await snapshot(b.db)).toEqual(before);
    } finally {
      await b.close();
    }
    // A pg_dump archive cannot go into the embedded database.
    await expect(runRestore(loadConfig({ HISHO_HOME: path.join(root, 'h3') }), file, {}, capture().out)).rejects.toThrow(/PostgreSQL server only/);
  }, HEAVY_MS);
});
