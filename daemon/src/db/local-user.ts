/**
 * The single local user. Hisho runs for one person on their own PC: there is no login, but the design
 * records who did something (workflows.created_by, task_history.changed_by, …); that is this user.
 */
import os from 'node:os';
import { eq, sql } from 'drizzle-orm';
import type { Db } from './drivers';
import { users } from './schema';

export const LOCAL_USERNAME = 'local';
export const LOCAL_EMAIL = 'local@hisho.invalid';

function localFullName(): string {
  try {
    const name = os.userInfo().username.trim();
    if (name) return name.slice(0, 100);
  } catch {
    // os.userInfo() throws when the user has no passwd entry (some containers).
  }
  return 'Local user';
}

/** Creates the local user if absent (safe to call at every start, and concurrently); returns its id. */
export async function ensureLocalUser(db: Db): Promise<number> {
  const inserted = await db
    .insert(users)
    .values({ username: LOCAL_USERNAME, email: LOCAL_EMAIL, fullName: localFullName() })
    .onConflictDoNothing()
    .returning({ id: users.id });
  if (inserted[0]) return inserted[0].id;
  const existing = await db.select({ id: users.id }).from(users).where(eq(users.username, LOCAL_USERNAME)).limit(1);
  if (!existing[0]) throw new Error('ensureLocalUser: the local user exists but could not be read');
  // A user soft-deleted or deactivated by mistake is the only user there is: bring it back.
  await db
    .update(users)
    .set({ isActive: true, deletedAt: null })
    .where(sql`${users.id} = ${existing[0].id} AND (${users.isActive} = false OR ${users.deletedAt} IS NOT NULL)`);
  return existing[0].id;
}
