import { mkdir } from 'node:fs/promises';
import type { Config } from '../config';
import { migrateDatabase, openDatabase } from '../db/database';
import { acquireDataLock } from '../db/lock';

export async function runMigrate(config: Config): Promise<number> {
  await mkdir(config.home, { recursive: true, mode: 0o700 });
  // The embedded database must not be opened by two processes: hold the same lock as the daemon.
  const lock = await acquireDataLock(config.home);
  try {
    const database = await openDatabase({ url: config.databaseUrl, dataDir: config.paths.data });
    try {
      await migrateDatabase(database);
      process.stdout.write(`Database is up to date (${database.kind}).\n`);
      return 0;
    } finally {
      await database.close();
    }
  } finally {
    await lock.release();
  }
}
