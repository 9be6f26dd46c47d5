import { count, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Db } from '../../db/database';

/** The total behind a paged list, as a number on both drivers. */
export async function countRows(db: Db, table: PgTable, where?: SQL): Promise<number> {
  const [row] = await db.select({ n: count() }).from(table).where(where);
  return Number(row?.n ?? 0);
}

export const iso = (d: Date | string | null | undefined): string => (d instanceof Date ? d.toISOString() : new Date(d ?? 0).toISOString());
