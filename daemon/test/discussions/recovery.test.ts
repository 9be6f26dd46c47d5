/**
 * Durable and concurrent: a daemon killed between storing a turn and announcing it, or stopped in
 * the middle of a streamed turn, continues after restart from the last stored step — no turn lost,
 * none stored twice; a restart can leave discussions paused if the user prefers; several
 * discussions run at once without mixing their turns or events.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DiscussionEvent } from '../../../shared/contracts/discussions';
import { discussionStateKey } from '../../src/cache/keys';
import { recoverDiscussions, RESTART_PAUSE_MESSAGE } from '../../src/discussions/recovery';
import { aiAssistants } from '../../src/db/schema';
import { ScriptedModel } from '../ai/scripted-model';
import { testCacheTargets } from '../helpers/caches';
import { testDatabaseTargets } from '../helpers/databases';
import { api, createHarness, heldGate, holdBeforeStep, judge, say, signal, stored, type Harness } from './harness';

const combos = testDatabaseTargets().flatMap((db) => testCacheTargets().map((cache) => ({ db, cache, name: `${db.kind} + ${cache.kind}` })));

describe.each(combos)('recovery and concurrency on $name', ({ db, cache }) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(await db.open(), await cache.open());
  });
  afterEach(() => h.verify());
  afterAll(async () => h?.dispose());

  const contents = async (id: number) => (await stored(h.t.database, id)).messages.map((m) => m.content);
  const log = () => undefined;

  it('killed between storing a turn and announcing it: the restarted engine continues after that turn, which is neither lost nor repeated', async () => {
    const { moderator: m, a, b } = h.assistants;
    const usageBefore = Object.fromEntries((await h.t.database.db.select().from(aiAssistants)).map((r) => [r.id, r.usageCount]));
    h.model.script(say(m, 'Open.'), say(a, 'A1.'), say(b, 'B1.'));
    const persisted = signal<number>();
    let count = 0;
    h.checkpoints.afterPersist = async (_id, messageId) => {
      if (++count < 3) return;
      persisted.fire(messageId);
      await new Promise<never>(() => undefined); // the process dies here
    };
    const old = h.engine;
    const d = await h.create({ type: 'collaborative', settings: { consultVault: false, maxRounds: 2, language: 'en' } });
    const announced: string[] = [];
    old.subscribe(d.id, (e) => {
      if (e.event === 'message') announced.push(e.data.message.content);
    });
    const b1 = await persisted.wait;
    old.kill();
    h.checkpoints.afterPersist = undefined;
    expect(await contents(d.id)).toEqual(['Open.', 'A1.', 'B1.']);
    expect(announced).not.toContain('B1.');

    // The daemon starts again.
    h.model.script(judge(m, { progress: 0.5, reached: false }), say(a, 'A2.'), say(b, 'B2.'), judge(m, { progress: 1, reached: true, summary: 'Agreed.' }));
    const engine = await h.restart();
    const events: DiscussionEvent[] = [];
    engine.subscribe(d.id, (e) => events.push(e));
    expect(await recoverDiscussions(engine, h.t.database.db, h.t.localUserId, log)).toEqual({ resumed: [d.id], paused: [] });
    await engine.settled(d.id);

    const s = await stored(h.t.database, d.id);
    expect(s.messages.map((x) => x.content)).toEqual(['Open.', 'A1.', 'B1.', 'summary at 0.5', 'A2.', 'B2.', 'Agreed.']);
    expect(s.messages.filter((x) => x.id === b1)).toHaveLength(1);
    expect(s.row).toMatchObject({ status: 'completed', consensusReached: true });
    const messageEvents = events.filter((e) => e.event === 'message').map((e) => (e.event === 'message' ? e.data.message.content : ''));
    expect(messageEvents).toEqual(['summary at 0.5', 'A2.', 'B2.', 'Agreed.']);
    // Each call counted once: B spoke twice, A twice, the moderator three times.
    const usageAfter = Object.fromEntries((await h.t.database.db.select().from(aiAssistants)).map((r) => [r.id, r.usageCount]));
    expect([m, a, b].map((id) => usageAfter[id]! - usageBefore[id]!)).toEqual([3, 2, 2]);
    const done = (await h.t.json('GET', api(`/discussions/${d.id}`))).body;
    expect(done.participants.map((p: { contributionCount: number }) => p.contributionCount)).toEqual([3, 2, 2]);
  });

  it('stopped in the middle of a streamed turn: nothing half-written is stored and the restarted engine redoes that turn', async () => {
    const { moderator: m, a, b } = h.assistants;
    const held = heldGate();
    h.model.script(say(m, 'Open.'), say(a, 'A1 (cut off)', { gate: held.promise }));
    const d = await h.create({ type: 'collaborative', settings: { consultVault: false, maxRounds: 1, language: 'en' } });
    await held.reached;
    const live = (await h.t.json('GET', api(`/discussions/${d.id}/state`))).body;
    expect(live).toMatchObject({ running: true, currentTurn: { text: 'A1 (cut off)', kind: 'turn', round: 1, attempt: 1 } });
    expect(live.participants.map((p: { state: string }) => p.state)).toEqual(['waiting', 'speaking', 'waiting']);
    // The cache holds the live state while it runs.
    expect(JSON.parse((await h.t.cache.hget(discussionStateKey(String(d.id)), 'status'))!)).toBe('active');

    await h.engine.stop(); // the daemon's graceful stop: the call is cancelled
    expect(await contents(d.id)).toEqual(['Open.']);
    expect((await stored(h.t.database, d.id)).row.status).toBe('active');

    h.model.script(say(a, 'A1.'), say(b, 'B1.'), judge(m, { progress: 1, reached: true, summary: 'Agreed.' }));
    const engine = await h.restart();
    await recoverDiscussions(engine, h.t.database.db, h.t.localUserId, log);
    await engine.settled(d.id);
    expect(await contents(d.id)).toEqual(['Open.', 'A1.', 'B1.', 'Agreed.']);
  });

  it('with "wait paused" preferred, a restart leaves running discussions paused (recorded) until resumed', async () => {
    const { moderator: m, a, b } = h.assistants;
    expect((await h.t.json('PATCH', api('/preferences'), { body: { discussionSettings: { afterRestart: 'pause' } } })).body.discussionSettings).toEqual({ afterRestart: 'pause' });
    h.model.script(say(m, 'Open.'));
    const hold = holdBeforeStep(h, 1);
    const d = await h.create({ type: 'collaborative', settings: { consultVault: false, maxRounds: 1, language: 'en' } });
    await hold.reached;
    const engine = await h.restart();
    h.checkpoints.beforeStep = undefined;
    expect(await recoverDiscussions(engine, h.t.database.db, h.t.localUserId, log)).toEqual({ resumed: [], paused: [d.id] });
    const s = await stored(h.t.database, d.id);
    expect(s.row.status).toBe('paused');
    expect(s.interruptions.map((i) => [i.interruptionType, i.initiatedBy, i.message])).toEqual([['pause', 'system', RESTART_PAUSE_MESSAGE]]);
    expect(engine.isRunning(d.id)).toBe(false);
    const view = (await h.t.json('GET', api(`/discussions/${d.id}`))).body;
    expect(view.pause).toMatchObject({ reason: 'restart', message: RESTART_PAUSE_MESSAGE });

    await h.t.json('PATCH', api('/preferences'), { body: { discussionSettings: { afterRestart: 'resume' } } });
    h.model.script(say(a, 'A1.'), say(b, 'B1.'), judge(m, { progress: 1, reached: true, summary: 'Agreed.' }));
    expect((await h.t.json('POST', api(`/discussions/${d.id}/interruptions`), { body: { type: 'resume' } })).status).toBe(200);
    await engine.settled(d.id);
    expect(await contents(d.id)).toEqual(['Open.', 'A1.', 'B1.', 'Agreed.']);
  });

  it('runs two discussions at once, each with its own speakers, turns and events', async () => {
    const [x, y, z] = [await h.addAssistant(`X${Date.now()}`), await h.addAssistant(`Y${Date.now()}`), await h.addAssistant(`Z${Date.now()}`)];
    const { moderator: m, a, b } = h.assistants;
    const first = new ScriptedModel();
    const second = new ScriptedModel();
    h.route([m, a, b], first);
    h.route([x, y, z], second);
    const heldA = heldGate();
    const heldY = heldGate();
    first.script(say(m, 'First: open.'), say(a, 'First: A1.', { gate: heldA.promise }), say(b, 'First: B1.'), judge(m, { progress: 1, reached: true, summary: 'First agreed.' }));
    second.script(say(x, 'Second: open.'), say(y, 'Second: Y1.', { gate: heldY.promise }), say(z, 'Second: Z1.'), judge(x, { progress: 1, reached: true, summary: 'Second agreed.' }));
    const engine = h.engine;
    const d1 = await h.create({ type: 'collaborative', title: 'First', settings: { consultVault: false, maxRounds: 1, language: 'en' } });
    const d2 = await h.create({
      type: 'collaborative',
      title: 'Second',
      participants: [
        { assistantId: x, role: 'moderator' },
        { assistantId: y, role: 'participant' },
        { assistantId: z, role: 'participant' },
      ],
      settings: { consultVault: false, maxRounds: 1, language: 'en' },
    });
    const events1: DiscussionEvent[] = [];
    engine.subscribe(d1.id, (e) => events1.push(e));
    // Both are mid-turn at the same moment.
    await Promise.all([heldA.reached, heldY.reached]);
    expect(engine.isRunning(d1.id) && engine.isRunning(d2.id)).toBe(true);
    heldY.open();
    await engine.settled(d2.id);
    expect((await stored(h.t.database, d2.id)).row.status).toBe('completed');
    expect((await stored(h.t.database, d1.id)).row.status).toBe('active');
    heldA.open();
    await engine.settled(d1.id);
    expect(await contents(d1.id)).toEqual(['First: open.', 'First: A1.', 'First: B1.', 'First agreed.']);
    expect(await contents(d2.id)).toEqual(['Second: open.', 'Second: Y1.', 'Second: Z1.', 'Second agreed.']);
    expect(events1.every((e) => (e.event === 'state' ? e.data.state.discussionId : e.event === 'discussion' ? e.data.discussion.id : e.data.discussionId) === d1.id)).toBe(true);
    expect(events1.some((e) => e.event === 'delta')).toBe(true);
    first.verify();
    second.verify();
  });
});
