/**
 * At daemon start: every discussion that was running when the daemon stopped continues from its
 * last stored step — or, when the user's preference says so, waits paused (recorded as a system
 * pause) for resume. Discussions that were closing always finish. Nothing is redone that was
 * stored, because the runner's cursor is stored with each step (record.ts).
 */
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/database';
import { aiDiscussions, discussionInterruptions, users } from '../db/schema';
import type { Log } from '../log';
import { resolvePreferences } from '../server/routes/preferences';
import type { DiscussionEngine } from './engine';
import { lockDiscussion, readStored } from './store';

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
    if (afterRestart === 'pause' && (await pauseAfterRestart(db, id))) {
      paused.push(id);
      continue;
    }
    engine.ensureRunning(id);
    resumed.push(id);
  }
  if (unfinished.length > 0) log('info', 'discussions recovered', { resumed, paused });
  return { resumed, paused };
}

/** Pauses a discussion that was mid-way (not one that was closing); false when there was nothing to pause. */
async function pauseAfterRestart(db: Db, id: number): Promise<boolean> {
  return db.transaction(async (tx) => {
    const locked = await lockDiscussion(tx, id);
    if (!locked || locked.row.status !== 'active' || locked.settings.run.stopReason !== null) return false;
    const [pause] = await tx
      .insert(discussionInterruptions)
      .values({ discussionId: id, interruptionType: 'pause', message: RESTART_PAUSE_MESSAGE, priority: 'medium', initiatedBy: 'system', discussionStatusBefore: 'active', discussionStatusAfter: 'paused' })
      .returning();
    const run = { ...locked.settings.run, pause: { reason: 'restart' as const, interruptionId: pause!.id, message: RESTART_PAUSE_MESSAGE, since: new Date(pause!.createdAt).toISOString() } };
    await tx
      .update(aiDiscussions)
      .set({ status: 'paused', settings: { ...locked.settings, run } as unknown as Record<string, unknown>, updatedAt: sql`now()` })
      .where(eq(aiDiscussions.id, id));
    return true;
  });
}
