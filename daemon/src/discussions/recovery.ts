/**
 * At daemon start: every discussion that was running when the daemon stopped continues from its
 * last stored step — or, when the user's preference says so, waits paused (recorded as a system
 * pause) for resume. Discussions that were closing always finish. Nothing is redone that was
 * stored, because the runner's cursor is stored with each step (record.ts).
 */
import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../db/database';
import { aiDiscussions, users } from '../db/schema';
import type { Log } from '../log';
import { resolvePreferences } from '../server/routes/preferences';
import type { DiscussionEngine } from './engine';
import { writeSystemPause } from './interruptions';
import { readStored } from './store';

/** The note on the system pause of a discussion held after a restart. */
export const RESTART_PAUSE_MESSAGE = 'The daemon restarted while this discussion was running; resume it to continue.';

export async function recoverDiscussions(engine: DiscussionEngine, db: Db, localUserId: number, log: Log): Promise<{ resumed: number[]; paused: number[] }> {
  const [user] = await db.select({ preferences: users.preferences }).from(users).where(eq(users.id, localUserId));
  const afterRestart = resolvePreferences(user?.preferences).discussionSettings.afterRestart;
  const rows = await db
    .select({ id: aiDiscussions.id, status: aiDiscussions.status, topic: aiDiscussions.topic, settings: aiDiscussions.settings })
    .from(aiDiscussions)
    .where(and(isNull(aiDiscussions.deletedAt), isNull(aiDiscussions.endedAt)))
    .orderBy(aiDiscussions.id);
  // Paused ones wait for the user — unless they were ending, which always finishes.
  const unfinished = rows.filter((r) => r.status !== 'paused' || readStored(r.settings, r.topic).run.stopReason !== null);
  const resumed: number[] = [];
  const paused: number[] = [];
  for (const { id } of unfinished) {
    // Only one that was mid-way is paused, not one that was closing.
    if (afterRestart === 'pause' && (await writeSystemPause(db, id, { reason: 'restart', message: RESTART_PAUSE_MESSAGE, priority: 'medium' }))) {
      paused.push(id);
      continue;
    }
    engine.ensureRunning(id);
    resumed.push(id);
  }
  if (unfinished.length > 0) log('info', 'discussions recovered', { resumed, paused });
  return { resumed, paused };
}

