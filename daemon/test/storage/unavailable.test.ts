/**
 * databaseUnavailable (db/errors.ts) on the errors the real drivers throw: a database that cannot be
 * reached (PGlite closed; PostgreSQL refusing the connection, terminating it, refusing the login,
 * out of connections for the role, a pool that cannot get a connection in time or has ended) is told
 * apart from a database that answered with an error (a duplicate, bad SQL), which the request caused.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/database';
import { databaseFromPool } from '../../src/db/drivers';
import { databaseUnavailable, pgErrorOf } from '../../src/db/errors';
import { roles } from '../../src/db/schema';
import { testDatabaseTargets, type TestDatabase } from '../helpers/databases';
import { openOutage } from '../helpers/outage';

/** The error `run` fails with (the test fails if it succeeds). */
async function failure(run: () => Promise<unknown>): Promise<unknown> {
  return run().then(
    () => expect.unreachable('expected a failure'),
    (e: unknown) => e,
  );
}

describe.each(testDatabaseTargets())('errors of a database that answered, on $kind', (target) => {
  let tdb: TestDatabase;
  beforeAll(async () => {
    tdb = await target.open();
  });
  afterAll(async () => tdb?.dispose());

  it('are not an outage: a duplicate, bad SQL, an error of the daemon', async () => {
    const duplicate = await failure(() => tdb.db.insert(roles).values({ name: 'admin', category: 'x' }));
    expect(pgErrorOf(duplicate)?.code).toBe('23505');
    expect(databaseUnavailable(duplicate)).toBeUndefined();
    const syntax = await failure(() => tdb.db.execute(sql`selec 1`));
    expect(pgErrorOf(syntax)?.code).toBe('42601');
    expect(databaseUnavailable(syntax)).toBeUndefined();
    expect(databaseUnavailable(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBeUndefined();
    expect(databaseUnavailable(undefined)).toBeUndefined();
  });
});

describe('a closed PGlite', () => {
  it('is an outage, for a query and a transaction alike', async () => {
    const tdb = await testDatabaseTargets()[0]!.open();
    try {
      await tdb.close();
      expect(databaseUnavailable(await failure(() => tdb.db.execute(sql`select 1`)))).toEqual({ message: 'PGlite is closed' });
      expect(databaseUnavailable(await failure(() => tdb.db.transaction(async (tx) => tx.execute(sql`select 1`))))).toEqual({ message: 'PGlite is closed' });
    } finally {
      await tdb.dispose();
    }
  });
});

const postgres = testDatabaseTargets().find((t) => t.kind === 'postgres');

describe.runIf(postgres)('PostgreSQL that cannot be reached', () => {
  let tdb: TestDatabase;
  let url: URL;
  const admin = (text: string) => tdb.db.execute(sql.raw(text));
  beforeAll(async () => {
    tdb = await postgres!.open();
    url = new URL((tdb.db as unknown as { $client: pg.Pool }).$client.options.connectionString!);
  });
  afterAll(async () => tdb?.dispose());

  /** A Database over a pool of its own (closed by the test). */
  const poolOf = (options: pg.PoolConfig) => {
    const pool = new pg.Pool(options);
    pool.on('error', () => undefined);
    return databaseFromPool(pool);
  };

  it('nothing listening: ECONNREFUSED, for a query and for a transaction', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port: p } = server.address() as AddressInfo;
        server.close(() => resolve(p));
      });
    });
    const database = poolOf({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres', connectionTimeoutMillis: 2000 });
    try {
      expect(databaseUnavailable(await failure(() => database.db.execute(sql`select 1`)))).toMatchObject({ code: 'ECONNREFUSED' });
      expect(databaseUnavailable(await failure(() => database.db.transaction(async (tx) => tx.execute(sql`select 1`))))).toMatchObject({ code: 'ECONNREFUSED' });
    } finally {
      await database.close();
    }
  });

  it('a connection terminated during a query (57P01), then the login refused while cut (class 28)', async () => {
    const outage = await openOutage(tdb);
    try {
      const pidOf = async (db: Db) => ((await db.execute(sql`select pg_backend_pid() as pid`)) as unknown as { rows: Array<{ pid: number }> }).rows[0]!.pid;
      expect(await pidOf(outage.db)).toBeGreaterThan(0);
      const sleeping = failure(() => outage.db.execute(sql`select pg_sleep(30)`));
      // Wait until the sleep runs, so that it is the query in flight that is cut.
      for (let i = 0; i < 100; i++) {
        const r = (await admin(`select count(*)::int as n from pg_stat_activity where query = 'select pg_sleep(30)' and state = 'active'`)) as unknown as { rows: Array<{ n: number }> };
        if (r.rows[0]!.n > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await outage.cut();
      expect(databaseUnavailable(await sleeping)).toMatchObject({ code: '57P01' });
      const refused = databaseUnavailable(await failure(() => outage.db.execute(sql`select 1`)));
      expect(refused?.code).toMatch(/^28/);
      await outage.restore();
      expect(await pidOf(outage.db)).toBeGreaterThan(0);
    } finally {
      await outage.dispose();
    }
  });

  it('no connection left for its role (53300)', async () => {
    const role = `hisho_nolimit_${randomBytes(4).toString('hex')}`;
    const password = randomBytes(12).toString('hex');
    await admin(`CREATE ROLE "${role}" LOGIN PASSWORD '${password}' CONNECTION LIMIT 0`);
    const as = new URL(url);
    as.username = role;
    as.password = password;
    const database = poolOf({ connectionString: as.toString(), connectionTimeoutMillis: 2000 });
    try {
      expect(databaseUnavailable(await failure(() => database.db.execute(sql`select 1`)))).toMatchObject({ code: '53300' });
    } finally {
      await database.close();
      await admin(`DROP ROLE "${role}"`);
    }
  });

  it('a pool that cannot hand out a connection in time, and a pool that has ended', async () => {
    const database = poolOf({ connectionString: url.toString(), max: 1, connectionTimeoutMillis: 200 });
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const holding = database.db.transaction(async () => held);
    try {
      expect(databaseUnavailable(await failure(() => database.db.execute(sql`select 1`)))).toEqual({ message: 'timeout exceeded when trying to connect' });
    } finally {
      release();
      await holding;
      await database.close();
    }
    expect(databaseUnavailable(await failure(() => database.db.execute(sql`select 1`)))).toEqual({ message: 'Cannot use a pool after calling end on the pool' });
  });
});
