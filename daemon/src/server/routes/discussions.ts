/**
 * AI discussions over HTTP: create (validated, then started), list and read, the transcript, the
 * user's interruptions, the live state, the event stream and the note export. The engine
 * (daemon/src/discussions) runs them; these handlers only translate.
 */
import { and, asc, count, desc, eq, gt, isNull, sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { discussionEndpoints, type DiscussionEvent } from '../../../../shared/contracts/discussions';
import { discussionNoteFileName, renderDiscussionNote } from '../../../../shared/notes/discussion-note';
import { discussionStateKey } from '../../cache/keys';
import { aiDiscussions, discussionInterruptions, discussionMessages, users } from '../../db/schema';
import { createDiscussion } from '../../discussions/create';
import type { DiscussionEngine } from '../../discussions/engine';
import { applyAction } from '../../discussions/interruptions';
import { assistantLookup, discussionToApi, interruptionToApi, liveDiscussion, loadBase, loadParticipants, loadSnapshot, messageToApi, readStored } from '../../discussions/store';
import type { AppDeps } from '../app';
import { conflict, notFound } from '../errors';
import { register, type AppEnv } from '../route';
import { sse } from '../sse';
import { countRows } from './list';
import { resolvePreferences } from './preferences';

export function discussionRoutes(deps: AppDeps, engine: DiscussionEngine) {
  const app = new Hono<AppEnv>();
  const { db } = deps.database;

  const base = async (id: number) => {
    const b = await loadBase(db, id);
    if (!b) throw notFound('Discussion', id);
    return b;
  };

  register(app, discussionEndpoints.list, async ({ query }) => {
    const where = and(
      isNull(aiDiscussions.deletedAt),
      query.status === undefined ? undefined : eq(aiDiscussions.status, query.status),
      query.type === undefined ? undefined : eq(aiDiscussions.discussionType, query.type),
    );
    const rows = await db.select().from(aiDiscussions).where(where).orderBy(desc(aiDiscussions.createdAt), desc(aiDiscussions.id)).limit(query.limit).offset(query.offset);
    const participants = await loadParticipants(db, rows.map((r) => r.id));
    return {
      items: rows.map((row) => discussionToApi({ row, settings: readStored(row.settings, row.topic), participants: participants.get(row.id) ?? [] }, engine.isRunning(row.id))),
      total: await countRows(db, aiDiscussions, where),
    };
  });

  register(app, discussionEndpoints.get, async ({ params }) => discussionToApi(await base(params.id), engine.isRunning(params.id)));

  register(app, discussionEndpoints.create, async ({ body }) => {
    const [user] = await db.select({ preferences: users.preferences }).from(users).where(eq(users.id, deps.localUserId));
    const id = await createDiscussion(db, body, { language: resolvePreferences(user?.preferences).language, secrets: deps.secrets });
    engine.ensureRunning(id);
    return discussionToApi(await base(id), engine.isRunning(id));
  });

  register(app, discussionEndpoints.remove, async ({ params }) => {
    const b = await base(params.id);
    if (b.row.endedAt === null && b.row.status !== 'paused') {
      throw conflict('discussion_running', 'This discussion is running; pause or terminate it before deleting it', { allowedActions: discussionToApi(b, engine.isRunning(params.id)).allowedActions });
    }
    await db.update(aiDiscussions).set({ deletedAt: sql`now()` }).where(liveDiscussion(params.id));
    await deps.cache.del(discussionStateKey(String(params.id))).catch(() => 0);
    return undefined;
  });

  register(app, discussionEndpoints.listMessages, async ({ params, query }) => {
    const b = await base(params.id);
    const where = and(eq(discussionMessages.discussionId, params.id), query.afterId === undefined ? undefined : gt(discussionMessages.id, query.afterId));
    const rows = await db.select().from(discussionMessages).where(where).orderBy(asc(discussionMessages.id)).limit(query.limit).offset(query.offset);
    const [{ n } = { n: 0 }] = await db.select({ n: count() }).from(discussionMessages).where(where);
    const assistantOf = assistantLookup(b.participants);
    return { items: rows.map((m) => messageToApi(m, b.settings, assistantOf)), total: Number(n) };
  });

  register(app, discussionEndpoints.listInterruptions, async ({ params, query }) => {
    await base(params.id);
    const where = eq(discussionInterruptions.discussionId, params.id);
    const rows = await db.select().from(discussionInterruptions).where(where).orderBy(asc(discussionInterruptions.id)).limit(query.limit).offset(query.offset);
    return { items: rows.map(interruptionToApi), total: await countRows(db, discussionInterruptions, where) };
  });

  register(app, discussionEndpoints.interrupt, async ({ params, body }) => {
    const result = await applyAction(db, params.id, body, deps.localUserId, engine.isRunning(params.id));
    // Resume needs a runner (also a stranded discussion's, which had none); so does terminate (the
    // closing steps), also from a pause. Pause lets the runner stop by itself.
    if (body.type === 'resume' || body.type === 'terminate') engine.ensureRunning(params.id);
    const b = await base(params.id);
    const discussion = discussionToApi(b, engine.isRunning(params.id));
    for (const i of [...(result.interruption ? [result.interruption] : []), ...result.resolved]) {
      engine.emit(params.id, { event: 'interruption', data: { discussionId: params.id, interruption: interruptionToApi(i) } });
    }
    await engine.publishState(params.id);
    // A stranded discussion's resume changes no status, but its allowed actions (resume is gone).
    if (result.statusChanged || body.type === 'resume') engine.emit(params.id, { event: 'discussion', data: { discussion } });
    return { discussion, interruption: result.interruption ? interruptionToApi(result.interruption) : null };
  });

  register(app, discussionEndpoints.state, async ({ params }) => {
    const state = await engine.liveState(params.id);
    if (!state) throw notFound('Discussion', params.id);
    return state;
  });

  register(app, discussionEndpoints.events, async ({ params }, c) => {
    await base(params.id);
    return sse(c, async (send, close) => {
      // Events are written one after another, in the order they happened; the stream closes after the discussion's end.
      let queue = Promise.resolve();
      const write = (e: DiscussionEvent) => {
        queue = queue.then(async () => {
          await send(e.event, e.data);
          if (e.event === 'discussion' && e.data.discussion.endedAt !== null) close();
        });
      };
      // The first state and the subscription are taken in the same tick, so every event after it is
      // newer than the state: a turn's text in the state and its later deltas neither overlap nor leave a gap.
      const snap = await loadSnapshot(db, params.id);
      const off = engine.subscribe(params.id, write);
      const state = snap ? engine.liveStateOf(snap) : await engine.liveState(params.id);
      if (state) write({ event: 'state', data: { state } });
      if (snap?.row.endedAt) write({ event: 'discussion', data: { discussion: discussionToApi(snap, false) } });
      return off;
    });
  });

  register(app, discussionEndpoints.note, async ({ params, query }) => {
    const snap = await loadSnapshot(db, params.id);
    if (!snap) throw notFound('Discussion', params.id);
    const assistantOf = assistantLookup(snap.participants);
    const data = {
      discussion: discussionToApi(snap, engine.isRunning(params.id)),
      messages: snap.messages.map((m) => messageToApi(m, snap.settings, assistantOf)),
      interruptions: snap.interruptions.map(interruptionToApi),
    };
    const language = query.language ?? snap.settings.language;
    return { fileName: discussionNoteFileName(data.discussion, language), markdown: renderDiscussionNote(data, language), data };
  });

  return app;
}
