/**
 * What the user does to a discussion — pause, resume, redirect, clarify, terminate — checked
 * against the state machine (status.ts) and recorded in discussion_interruptions, with the
 * discussion's status change, in one transaction under the row lock. An action not allowed now is
 * refused with 409 and the actions that are.
 *
 * A pause and a terminate change the status at once; the runner lets the turn in progress finish
 * and store, then stops (pause) or closes (terminate). Redirect and clarify wait, unresolved, for
 * the runner's next step (next-step.ts). Resume resolves the open pause (resume is not a row type);
 * for a stranded discussion (active or closing, no runner) it records nothing: the route starts a runner.
 *
 * The daemon pauses too (`writeSystemPause`): a provider or the database that keeps failing, a restart.
 */
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { InterruptionCreate, PauseReason } from '../../../shared/contracts/discussions';
import type { Db } from '../db/database';
import { aiDiscussions, discussionInterruptions } from '../db/schema';
import { conflict, notFound } from '../server/errors';
import { allowedActions } from './status';
import { lockDiscussion, type InterruptionRow, type StoredSettings } from './store';

export interface ActionResult {
  /** The row recorded, or for resume the pause it resolved. */
  interruption: InterruptionRow | null;
  /** Other rows the action resolved (a terminate ends an open pause). */
  resolved: InterruptionRow[];
  statusChanged: boolean;
}

/** `running`: whether a runner works on the discussion now (a stranded one may be resumed, see status.ts). */
export async function applyAction(db: Db, discussionId: number, action: InterruptionCreate, userId: number, running: boolean): Promise<ActionResult> {
  return db.transaction(async (tx) => {
    const locked = await lockDiscussion(tx, discussionId);
    if (!locked) throw notFound('Discussion', discussionId);
    const { row, settings } = locked;
    const run = settings.run;
    const ended = row.endedAt !== null;
    const allowed = allowedActions({ status: row.status, stopReason: run.stopReason, ended, running });
    if (!allowed.includes(action.type)) {
      const state = ended ? row.status : run.stopReason !== null ? 'ending' : row.status;
      throw conflict('action_not_allowed', `Cannot ${action.type} a discussion that is ${state}; allowed now: ${allowed.length ? allowed.join(', ') : 'nothing'}`, {
        allowedActions: allowed,
        status: row.status,
      });
    }

    const record = async (values: Omit<typeof discussionInterruptions.$inferInsert, 'discussionId' | 'initiatedBy' | 'initiatorId' | 'discussionStatusBefore'>) => {
      const [i] = await tx
        .insert(discussionInterruptions)
        .values({ discussionId, initiatedBy: 'user', initiatorId: userId, discussionStatusBefore: row.status, ...values })
        .returning();
      return i!;
    };
    const resolveOpenPauses = () =>
      tx
        .update(discussionInterruptions)
        .set({ resolvedAt: sql`now()` })
        .where(and(eq(discussionInterruptions.discussionId, discussionId), eq(discussionInterruptions.interruptionType, 'pause'), isNull(discussionInterruptions.resolvedAt)))
        .returning();
    const save = (status: typeof row.status, next: StoredSettings) =>
      tx
        .update(aiDiscussions)
        .set({ status, settings: next as unknown as Record<string, unknown>, updatedAt: sql`now()` })
        .where(eq(aiDiscussions.id, discussionId));

    switch (action.type) {
      case 'pause': {
        const i = await record({ interruptionType: 'pause', message: action.message ?? '', priority: action.priority ?? 'medium', discussionStatusAfter: 'paused' });
        await save('paused', { ...settings, run: { ...run, pause: { reason: 'user', interruptionId: i.id, message: action.message || null, since: new Date(i.createdAt).toISOString() } } });
        return { interruption: i, resolved: [], statusChanged: true };
      }
      case 'resume': {
        // A stranded discussion (not paused) only needs its runner again: nothing to record.
        if (row.status !== 'paused') return { interruption: null, resolved: [], statusChanged: false };
        const resolved = await resolveOpenPauses();
        await save('active', { ...settings, run: { ...run, pause: null } });
        const latest = resolved.sort((a, b) => b.id - a.id)[0] ?? null;
        return { interruption: latest, resolved: resolved.filter((r) => r !== latest), statusChanged: true };
      }
      case 'redirect': {
        const i = await record({ interruptionType: 'redirect', message: action.message ?? '', redirectTopic: action.topic, priority: action.priority ?? 'medium', discussionStatusAfter: row.status });
        await tx.update(aiDiscussions).set({ updatedAt: sql`now()` }).where(eq(aiDiscussions.id, discussionId));
        return { interruption: i, resolved: [], statusChanged: false };
      }
      case 'clarify': {
        const i = await record({ interruptionType: 'clarify', message: action.message, priority: action.priority ?? 'medium', discussionStatusAfter: row.status });
        await tx.update(aiDiscussions).set({ updatedAt: sql`now()` }).where(eq(aiDiscussions.id, discussionId));
        return { interruption: i, resolved: [], statusChanged: false };
      }
      case 'terminate': {
        const i = await record({ interruptionType: 'terminate', message: action.message ?? '', priority: action.priority ?? 'medium', discussionStatusAfter: 'terminated' });
        const resolved = await resolveOpenPauses();
        await save('terminated', { ...settings, run: { ...run, stopReason: 'terminated', pause: null } });
        return { interruption: i, resolved, statusChanged: true };
      }
    }
  });
}

/**
 * Pauses a running discussion on the daemon's behalf (a `system` pause row whose message is the
 * reason); undefined when there is nothing to pause (not active, or closing: closing always finishes).
 */
export async function writeSystemPause(
  db: Db,
  discussionId: number,
  pause: { reason: Exclude<PauseReason, 'user'>; message: string; priority: 'medium' | 'high' },
): Promise<InterruptionRow | undefined> {
  return db.transaction(async (tx) => {
    const locked = await lockDiscussion(tx, discussionId);
    if (!locked || locked.row.endedAt !== null || locked.row.status !== 'active' || locked.settings.run.stopReason !== null) return undefined;
    const [row] = await tx
      .insert(discussionInterruptions)
      .values({ discussionId, interruptionType: 'pause', message: pause.message, priority: pause.priority, initiatedBy: 'system', discussionStatusBefore: 'active', discussionStatusAfter: 'paused' })
      .returning();
    const run = { ...locked.settings.run, pause: { reason: pause.reason, interruptionId: row!.id, message: pause.message, since: new Date(row!.createdAt).toISOString() } };
    await tx
      .update(aiDiscussions)
      .set({ status: 'paused', settings: { ...locked.settings, run } as unknown as Record<string, unknown>, updatedAt: sql`now()` })
      .where(eq(aiDiscussions.id, discussionId));
    return row!;
  });
}
