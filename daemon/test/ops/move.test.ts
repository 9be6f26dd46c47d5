import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { migrateDatabase, openDatabase } from '../../src/db/database';
import { acquireDataLock, DataFolderLockedError } from '../../src/db/lock';
import { copyDatabase, moveToServer, MoveVerificationError, verifyCopy } from '../../src/ops/move';
import { DatabaseNotEmptyError } from '../../src/ops/restore';
import { testDatabaseTargets, testPgUrl } from '../helpers/databases';
import { fillEveryTable, snapshot } from './fill';

/** Opening PGlite databases (WASM) is slow on a loaded machine (2 shared cores). */
const HEAVY_MS = 180_000;

describe('copy and verify (PGlite → PGlite; the same code as the move)', () => {
  it('copies every table, verifies, and detects a row changed between copy and verify', async () => {
    const [lite] = testDatabaseTargets();
    if (!lite) throw new Error('no PGlite target');
    const a = await lite.open();
    const b = await lite.open();
    try {
      await fillEveryTable(a.db);
      const copied = await copyDatabase(a, b);
      expect(copied.rows).toBeGreaterThan(30);
      expect(await snapshot(b.db)).toEqual(await snapshot(a.db));
      const good = await verifyCopy(a, b);
      expect(good.ok).toBe(true);
      expect(good.tables.length).toBe(copied.tables);

      await b.db.execute(sql`UPDATE tasks SET name = name || '!' WHERE id = (SELECT min(id) FROM tasks)`);
      const bad = await verifyCopy(a, b);
      expect(bad.ok).toBe(false);
      expect(bad.tables.filter((t) => !t.ok).map((t) => t.table)).toEqual(['tasks']);
      expect(new MoveVerificationError(bad).message).toMatch(/tasks \(\d+ rows here, \d+ there, different content\)/);

      // A second copy into a target that now holds user data is refused, naming the tables.
      const err = await copyDatabase(a, b).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DatabaseNotEmptyError);
      expect((err as Error).message).toMatch(/tasks \(\d+ rows\)/);
    } finally {
      await a.dispose();
      await b.dispose();
    }
  }, HEAVY_MS);
});

describe.skipIf(!testPgUrl())('hisho db move --to a PostgreSQL server', () => {
  const admin = testPgUrl() as string;
  const created: string[] = [];
  let home: string;

  async function adminQuery(q: string) {
    const c = new pg.Client({ connectionString: admin });
    await c.connect();
    try {
      await c.query(q);
    } finally {
      await c.end();
    }
  }
  async function newServerDatabase(): Promise<string> {
    const name = `hisho_move_${process.pid}_${randomBytes(4).toString('hex')}`;
    await adminQuery(`CREATE DATABASE "${name}" ENCODING 'UTF8' TEMPLATE template0`);
    created.push(name);
    const u = new URL(admin);
    u.pathname = `/${name}`;
    return u.toString();
  }

  beforeAll(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'hisho-move-'));
    await writeFile(path.join(home, 'config.json'), JSON.stringify({ port: 0, logLevel: 'warn' }));
    const config = loadConfig({ HISHO_HOME: home });
    const lite = await openDatabase({ dataDir: config.paths.data });
    await migrateDatabase(lite);
    await fillEveryTable(lite.db);
    await lite.close();
  }, 120_000);
  afterAll(async () => {
    await rm(home, { recursive: true, force: true });
    for (const name of created) await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => undefined);
  });

  it('is refused while a daemon holds the data folder', async () => {
    const lock = await acquireDataLock(home);
    try {
      const err = await moveToServer(loadConfig({ HISHO_HOME: home }), await newServerDatabase()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DataFolderLockedError);
    } finally {
      await lock.release();
    }
  }, HEAVY_MS);

  it('is refused into a server database that holds data, naming the tables', async () => {
    const url = await newServerDatabase();
    const busy = await openDatabase({ url, dataDir: home });
    await migrateDatabase(busy);
    await busy.db.execute(sql`INSERT INTO conversations (title) VALUES ('既存')`);
    await busy.close();
    const err = await moveToServer(loadConfig({ HISHO_HOME: home }), url).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatabaseNotEmptyError);
    expect((err as Error).message).toMatch(/conversations \(1 rows\)/);
    expect(JSON.parse(await readFile(path.join(home, 'config.json'), 'utf8'))).toEqual({ port: 0, logLevel: 'warn' });
  }, HEAVY_MS);

  it('a mismatch found by the verification changes no config and empties the server again', async () => {
    const url = await newServerDatabase();
    const err = await moveToServer(loadConfig({ HISHO_HOME: home }), url, {
      beforeVerify: async (target) => {
        await target.db.execute(sql`DELETE FROM messages WHERE id = (SELECT max(id) FROM messages)`);
      },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MoveVerificationError);
    expect((err as Error).message).toMatch(/messages/);
    expect(JSON.parse(await readFile(path.join(home, 'config.json'), 'utf8')).databaseUrl).toBeUndefined();
  }, HEAVY_MS);

  it('copies everything into an empty server, verifies it, switches the config and keeps the data folder', async () => {
    const url = await newServerDatabase();
    const config = loadConfig({ HISHO_HOME: home });
    const lite = await openDatabase({ dataDir: config.paths.data });
    const before = await snapshot(lite.db);
    await lite.close();

    const t0 = Date.now();
    const result = await moveToServer(config, url);
    console.info(`move: ${result.rows} rows in ${result.tables} tables in ${Date.now() - t0} ms`);
    expect(result.report.ok).toBe(true);
    expect(result.oldDataFolder).toBe(config.paths.data);
    expect(JSON.parse(await readFile(config.paths.configFile, 'utf8'))).toEqual({ port: 0, logLevel: 'warn', databaseUrl: url });

    const after = loadConfig({ HISHO_HOME: home });
    expect(after.databaseUrl).toBe(url);
    const server = await openDatabase({ url, dataDir: home });
    try {
      expect(await snapshot(server.db)).toEqual(before);
    } finally {
      await server.close();
    }
    // Moving again is refused: the config now points at a server.
    await expect(moveToServer(after, url)).rejects.toThrow(/already uses a PostgreSQL server/);
  }, HEAVY_MS);
});
