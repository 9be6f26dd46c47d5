/**
 * The user steers: pause, resume, redirect, clarify and terminate, each arriving at each point —
 * before a turn (mid-round), during a streamed turn, and between rounds — driven deterministically
 * (the engine held at a checkpoint, or a scripted stream held at a gate), plus the 409s.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { discussionSchema, interruptionResultSchema, type Discussion } from '../../../shared/contracts/discussions';
import { MemoryCacheStore } from '../../src/cache/memory';
import type { ScriptedStep } from '../ai/scripted-model';
import { testDatabaseTargets } from '../helpers/databases';
import { api, createHarness, heldGate, holdBeforeStep, judge, say, stored, type Harness } from './harness';

type Point = 'before a turn' | 'during a streamed turn' | 'between rounds';
const POINTS: Point[] = ['before a turn', 'during a streamed turn', 'between rounds'];

describe.each(testDatabaseTargets())('interruptions on $kind', (target) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(await target.open(), new MemoryCacheStore());
  });
  afterEach(() => h.verify());
  afterAll(async () => h?.dispose());

  const act = (id: number, body: Record<string, unknown>) => h.t.json('POST', api(`/discussions/${id}/interruptions`), { body });
  const contents = async (id: number) => (await stored(h.t.database, id)).messages.map((m) => m.content);
  const get = async (id: number): Promise<Discussion> => discussionSchema.parse((await h.t.json('GET', api(`/discussions/${id}`))).body);

  /**
   * Starts a collaborative discussion (moderator, A, B; two rounds) whose script is `first` then
   * `rest`, holds it at `point` (before B's first turn, inside B's first streamed turn, or before
   * A's second-round turn), runs `during` there, then lets it go and waits until it stops.
   */
  async function interruptAt(point: Point, steps: (b1: ScriptedStep) => ScriptedStep[], during: (d: Discussion) => Promise<void>): Promise<Discussion> {
    const { b } = h.assistants;
    const held = point === 'during a streamed turn' ? heldGate() : undefined;
    const hold = point === 'before a turn' ? holdBeforeStep(h, 2) : point === 'between rounds' ? holdBeforeStep(h, 4) : undefined;
    h.model.script(...steps(say(b, 'B1.', { gate: held?.promise })));
    const d = await h.create({ type: 'collaborative', settings: { consultVault: false, maxRounds: 2, language: 'en' } });
    if (held) await held.reached;
    if (hold) await hold.reached;
    await during(d);
    held?.open();
    hold?.release();
    await h.engine.settled(d.id);
    return d;
  }

  const opening = () => [say(h.assistants.moderator, 'Open.'), say(h.assistants.a, 'A1.')];
  const restOfRoundOne = () => [judge(h.assistants.moderator, { progress: 0.5, reached: false })];
  const roundTwo = (check?: (content: string) => void) => [
    say(h.assistants.a, 'A2.', { check: (req) => check?.(req.messages[0]!.content) }),
    say(h.assistants.b, 'B2.'),
    judge(h.assistants.moderator, { progress: 1, reached: true, summary: 'Agreed.' }),
  ];

  describe.each(POINTS)('%s', (point) => {
    it('pause stops after the turn in progress; resume continues with the next step, nothing lost or repeated', async () => {
      const expectedAtPause = { 'before a turn': ['Open.', 'A1.'], 'during a streamed turn': ['Open.', 'A1.', 'B1.'], 'between rounds': ['Open.', 'A1.', 'B1.', 'summary at 0.5'] }[point];
      const d = await interruptAt(point, (b1) => [...opening(), b1, ...restOfRoundOne(), ...roundTwo()], async (d) => {
        const r = await act(d.id, { type: 'pause', message: 'Lunch break' });
        expect(r.status).toBe(200);
        const body = interruptionResultSchema.parse(r.body);
        expect(body.discussion).toMatchObject({ status: 'paused', allowedActions: ['resume', 'redirect', 'clarify', 'terminate'] });
        expect(body.discussion.pause).toMatchObject({ reason: 'user', message: 'Lunch break' });
        expect(body.interruption).toMatchObject({ type: 'pause', message: 'Lunch break', initiatedBy: 'user', initiatorId: h.t.localUserId, statusBefore: 'active', statusAfter: 'paused', resolvedAt: null, priority: 'medium' });
      });
      expect(await contents(d.id)).toEqual(expectedAtPause);
      expect((await get(d.id)).status).toBe('paused');
      const state = (await h.t.json('GET', api(`/discussions/${d.id}/state`))).body;
      expect(state).toMatchObject({ status: 'paused', running: false, currentSpeaker: null });

      const resumed = await act(d.id, { type: 'resume' });
      expect(resumed.status).toBe(200);
      expect(resumed.body.discussion.status).toBe('active');
      expect(resumed.body.interruption).toMatchObject({ type: 'pause', statusAfter: 'paused' });
      expect(resumed.body.interruption.resolvedAt).not.toBeNull();
      await h.engine.settled(d.id);
      expect(await contents(d.id)).toEqual(['Open.', 'A1.', 'B1.', 'summary at 0.5', 'A2.', 'B2.', 'Agreed.']);
      expect(await get(d.id)).toMatchObject({ status: 'completed', stopReason: 'consensus', pause: null });
    });

    it('redirect: the moderator acknowledges the new topic and the next round follows it', async () => {
      const { moderator: m } = h.assistants;
      const ack = say(m, 'Noted: hybrid schedule.', { check: (req) => expect(req.messages[0]!.content).toContain('redirected the discussion to a new topic: "Hybrid schedule"') });
      const onNewTopic = (content: string) => expect(content).toContain('Topic: Hybrid schedule (changed by the user; it started as "Remote work policy")');
      const d = await interruptAt(
        point,
        (b1) =>
          point === 'before a turn'
            ? [...opening(), ack, ...roundTwo(onNewTopic)]
            : point === 'during a streamed turn'
              ? [...opening(), b1, ack, ...roundTwo(onNewTopic)]
              : [...opening(), b1, ...restOfRoundOne(), ack, ...roundTwo(onNewTopic)],
        async (d) => {
          const r = await act(d.id, { type: 'redirect', topic: 'Hybrid schedule', message: 'Focus on hybrid' });
          expect(r.status).toBe(200);
          expect(r.body.interruption).toMatchObject({ type: 'redirect', redirectTopic: 'Hybrid schedule', statusBefore: 'active', statusAfter: 'active', resolvedAt: null });
        },
      );
      const s = await stored(h.t.database, d.id);
      expect(s.messages.map((x) => x.content)).toEqual(
        { 'before a turn': ['Open.', 'A1.', 'Noted: hybrid schedule.', 'A2.', 'B2.', 'Agreed.'], 'during a streamed turn': ['Open.', 'A1.', 'B1.', 'Noted: hybrid schedule.', 'A2.', 'B2.', 'Agreed.'], 'between rounds': ['Open.', 'A1.', 'B1.', 'summary at 0.5', 'Noted: hybrid schedule.', 'A2.', 'B2.', 'Agreed.'] }[point],
      );
      expect(s.interruptions[0]!.resolvedAt).not.toBeNull();
      const done = await get(d.id);
      expect(done).toMatchObject({ status: 'completed', topic: 'Remote work policy', currentTopic: 'Hybrid schedule', round: 2 });
      const messages = (await h.t.json('GET', api(`/discussions/${d.id}/messages`))).body.items;
      expect(messages.find((x: { kind: string }) => x.kind === 'acknowledgement')).toBeDefined();
      expect(messages.at(-2).round).toBe(2);
    });

    it('clarify: the user’s question joins the discussion and the next speaker answers it', async () => {
      const { a, b } = h.assistants;
      const asks = (req: { messages: Array<{ content: string }> }) => {
        expect(req.messages[0]!.content).toContain('The user asks the discussion: "What about part-timers?"');
        expect(req.messages[0]!.content).toContain('[the user asks] What about part-timers?');
      };
      let answeredBy = 0;
      const d = await interruptAt(
        point,
        (b1) =>
          point === 'before a turn'
            ? [...opening(), say(b, 'Part-timers: pro rata.', { type: 'answer', check: asks }), ...restOfRoundOne(), ...roundTwo()]
            : point === 'during a streamed turn'
              ? [...opening(), b1, say(a, 'Part-timers: one day.', { type: 'answer', check: asks }), ...restOfRoundOne(), ...roundTwo()]
              : [...opening(), b1, ...restOfRoundOne(), say(a, 'Part-timers: flexible.', { type: 'answer', check: asks }), say(b, 'B2.'), judge(h.assistants.moderator, { progress: 1, reached: true, summary: 'Agreed.' })],
        async (d) => {
          const r = await act(d.id, { type: 'clarify', message: 'What about part-timers?', priority: 'high' });
          expect(r.status).toBe(200);
          expect(r.body.interruption).toMatchObject({ type: 'clarify', message: 'What about part-timers?', priority: 'high', resolvedAt: null });
          answeredBy = r.body.interruption.id;
        },
      );
      const messages = (await h.t.json('GET', api(`/discussions/${d.id}/messages`))).body.items;
      const answers = messages.filter((x: { answersInterruptionId: number | null }) => x.answersInterruptionId === answeredBy);
      expect(answers).toHaveLength(1);
      expect(answers[0]).toMatchObject({ messageType: 'answer', kind: 'turn', round: point === 'between rounds' ? 2 : 1 });
      const s = await stored(h.t.database, d.id);
      expect(s.interruptions[0]!.resolvedAt).not.toBeNull();
      expect(s.row.status).toBe('completed');
      // During B's turn, the answer is an extra turn by the next speaker (A), before the judgement.
      if (point === 'during a streamed turn') expect(s.messages.map((x) => x.content)).toEqual(['Open.', 'A1.', 'B1.', 'Part-timers: one day.', 'summary at 0.5', 'A2.', 'B2.', 'Agreed.']);
    });

    it('terminate: stops after the turn in progress and the moderator sums up where it stood', async () => {
      const { moderator: m } = h.assistants;
      const summary = say(m, 'We stood at two days a week.', { check: (req) => expect(req.messages[0]!.content).toContain('The user ended the discussion') });
      const d = await interruptAt(
        point,
        (b1) => (point === 'before a turn' ? [...opening(), summary] : point === 'during a streamed turn' ? [...opening(), b1, summary] : [...opening(), b1, ...restOfRoundOne(), summary]),
        async (d) => {
          const r = await act(d.id, { type: 'terminate', message: 'Enough' });
          expect(r.status).toBe(200);
          expect(r.body.discussion).toMatchObject({ status: 'terminated', stopReason: 'terminated', allowedActions: [], endedAt: null });
        },
      );
      const s = await stored(h.t.database, d.id);
      expect(s.messages.at(-1)!.content).toBe('We stood at two days a week.');
      expect(s.messages).toHaveLength({ 'before a turn': 3, 'during a streamed turn': 4, 'between rounds': 5 }[point]);
      expect(s.interruptions).toHaveLength(1);
      expect(s.interruptions[0]).toMatchObject({ interruptionType: 'terminate', discussionStatusBefore: 'active', discussionStatusAfter: 'terminated', initiatedBy: 'user' });
      expect(s.interruptions[0]!.resolvedAt).not.toBeNull();
      const done = await get(d.id);
      expect(done).toMatchObject({ status: 'terminated', stopReason: 'terminated', consensusReached: false });
      expect(done.endedAt).not.toBeNull();
      const messages = (await h.t.json('GET', api(`/discussions/${d.id}/messages`))).body.items;
      expect(messages.at(-1)).toMatchObject({ kind: 'summary', phase: 'closing' });

      const again = await act(d.id, { type: 'resume' });
      expect(again.status).toBe(409);
      expect(again.body.error).toMatchObject({ code: 'action_not_allowed', details: { allowedActions: [], status: 'terminated' } });
      expect(again.body.error.message).toContain('Cannot resume a discussion that is terminated');
    });
  });

  it('while paused: redirect and clarify are taken on resume; pause and resume out of turn are refused with the allowed actions', async () => {
    const { moderator: m, a, b } = h.assistants;
    h.model.script(say(m, 'Open.'), say(a, 'A1.'));
    const hold = holdBeforeStep(h, 2);
    const d = await h.create({ type: 'collaborative', settings: { consultVault: false, maxRounds: 2, language: 'en' } });
    await hold.reached;
    expect((await act(d.id, { type: 'resume' })).body.error).toMatchObject({ code: 'action_not_allowed', details: { allowedActions: ['pause', 'redirect', 'clarify', 'terminate'] } });
    expect((await act(d.id, { type: 'pause' })).status).toBe(200);
    hold.release();
    await h.engine.settled(d.id);
    const twice = await act(d.id, { type: 'pause' });
    expect(twice.status).toBe(409);
    expect(twice.body.error.details.allowedActions).toEqual(['resume', 'redirect', 'clarify', 'terminate']);

    expect((await act(d.id, { type: 'redirect', topic: 'Four-day week' })).status).toBe(200);
    expect((await act(d.id, { type: 'clarify', message: 'And Fridays?' })).status).toBe(200);
    expect((await get(d.id)).status).toBe('paused');
    h.model.script(
      say(m, 'Now on the four-day week.'),
      say(a, 'Fridays off.', { type: 'answer', check: (req) => expect(req.messages[0]!.content).toContain('"And Fridays?"') }),
      say(b, 'Agreed.', { type: 'agreement' }),
      judge(m, { progress: 1, reached: true, summary: 'Four days, Fridays off.' }),
    );
    expect((await act(d.id, { type: 'resume' })).status).toBe(200);
    await h.engine.settled(d.id);
    expect(await contents(d.id)).toEqual(['Open.', 'A1.', 'Now on the four-day week.', 'Fridays off.', 'Agreed.', 'Four days, Fridays off.']);
    expect(await get(d.id)).toMatchObject({ status: 'completed', currentTopic: 'Four-day week', consensusSummary: 'Four days, Fridays off.' });
  });

  it('a pause during the judgement that reaches consensus: the discussion still ends (nothing is left to pause), the pause ends with it', async () => {
    const { moderator: m, a, b } = h.assistants;
    const held = heldGate();
    h.model.script(say(m, 'Open.'), say(a, 'A1.'), say(b, 'B1.'), { ...judge(m, { progress: 1, reached: true, summary: 'Agreed.' }), reply: { partials: [{ summary: 'Agr' }], object: { summary: 'Agreed.', open_points: [], progress: 1, reached: true }, gate: held.promise } });
    const d = await h.create({ type: 'collaborative', settings: { consultVault: false, maxRounds: 2, language: 'en' } });
    await held.reached;
    expect((await act(d.id, { type: 'pause' })).body.discussion.status).toBe('paused');
    held.open();
    await h.engine.settled(d.id);
    const s = await stored(h.t.database, d.id);
    expect(s.row).toMatchObject({ status: 'completed', consensusReached: true });
    expect(s.interruptions.map((i) => [i.interruptionType, i.resolvedAt !== null])).toEqual([['pause', true]]);
    const state = (await h.t.json('GET', api(`/discussions/${d.id}/state`))).body;
    expect(state.flow.map((f: { action: string }) => f.action)).toEqual(['opening', 'turn', 'turn', 'pause', 'judgement', 'end']);
  });

  it('terminate while paused: the pause is resolved, the summary is written, the discussion ends terminated', async () => {
    const { moderator: m, a } = h.assistants;
    h.model.script(say(m, 'Open.'), say(a, 'A1.'));
    const hold = holdBeforeStep(h, 2);
    const d = await h.create({ type: 'collaborative', settings: { consultVault: false, maxRounds: 2, language: 'en' } });
    await hold.reached;
    await act(d.id, { type: 'pause' });
    hold.release();
    await h.engine.settled(d.id);
    h.model.script(say(m, 'Stopped after one turn.'));
    const r = await act(d.id, { type: 'terminate' });
    expect(r.body.discussion).toMatchObject({ status: 'terminated', pause: null });
    await h.engine.settled(d.id);
    const s = await stored(h.t.database, d.id);
    expect(s.interruptions.map((i) => [i.interruptionType, i.resolvedAt !== null])).toEqual([
      ['pause', true],
      ['terminate', true],
    ]);
    expect(s.row.endedAt).not.toBeNull();
    // The flow shows the pause and the terminate, and no resume.
    const state = (await h.t.json('GET', api(`/discussions/${d.id}/state`))).body;
    expect(state.flow.map((f: { action: string }) => f.action)).toEqual(['opening', 'turn', 'pause', 'terminate', 'summary', 'end']);
  });

  it('rejects bad interruptions with 400 and says what to fix', async () => {
    const { moderator: m } = h.assistants;
    h.model.script(say(m, 'Open.'));
    const hold = holdBeforeStep(h, 1);
    const d = await h.create({ type: 'collaborative' });
    await hold.reached;
    for (const [body, text] of [
      [{ type: 'shout' }, 'type must be one of pause, resume, redirect, clarify, terminate'],
      [{ type: 'redirect' }, 'topic'],
      [{ type: 'redirect', topic: '   ' }, 'topic must not be empty'],
      [{ type: 'clarify', message: '' }, 'message must not be empty'],
      [{ type: 'pause', priority: 'now' }, 'priority must be one of'],
      [{ type: 'resume', priority: 'high' }, 'Unrecognized key'],
    ] as const) {
      const r = await act(d.id, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.message).toContain(text);
    }
    expect((await act(999_999, { type: 'pause' })).status).toBe(404);
    // Clean up: end it.
    h.model.script(say(m, 'Ended.'));
    await act(d.id, { type: 'terminate' });
    hold.release();
    await h.engine.settled(d.id);
  });
});
