/**
 * Each discussion type end to end with scripted models: who speaks when, in which phase, what is
 * stored, what the prompts ask for, how it ends — and the counters, usage and times kept true.
 */
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { discussionMessageSchema, liveStateSchema } from '../../../shared/contracts/discussions';
import { discussionStateKey } from '../../src/cache/keys';
import { MemoryCacheStore } from '../../src/cache/memory';
import { aiAssistants, discussionParticipants } from '../../src/db/schema';
import { testDatabaseTargets } from '../helpers/databases';
import { api, createHarness, judge, parseSse, say, stored, type Harness } from './harness';

describe.each(testDatabaseTargets())('discussion types on $kind', (target) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(await target.open(), new MemoryCacheStore());
  });
  afterEach(() => h.verify());
  afterAll(async () => h?.dispose());

  const messagesOf = async (id: number) => {
    const r = await h.t.json('GET', api(`/discussions/${id}/messages`));
    expect(r.status).toBe(200);
    return r.body.items.map((m: unknown) => discussionMessageSchema.parse(m));
  };

  it('collaborative: the moderator opens, each participant builds on the previous speaker, the moderator judges each round, consensus ends it', async () => {
    const { moderator: m, a, b } = h.assistants;
    const usage = async () => Object.fromEntries((await h.t.database.db.select().from(aiAssistants)).map((r) => [r.id, r.usageCount]));
    const before = await usage();
    h.model.script(
      say(m, 'Welcome. Let us agree a remote work policy.', { check: (req) => expect(req.messages[0]!.content).toContain('Your task:\nOpen the discussion') }),
      say(a, 'Two office days a week.', {
        check: (req) => {
          expect(req.system).toContain('You are Aki (the assistant "Alpha")');
          expect(req.system).toContain('Write every text field in English');
          expect(req.messages[0]!.content).toContain("Build on the previous speaker's contribution");
          expect(req.messages[0]!.content).toMatch(/\[#\d+\] Moderator \(opening/);
        },
      }),
      say(b, 'Two days, with core hours.', { type: 'proposal', check: (req) => expect(req.messages[0]!.content).toContain('Two office days a week.') }),
      judge(m, { progress: 0.6, reached: false, openPoints: ['core hours'], check: (req) => expect(req.messages[0]!.content).toContain('Round 1 (phase: build) is over') }),
      say(a, 'Core hours 10–15 work for me.', { type: 'agreement', consensus: true }),
      say(b, 'Agreed.', { type: 'agreement', consensus: true }),
      judge(m, { progress: 1, reached: true, summary: 'Two office days, core hours 10–15.' }),
    );
    const d = await h.create({ type: 'collaborative', title: 'Remote work' });
    expect(d.status).toBe('active');
    expect(d.participants.map((p) => [p.name, p.role, p.persona?.name])).toEqual([
      ['Moderator', 'moderator', '綾'],
      ['Alpha', 'participant', 'Aki'],
      ['Beta', 'participant', 'Ben'],
    ]);
    await h.engine.settled(d.id);

    const done = (await h.t.json('GET', api(`/discussions/${d.id}`))).body;
    expect(done).toMatchObject({ status: 'completed', stopReason: 'consensus', consensusReached: true, consensusSummary: 'Two office days, core hours 10–15.', round: 2, phase: 'closing', allowedActions: [], currentParticipantCount: 0, contributionCount: 7, tokensUsed: 7 * 15 });
    expect(done.consensus).toEqual({ progress: 1, reached: true, summary: 'Two office days, core hours 10–15.', openPoints: [] });
    expect(done.endedAt).not.toBeNull();
    expect(new Date(done.endedAt).getTime()).toBeGreaterThanOrEqual(new Date(done.startedAt).getTime());
    expect(done.participants.map((p: { contributionCount: number; isActive: boolean; leftAt: string | null }) => [p.contributionCount, p.isActive, p.leftAt !== null])).toEqual([
      [3, false, true],
      [2, false, true],
      [2, false, true],
    ]);

    const messages = await messagesOf(d.id);
    expect(messages.map((x: { kind: string; round: number; phase: string; assistantId: number }) => [x.kind, x.round, x.phase, x.assistantId])).toEqual([
      ['opening', 0, 'opening', m],
      ['turn', 1, 'build', a],
      ['turn', 1, 'build', b],
      ['judgement', 1, 'build', m],
      ['turn', 2, 'build', a],
      ['turn', 2, 'build', b],
      ['judgement', 2, 'build', m],
    ]);
    // Each collaborative turn replies to the message before it.
    for (const i of [1, 2, 4, 5]) expect(messages[i].parentMessageId).toBe(messages[i - 1].id);
    expect(messages[2]).toMatchObject({ messageType: 'proposal', content: 'Two days, with core hours.', confidence: 7, reasoning: 'why Two days, with core hours.', failure: null });
    expect(messages[3].consensus).toEqual({ progress: 0.6, reached: false, summary: 'summary at 0.6', openPoints: ['core hours'] });
    expect(messages[5]).toMatchObject({ messageType: 'agreement', formsConsensus: true });

    // Every call counted on its assistant.
    const after = await usage();
    expect([after[m]! - before[m]!, after[a]! - before[a]!, after[b]! - before[b]!]).toEqual([3, 2, 2]);
    const [ma] = await h.t.database.db.select().from(aiAssistants).where(eq(aiAssistants.id, m));
    expect((ma!.settings as { usage: { totalTokens: number } }).usage.totalTokens).toBeGreaterThanOrEqual(45);

    // The live state is gone from the cache once it ended; GET state still answers from the database.
    expect(await h.t.cache.hgetall(discussionStateKey(String(d.id)))).toEqual({});
    const state = liveStateSchema.parse((await h.t.json('GET', api(`/discussions/${d.id}/state`))).body);
    expect(state).toMatchObject({ status: 'completed', running: false, currentSpeaker: null, consensusProgress: 1, tokensUsed: 105 });
    expect(state.flow.map((f) => f.action)).toEqual(['opening', 'turn', 'turn', 'judgement', 'turn', 'turn', 'judgement', 'end']);

    // The event stream of an ended discussion: its state and the discussion, then it closes.
    const res = await h.t.request('GET', api(`/discussions/${d.id}/events`));
    const events = parseSse(await res.text());
    expect(events.map((e) => e.event)).toEqual(['state', 'discussion']);
    expect(events[1]!.data.discussion).toMatchObject({ id: d.id, status: 'completed' });
  });

  it('debate: participants argue opposing stances, the moderator weighs them; the round limit ends it without consensus', async () => {
    const { moderator: m, a, b } = h.assistants;
    h.model.script(
      say(m, 'Motion: offices should close.', { check: (req) => expect(req.messages[0]!.content).toContain('Name the stances') }),
      say(a, 'Close them: costs.', { check: (req) => expect(req.messages[0]!.content).toContain('Your stance: For. Argue it') }),
      say(b, 'Keep them: culture.', { type: 'disagreement', check: (req) => expect(req.messages[0]!.content).toContain('Your stance: Against. Argue it') }),
      judge(m, { progress: 0.2, reached: false, check: (req) => expect(req.messages[0]!.content).toContain('Weigh the arguments of each side') }),
      say(a, 'Costs still win.'),
      say(b, 'Culture still wins.', { type: 'disagreement' }),
      judge(m, { progress: 0.3, reached: false, summary: 'Both sides hold.', openPoints: ['cost vs culture'] }),
    );
    const d = await h.create({ type: 'debate', settings: { consultVault: false, maxRounds: 2, language: 'en' } });
    expect(d.participants.map((p) => p.stance)).toEqual([null, 'For', 'Against']);
    await h.engine.settled(d.id);
    const done = (await h.t.json('GET', api(`/discussions/${d.id}`))).body;
    expect(done).toMatchObject({ status: 'completed', stopReason: 'round_limit', consensusReached: false, consensusSummary: null, round: 2 });
    expect(done.consensus.openPoints).toEqual(['cost vs culture']);
    const messages = await messagesOf(d.id);
    expect(messages.map((x: { phase: string }) => x.phase)).toEqual(['opening', 'argue', 'argue', 'argue', 'argue', 'argue', 'argue']);
    // A debate turn does not reply to anything unless the speaker says so.
    expect(messages[2].parentMessageId).toBeNull();
  });

  it('brainstorming: diverges, then converges; consensus during the diverge phase does not end it', async () => {
    const { moderator: m, a, b } = h.assistants;
    h.model.script(
      say(m, 'Ideas for the team offsite.'),
      say(a, 'Hiking.', { check: (req) => expect(req.messages[0]!.content).toContain('phase: diverge). Brainstorm') }),
      say(b, 'Cooking class.'),
      judge(m, { progress: 0.9, reached: true, check: (req) => expect(req.messages[0]!.content).toContain('which is not for agreeing') }),
      say(a, 'Hiking is cheapest; pick it.', { type: 'proposal', check: (req) => expect(req.messages[0]!.content).toContain('phase: converge). Converge') }),
      say(b, 'Yes, hiking.', { type: 'agreement', consensus: true }),
      judge(m, { progress: 1, reached: true, summary: 'Hiking.' }),
    );
    const d = await h.create({ type: 'brainstorming', settings: { consultVault: false, maxRounds: 3, language: 'en' } });
    await h.engine.settled(d.id);
    const done = (await h.t.json('GET', api(`/discussions/${d.id}`))).body;
    expect(done).toMatchObject({ status: 'completed', stopReason: 'consensus', consensusSummary: 'Hiking.', round: 2 });
    const messages = await messagesOf(d.id);
    expect(messages.map((x: { phase: string }) => x.phase)).toEqual(['opening', 'diverge', 'diverge', 'diverge', 'converge', 'converge', 'converge']);
  });

  it('problem solving: define → options → evaluate → decide, one phase per round; only a decision ends it', async () => {
    const { moderator: m, a, b } = h.assistants;
    const round = (phase: string, progress: number, reached: boolean) => [
      say(a, `${phase} by A`, { check: (req) => expect(req.messages[0]!.content).toContain(`(phase: ${phase})`) }),
      say(b, `${phase} by B`),
      judge(m, { progress, reached }),
    ];
    h.model.script(
      say(m, 'The build is slow.'),
      ...round('define', 0.2, false),
      ...round('options', 0.4, true), // not a deciding phase: goes on
      ...round('evaluate', 0.7, false),
      ...round('decide', 1, true),
    );
    const d = await h.create({ type: 'problem_solving', participants: [
      { assistantId: m, role: 'moderator' },
      { assistantId: a, role: 'participant' },
      { assistantId: b, role: 'participant' },
      { assistantId: h.assistants.observer, role: 'observer' },
    ], settings: { consultVault: false, maxRounds: 6, language: 'en' } });
    await h.engine.settled(d.id);
    const done = (await h.t.json('GET', api(`/discussions/${d.id}`))).body;
    expect(done).toMatchObject({ status: 'completed', stopReason: 'consensus', round: 4 });
    const messages = await messagesOf(d.id);
    expect(messages.filter((x: { kind: string }) => x.kind === 'judgement').map((x: { phase: string }) => x.phase)).toEqual(['define', 'options', 'evaluate', 'decide']);
    // The observer never spoke (no review was asked for).
    const [observer] = await h.t.database.db.select().from(discussionParticipants).where(eq(discussionParticipants.assistantId, h.assistants.observer));
    expect(observer!.contributionCount).toBe(0);
    expect(messages.some((x: { assistantId: number }) => x.assistantId === h.assistants.observer)).toBe(false);
  });

  it('observers give a closing review when asked; they never speak in the rounds', async () => {
    const { moderator: m, a, b, observer: o } = h.assistants;
    h.model.script(
      say(m, 'Open.'),
      say(a, 'A1.'),
      say(b, 'B1.'),
      judge(m, { progress: 1, reached: true, summary: 'Done.' }),
      say(o, 'The reasoning was thin on costs.', { check: (req) => expect(req.messages[0]!.content).toContain('You observed the discussion without speaking') }),
    );
    const d = await h.create({ type: 'collaborative', participants: [
      { assistantId: m, role: 'moderator' },
      { assistantId: o, role: 'observer' },
      { assistantId: a, role: 'participant' },
      { assistantId: b, role: 'participant' },
    ], settings: { consultVault: false, maxRounds: 2, language: 'en', observerReview: true } });
    await h.engine.settled(d.id);
    const s = await stored(h.t.database, d.id);
    expect(s.row.status).toBe('completed');
    const messages = await messagesOf(d.id);
    expect(messages.map((x: { kind: string; assistantId: number }) => [x.kind, x.assistantId])).toEqual([
      ['opening', m],
      ['turn', a],
      ['turn', b],
      ['judgement', m],
      ['review', o],
    ]);
    expect(messages[4].phase).toBe('closing');
  });
});
