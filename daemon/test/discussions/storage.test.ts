/**
 * The engine's database failing mid-discussion — real PGlite behind a connection the test cuts, and
 * real PostgreSQL whose runner connections are killed with pg_terminate_backend (its role refused
 * meanwhile): the runner waits and tries again with a growing delay, the live state and the event
 * stream say why in the person's language, and once the database answers it continues from its last
 * stored step — every turn stored and announced once, the model never asked twice (the scripted
 * models fail on any call not scripted). Past the bound it pauses (storage_failure) at the next
 * contact; resume restarts a discussion left without a runner; a shutdown ends the wait at once.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { liveStateSchema } from '../../../shared/contracts/discussions';
import { format, MESSAGES } from '../../../shared/i18n';
import { MemoryCacheStore } from '../../src/cache/memory';
import { recoverDiscussions } from '../../src/discussions/recovery';
import { STORAGE_RETRY, storageDelay, type StorageRetryPolicy } from '../../src/discussions/storage-wait';
import { waitFor } from '../helpers/caches';
import { testDatabaseTargets } from '../helpers/databases';
import { openOutage, type Outage } from '../helpers/outage';
import { api, createHarness, heldGate, holdBeforeStep, judge, parseSse, say, stored, type Harness, type SseEvent } from './harness';

const FAST: StorageRetryPolicy = { firstDelayMs: 10, maxDelayMs: 80, pauseAfter: 1000 };

it('waits 1 s after the first failure, doubling up to 30 s, and pauses after 10 failures in a row (about three minutes)', () => {
  expect(Array.from({ length: 10 }, (_, i) => storageDelay(STORAGE_RETRY, i + 1))).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000, 30000]);
  expect(STORAGE_RETRY.pauseAfter).toBe(10);
});

describe.each(testDatabaseTargets())('discussion storage failures on $kind', (target) => {
  let h: Harness;
  let outage: Outage;
  // Read by each runner as it waits: a test may stretch it.
  const policy: StorageRetryPolicy = { ...FAST };
  beforeAll(async () => {
    const database = await target.open();
    outage = await openOutage(database);
    h = await createHarness(database, new MemoryCacheStore(), { engineDb: outage.db, storageRetry: policy });
    await h.t.json('PATCH', api('/preferences'), { body: { language: 'en' } });
  });
  afterEach(async () => {
    await outage.restore();
    Object.assign(policy, FAST);
    h.checkpoints.beforeStep = undefined;
    h.checkpoints.afterPersist = undefined;
    h.verify();
  });
  afterAll(async () => {
    await outage?.dispose();
    await h?.dispose();
  });

  const contents = async (id: number) => (await stored(h.t.database, id)).messages.map((m) => m.content);
  const get = async (id: number) => (await h.t.json('GET', api(`/discussions/${id}`))).body;
  const act = (id: number, body: Record<string, unknown>) => h.t.json('POST', api(`/discussions/${id}/interruptions`), { body });
  const states = (events: SseEvent[]) => events.filter((e) => e.event === 'state').map((e) => e.data.state);
  const announced = (events: SseEvent[]) => events.filter((e) => e.event === 'message').map((e) => e.data.message.content as string);

  /** The discussion's event stream over HTTP, read as it arrives; `closed` resolves with every event once the stream ends. */
  async function follow(id: number) {
    const res = await h.t.request('GET', api(`/discussions/${id}/events`));
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const complete = () => parseSse(text.slice(0, text.lastIndexOf('\n\n') + 2));
    const closed = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return complete();
        text += decoder.decode(value, { stream: true });
      }
    })();
    return { events: complete, closed };
  }

  const participantOf = (d: { participants: Array<{ id: number; assistantId: number }> }, assistantId: number) => d.participants.find((p) => p.assistantId === assistantId)!.id;

  it('the database lost while a turn streams: the runner waits and says why, then stores that turn once, without asking the model again', async () => {
    const { moderator: m, a, b } = h.assistants;
    const held = heldGate();
    h.model.script(say(m, 'Open.'), say(a, 'A1.', { gate: held.promise }), say(b, 'B1.'), judge(m, { progress: 1, reached: true, summary: 'Done.' }));
    const d = await h.create({ type: 'collaborative', settings: { consultVault: false, maxRounds: 1, language: 'en' } });
    const stream = await follow(d.id);
    await held.reached;
    await outage.cut();
    held.open();

    // Several attempts fail while the database is away; the state says so, with the turn that waits to be stored.
    await waitFor(() => states(stream.events()).some((s) => s.storage?.attempts >= 3), 10_000, 'three failed attempts on the stream');
    const live = liveStateSchema.parse((await h.t.json('GET', api(`/discussions/${d.id}/state`))).body);
    expect(live).toMatchObject({ status: 'active', running: true, currentSpeaker: participantOf(d, a), currentTurn: { text: 'A1.' } });
    expect(live.storage).toMatchObject({ reason: MESSAGES.en['discussions.storage.waiting'], pausing: false });
    expect(live.storage!.attempts).toBeGreaterThanOrEqual(3);
    expect(Date.parse(live.storage!.retryAt)).toBeGreaterThan(Date.parse(live.storage!.since));
    expect(await contents(d.id)).toEqual(['Open.']);

    await outage.restore();
    await h.engine.settled(d.id);
    const events = await stream.closed;
    const s = await stored(h.t.database, d.id);
    expect(s.messages.map((x) => x.content)).toEqual(['Open.', 'A1.', 'B1.', 'Done.']);
    expect(s.row.status).toBe('completed');
    expect(announced(events)).toEqual(['Open.', 'A1.', 'B1.', 'Done.']);
    // The wait was shown, then cleared once the database answered.
    const shown = states(events);
    const waiting = shown.findIndex((x) => x.storage !== null);
    expect(waiting).toBeGreaterThan(-1);
    expect(shown.slice(waiting).some((x) => x.storage === null && x.running)).toBe(true);
    expect(shown.at(-1)).toMatchObject({ status: 'completed', running: false, storage: null });
  });

  it('the database lost after a step was stored but before it was announced: the announcement waits and comes once', async () => {
    const { moderator: m, a, b } = h.assistants;
    h.model.script(say(m, 'Open.'), say(a, 'A1.'), say(b, 'B1.'), judge(m, { progress: 1, reached: true, summary: 'Done.' }));
    let persisted = 0;
    h.checkpoints.afterPersist = async () => {
      if (++persisted === 2) await outage.cut();
    };
    const d = await h.create({ type: 'collaborative', settings: { consultVault: false, maxRounds: 1, language: 'en' } });
    const stream = await follow(d.id);
    await waitFor(() => states(stream.events()).some((s) => s.storage !== null), 10_000, 'the storage wait on the stream');
    expect(await contents(d.id)).toEqual(['Open.', 'A1.']);
    expect(announced(stream.events())).toEqual(['Open.']);

    await outage.restore();
    await h.engine.settled(d.id);
    expect(announced(await stream.closed)).toEqual(['Open.', 'A1.', 'B1.', 'Done.']);
    expect(await contents(d.id)).toEqual(['Open.', 'A1.', 'B1.', 'Done.']);
  });

  it.runIf(target.kind === 'pglite')('the answer to a COMMIT lost: the step it stored is not stored again, and is announced once', async () => {
    const { moderator: m, a, b } = h.assistants;
    const held = heldGate();
    h.model.script(say(m, 'Open.'), say(a, 'A1.', { gate: held.promise }), say(b, 'B1.'), judge(m, { progress: 1, reached: true, summary: 'Done.' }));
    const d = await h.create({ type: 'collaborative', settings: { consultVault: false, maxRounds: 1, language: 'en' } });
    const stream = await follow(d.id);
    await held.reached;
    outage.loseNextCommitAnswer!();
    held.open();
    await h.engine.settled(d.id);
    const events = await stream.closed;
    expect(states(events).some((s) => s.storage !== null)).toBe(true);
    expect(await contents(d.id)).toEqual(['Open.', 'A1.', 'B1.', 'Done.']);
    expect(announced(events)).toEqual(['Open.', 'A1.', 'B1.', 'Done.']);
  });

  it('a database away past the bound: the discussion pauses (storage_failure) as soon as the database answers, and resume goes on from the last stored turn', async () => {
    const { moderator: m, a, b } = h.assistants;
    policy.pauseAfter = 3;
    await h.t.json('PATCH', api('/preferences'), { body: { language: 'ja' } });
    try {
      h.model.script(say(m, 'Open.'), say(a, 'A1.'));
      const hold = holdBeforeStep(h, 2);
      const d = await h.create({ type: 'collaborative', settings: { consultVault: false, maxRounds: 1, language: 'en' } });
      const stream = await follow(d.id);
      await hold.reached;
      await outage.cut();
      hold.release();

      // The attempts are used up, but the pause cannot be written either: the runner keeps trying.
      await waitFor(() => states(stream.events()).some((s) => s.storage?.attempts >= 5), 10_000, 'five failed attempts');
      const waiting = [...states(stream.events())].reverse().find((s) => s.storage !== null)!;
      expect(waiting.storage).toMatchObject({ reason: MESSAGES.ja['discussions.storage.pausing'], pausing: true });
      expect(states(stream.events()).find((s) => s.storage !== null)!.storage).toMatchObject({ reason: MESSAGES.ja['discussions.storage.waiting'], pausing: false });
      expect((await stored(h.t.database, d.id)).row.status).toBe('active');
      expect((await stored(h.t.database, d.id)).interruptions).toEqual([]);

      // The next contact writes the pause, the way a provider failure does.
      await outage.restore();
      await h.engine.settled(d.id);
      const paused = await get(d.id);
      expect(paused).toMatchObject({ status: 'paused', allowedActions: ['resume', 'redirect', 'clarify', 'terminate'] });
      const failures = paused.pause.message.match(/(\d+)回/)?.[1];
      expect(Number(failures)).toBeGreaterThanOrEqual(5);
      expect(paused.pause).toMatchObject({ reason: 'storage_failure', message: format(MESSAGES.ja['discussions.storage.paused'], { attempts: Number(failures) }) });
      const s = await stored(h.t.database, d.id);
      expect(s.interruptions.map((i) => [i.interruptionType, i.initiatedBy, i.priority, i.discussionStatusAfter, i.resolvedAt])).toEqual([['pause', 'system', 'high', 'paused', null]]);
      expect(s.messages.map((x) => x.content)).toEqual(['Open.', 'A1.']);
      await waitFor(() => stream.events().some((e) => e.event === 'discussion' && e.data.discussion.status === 'paused'), 5000, 'the pause on the stream');
      expect(stream.events().some((e) => e.event === 'interruption' && e.data.interruption.id === s.interruptions[0]!.id)).toBe(true);
      await waitFor(() => states(stream.events()).at(-1)?.running === false, 5000, 'the runner stopped');
      expect(states(stream.events()).at(-1)).toMatchObject({ status: 'paused', storage: null });

      h.model.script(say(b, 'B1.'), judge(m, { progress: 1, reached: true, summary: 'Done.' }));
      const r = await act(d.id, { type: 'resume' });
      expect(r.body.interruption).toMatchObject({ id: s.interruptions[0]!.id, initiatedBy: 'system' });
      await h.engine.settled(d.id);
      expect(await contents(d.id)).toEqual(['Open.', 'A1.', 'B1.', 'Done.']);
      expect(announced(await stream.closed)).toEqual(['Open.', 'A1.', 'B1.', 'Done.']);
    } finally {
      await h.t.json('PATCH', api('/preferences'), { body: { language: 'en' } });
    }
  });

  it('a runner that stops on an error that is not the storage’s leaves the discussion stranded, not stuck: resume starts a runner again', async () => {
    const { moderator: m, a, b } = h.assistants;
    h.model.script(say(m, 'Open.'));
    let steps = 0;
    h.checkpoints.beforeStep = () => {
      if (++steps === 2) throw new Error('a fault in the runner');
    };
    const d = await h.create({ type: 'collaborative', settings: { consultVault: false, maxRounds: 1, language: 'en' } });
    const stream = await follow(d.id);
    // The clients learn at once that it stopped and may be resumed.
    await waitFor(() => stream.events().some((e) => e.event === 'discussion' && e.data.discussion.allowedActions.includes('resume')), 5000, 'resume offered on the stream');
    h.checkpoints.beforeStep = undefined;
    expect(await get(d.id)).toMatchObject({ status: 'active', allowedActions: ['pause', 'resume', 'redirect', 'clarify', 'terminate'] });
    expect((await h.t.json('GET', api(`/discussions/${d.id}/state`))).body).toMatchObject({ status: 'active', running: false });

    h.model.script(say(a, 'A1.'), say(b, 'B1.'), judge(m, { progress: 1, reached: true, summary: 'Done.' }));
    const hold = holdBeforeStep(h, 0);
    const r = await act(d.id, { type: 'resume' });
    expect(r.status).toBe(200);
    expect(r.body.interruption).toBeNull();
    await hold.reached;
    // Running again: resume is no longer offered, and a second one is refused.
    expect(r.body.discussion.allowedActions).toEqual(['pause', 'redirect', 'clarify', 'terminate']);
    const again = await act(d.id, { type: 'resume' });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'action_not_allowed', details: { allowedActions: ['pause', 'redirect', 'clarify', 'terminate'] } });
    hold.release();
    await h.engine.settled(d.id);
    expect(await contents(d.id)).toEqual(['Open.', 'A1.', 'B1.', 'Done.']);
    expect(announced(await stream.closed)).toEqual(['Open.', 'A1.', 'B1.', 'Done.']);
    expect((await stored(h.t.database, d.id)).interruptions).toEqual([]);
  });

  it('a discussion left without a runner while closing (terminated) is resumed to its summary and end', async () => {
    const { moderator: m } = h.assistants;
    h.model.script(say(m, 'Open.'));
    const hold = holdBeforeStep(h, 1);
    const d = await h.create({ type: 'collaborative', settings: { consultVault: false, maxRounds: 1, language: 'en' } });
    await hold.reached;
    expect((await act(d.id, { type: 'terminate' })).status).toBe(200);
    // The daemon's runner is gone (no recovery ran): the discussion would never close by itself.
    await h.restart();
    hold.release();
    expect(await get(d.id)).toMatchObject({ status: 'terminated', stopReason: 'terminated', endedAt: null, allowedActions: ['resume'] });
    h.model.script(say(m, 'Summed up.'));
    expect((await act(d.id, { type: 'resume' })).status).toBe(200);
    await h.engine.settled(d.id);
    expect(await get(d.id)).toMatchObject({ status: 'terminated', allowedActions: [], endedAt: expect.any(String) });
    expect(await contents(d.id)).toEqual(['Open.', 'Summed up.']);
  });

  it('a shutdown during the wait ends it at once, with nothing left trying; the restarted daemon continues', async () => {
    const { moderator: m, a, b } = h.assistants;
    policy.firstDelayMs = 60_000;
    policy.maxDelayMs = 60_000;
    h.model.script(say(m, 'Open.'));
    const hold = holdBeforeStep(h, 1);
    const d = await h.create({ type: 'collaborative', settings: { consultVault: false, maxRounds: 1, language: 'en' } });
    await hold.reached;
    await outage.cut();
    hold.release();
    await waitFor(async () => (await h.engine.liveState(d.id))?.storage?.attempts === 1, 10_000, 'the first failed attempt');

    const started = performance.now();
    await h.engine.stop();
    expect(performance.now() - started).toBeLessThan(1000);
    const calls = outage.calls;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(outage.calls).toBe(calls);
    expect((await stored(h.t.database, d.id)).row.status).toBe('active');

    await outage.restore();
    Object.assign(policy, FAST);
    h.model.script(say(a, 'A1.'), say(b, 'B1.'), judge(m, { progress: 1, reached: true, summary: 'Done.' }));
    const engine = await h.restart();
    expect(await recoverDiscussions(engine, h.t.database.db, h.t.localUserId, () => undefined)).toMatchObject({ resumed: [d.id] });
    await engine.settled(d.id);
    expect(await contents(d.id)).toEqual(['Open.', 'A1.', 'B1.', 'Done.']);
  });
});
