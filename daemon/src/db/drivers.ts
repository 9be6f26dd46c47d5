/**
 * Driver adapters behind `Database` (internal to daemon/src/db and the test helpers).
 * Both wrap a drizzle instance typed as the shared `Db`, so the rest of the daemon has one code path;
 * only migration differs per driver (drizzle's migrators are driver-specific).
 */
import type { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import { migrate as migrateNodePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import type { Pool, PoolClient } from 'pg';
import * as schema from './schema';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
/** The `tx` of `db.transaction(async (tx) => …)`; functions that work in or out of a transaction take `Db | Tx`. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DatabaseKind = 'postgres' | 'pglite';
export interface Database {
  readonly kind: DatabaseKind;
  readonly db: Db;
  ping(): Promise<void>;
  close(): Promise<void>;
}

type Migrator = (migrationsFolder: string) => Promise<void>;
const migrators = new WeakMap<Database, Migrator>();

/** The driver-specific migrator of a Database made by this module. */
export function migratorOf(database: Database): Migrator {
  const m = migrators.get(database);
  if (!m) throw new Error('This Database was not opened by openDatabase(): cannot migrate it');
  return m;
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let p: Promise<void> | undefined;
  return () => (p ??= fn());
}

/**
 * A client checked out of the pool whose connection dies (PostgreSQL restarted, its backend
 * terminated) emits 'error' on itself, where pg-pool listens only while the client is idle: unheard,
 * that event would crash the daemon. And drizzle's transaction() does not release a client whose
 * BEGIN failed: leaked, it would hold a place in the pool for good and keep pool.end() waiting. So a
 * client handed out by connect() leaves the pool as soon as its connection fails (its query fails
 * all the same), and a release() after that does nothing. pool.query() (connect with a callback)
 * handles this itself.
 */
function releaseBrokenClients(pool: Pool): void {
  const connect = pool.connect.bind(pool) as { (): Promise<PoolClient>; (callback: Parameters<Pool['connect']>[0]): void };
  pool.connect = ((callback?: Parameters<Pool['connect']>[0]) => {
    if (callback) return connect(callback);
    return connect().then((client) => {
      const release = client.release;
      let released = false;
      const releaseOnce = (err?: Error | boolean) => {
        if (released) return;
        released = true;
        client.removeListener('error', releaseOnce);
        release(err);
      };
      client.on('error', releaseOnce);
      client.release = releaseOnce;
      return client;
    });
  }) as Pool['connect'];
}

/** Wraps a node-postgres pool. close() ends the pool. */
export function databaseFromPool(pool: Pool, onClose?: () => Promise<void>): Database {
  releaseBrokenClients(pool);
  const db = drizzleNodePg({ client: pool, schema });
  const database: Database = {
    kind: 'postgres',
    db: db as unknown as Db,
    async ping() {
      await db.execute(sql`select 1`);
    },
    close: once(async () => {
      await pool.end();
      await onClose?.();
    }),
  };
  migrators.set(database, (migrationsFolder) => migrateNodePg(db, { migrationsFolder }));
  return database;
}

/** Wraps a PGlite instance. close() closes it. */
export function databaseFromPglite(client: PGlite, onClose?: () => Promise<void>): Database {
  const db = drizzlePglite({ client, schema });
  const database: Database = {
    kind: 'pglite',
    db: db as unknown as Db,
    async ping() {
      await db.execute(sql`select 1`);
    },
    close: once(async () => {
      if (!client.closed) await client.close();
      await onClose?.();
    }),
  };
  migrators.set(database, (migrationsFolder) => migratePglite(db, { migrationsFolder }));
  return database;
}
