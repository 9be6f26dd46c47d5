/**
 * How discussions end and fail: the token budget, turns that fail their schema (retried once, then
 * recorded as failed), a provider that keeps failing (the failed turn recorded, the discussion
 * paused with the reason, resume retrying that turn), and the references a turn may cite (found by
 * the librarian's retrieval).
 */
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { aiAssistants } from '../../src/db/schema';
import { MemoryCacheStore } from '../../src/cache/memory';
import { testDatabaseTargets } from '../helpers/databases';
import { createVault, insertNotes } from '../search/fixtures';
import type { ChatRequest } from '../../src/ai/provider';
import { api, createHarness, holdBeforeStep, judge, misfit, providerDown, say, stored, type Harness } from './harness';

describe.each(testDatabaseTargets())('discussion endings and faults on $kind', (target) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(await target.open(), new MemoryCacheStore());
  });
  afterEach(() => h.verify());
  afterAll(async () => h?.dispose());

  const messages = async (id: number) => (await h.t.json('GET', api(`/discussions/${id}/messages`))).body.items;
  const get = async (id: number) => (await h.t.json('GET', api(`/discussions/${id}`))).body;

  it('ends when the token budget is used up, with no further call', async () => {
    const { moderator: m, a } = h.assistants;
    const big = { inputTokens: 300, outputTokens: 100, totalTokens: 400 };
    h.model.script(say(m, 'Open.', { usage: big }), say(a, 'A1.', { usage: big }), say(h.assistants.b, 'B1.', { usage: big }));
    const d = await h.create({ type: 'collaborative', settings: { consultVault: false, maxRounds: 5, tokenBudget: 1000, language: 'en', observerReview: true } });
    await h.engine.settled(d.id);
    expect(await get(d.id)).toMatchObject({ status: 'completed', stopReason: 'token_budget', tokensUsed: 1200, consensusReached: false });
    expect((await messages(d.id)).map((x: { content: string }) => x.content)).toEqual(['Open.', 'A1.', 'B1.']);
  });

  it('a turn that fails its schema is retried once with the reason; a second misfit is recorded as a failed turn and skipped', async () => {
    const { moderator: m, a, b } = h.assistants;
    const before = (await h.t.database.db.select().from(aiAssistants).where(eq(aiAssistants.id, a)))[0]!.usageCount;
    h.model.script(
      say(m, 'Open.'),
      misfit(a),
      say(a, 'A1, fixed.', { check: (req) => expect(req.messages.at(-1)!.content).toContain('did not match the required JSON structure') }),
      misfit(b),
      misfit(b),
      judge(m, { progress: 1, reached: true, summary: 'Done.' }),
    );
    const d = await h.create({ type: 'collaborative', settings: { consultVault: false, maxRounds: 1, language: 'en' } });
    await h.engine.settled(d.id);
    const list = await messages(d.id);
    // The reason is in the person's language (Japanese by default), whatever the discussion's own.
    expect(list.map((x: { content: string; failure: unknown }) => [x.content, x.failure])).toEqual([
      ['Open.', null],
      ['A1, fixed.', null],
      ['', { kind: 'schema', reason: expect.stringContaining('の回答が決められた形式になっていませんでした') }],
      ['Done.', null],
    ]);
    // Both calls of each attempt count: tokens and the assistant's usage.
    expect(list[1].usage).toEqual({ inputTokens: 20, outputTokens: 10, totalTokens: 30 });
    expect(list[2].usage.totalTokens).toBe(30);
    const after = (await h.t.database.db.select().from(aiAssistants).where(eq(aiAssistants.id, a)))[0]!.usageCount;
    expect(after - before).toBe(2);
    const done = await get(d.id);
    expect(done).toMatchObject({ status: 'completed', stopReason: 'consensus', contributionCount: 3, tokensUsed: 15 + 30 + 30 + 15 });
    expect(done.participants.find((p: { assistantId: number }) => p.assistantId === b).contributionCount).toBe(0);
    const state = (await h.t.json('GET', api(`/discussions/${d.id}/state`))).body;
    expect(state.flow.map((f: { action: string }) => f.action)).toEqual(['opening', 'turn', 'failed', 'judgement', 'end']);
  });

  it('a judgement that fails its schema twice counts as no consensus; the round limit still ends the discussion', async () => {
    const { moderator: m, a, b } = h.assistants;
    const badJudgement = { call: 'streamObject' as const, reply: { partials: [], object: { summary: '', progress: 3 } } };
    h.model.script(say(m, 'Open.'), say(a, 'A1.'), say(b, 'B1.'), badJudgement, badJudgement);
    const d = await h.create({ type: 'collaborative', settings: { consultVault: false, maxRounds: 1, language: 'en' } });
    await h.engine.settled(d.id);
    expect(await get(d.id)).toMatchObject({ status: 'completed', stopReason: 'round_limit', consensus: null });
    expect((await messages(d.id)).at(-1)).toMatchObject({ kind: 'judgement', failure: { kind: 'schema' } });
  });

  it('a provider failing mid-round: the failed turn is recorded, the discussion pauses with the reason, resume retries that turn', async () => {
    const { moderator: m, a, b } = h.assistants;
    h.model.script(say(m, 'Open.'), say(a, 'A1.'), providerDown(b));
    const d = await h.create({ type: 'collaborative', settings: { consultVault: false, maxRounds: 1, language: 'en' } });
    await h.engine.settled(d.id);
    const paused = await get(d.id);
    expect(paused).toMatchObject({ status: 'paused', allowedActions: ['resume', 'redirect', 'clarify', 'terminate'] });
    expect(paused.pause).toMatchObject({ reason: 'provider_failure', message: expect.stringContaining('HTTP 503') });
    const s = await stored(h.t.database, d.id);
    expect(s.interruptions).toHaveLength(1);
    expect(s.interruptions[0]).toMatchObject({ interruptionType: 'pause', initiatedBy: 'system', priority: 'high', discussionStatusBefore: 'active', discussionStatusAfter: 'paused', resolvedAt: null });
    expect((await messages(d.id)).at(-1)).toMatchObject({ assistantId: b, content: '', failure: { kind: 'provider', reason: expect.stringContaining('HTTP 503') } });

    h.model.script(say(b, 'B1 after all.'), judge(m, { progress: 1, reached: true, summary: 'Done.' }));
    const r = await h.t.json('POST', api(`/discussions/${d.id}/interruptions`), { body: { type: 'resume' } });
    expect(r.body.interruption).toMatchObject({ id: s.interruptions[0]!.id, initiatedBy: 'system' });
    await h.engine.settled(d.id);
    expect((await messages(d.id)).map((x: { content: string; round: number; assistantId: number }) => [x.content, x.assistantId])).toEqual([
      ['Open.', m],
      ['A1.', a],
      ['', b],
      ['B1 after all.', b],
      ['Done.', m],
    ]);
    expect(await get(d.id)).toMatchObject({ status: 'completed', stopReason: 'consensus' });
  });

  it('an assistant deactivated mid-discussion pauses it with a reason saying what to do', async () => {
    const { moderator: m, a, b } = h.assistants;
    h.model.script(say(m, 'Open.'), say(a, 'A1.'));
    const hold = holdBeforeStep(h, 2);
    const d = await h.create({ type: 'collaborative', settings: { consultVault: false, maxRounds: 1, language: 'en' } });
    // Deactivated before B's turn: it cannot be called.
    await hold.reached;
    await h.t.database.db.update(aiAssistants).set({ isActive: false }).where(eq(aiAssistants.id, b));
    hold.release();
    await h.engine.settled(d.id);
    const paused = await get(d.id);
    await h.t.database.db.update(aiAssistants).set({ isActive: true }).where(eq(aiAssistants.id, b));
    expect(paused.status).toBe('paused');
    expect(paused.pause.message).toBe('アシスタント「Beta」は無効になっています。有効にしてから（または協議を終えてから）再開してください。');
    h.model.script(say(m, 'Ended early.'));
    await h.t.json('POST', api(`/discussions/${d.id}/interruptions`), { body: { type: 'terminate' } });
    await h.engine.settled(d.id);
    expect((await get(d.id)).status).toBe('terminated');
  });

  it("a turn cites only the vault notes the librarian's retrieval offered it, each with its passage", async () => {
    const { moderator: m, a, b } = h.assistants;
    const { db } = h.t.database;
    const vaultId = await createVault(db);
    // The topic is a question whose words are spread over the note's headings and body.
    await insertNotes(db, vaultId, [
      {
        path: 'Policies/Working arrangements.md',
        body: '# Working arrangements\n\n## Remote workers\n\nEveryone may work from home.\n\n## Office days\n\nSchedule two office days a week with your team.\n\n## Expenses\n\nClaims go through the portal.',
      },
      { path: 'Lunch.md', body: 'Sandwiches on Fridays.' },
    ]);
    const offered = (req: ChatRequest) => {
      const prompt = req.messages[0]!.content;
      expect(prompt).toMatch(/- Policies\/Working arrangements\.md — Working arrangements: [^\n]*Schedule two office days a week/);
      expect(prompt).not.toContain('Claims go through the portal');
      expect(prompt).not.toContain('Lunch.md');
    };
    h.model.script(
      say(m, 'Open.', { references: ['Policies/Working arrangements.md'], check: offered }),
      say(a, 'See the policy note.', { references: ['Policies/Working arrangements.md', 'Invented.md'], check: offered }),
      say(b, 'B1.', { references: ['Lunch.md'] }),
      judge(m, { progress: 1, reached: true, summary: 'Done.', check: (req) => expect(req.messages[0]!.content).not.toContain('Vault notes that may help') }),
    );
    const d = await h.create({ type: 'collaborative', topic: 'How should remote workers schedule their office days?', settings: { consultVault: true, vaultId, maxRounds: 1, language: 'en' } });
    await h.engine.settled(d.id);
    const list = await messages(d.id);
    expect(list.map((x: { references: Array<{ path: string }> }) => x.references.map((r) => r.path))).toEqual([['Policies/Working arrangements.md'], ['Policies/Working arrangements.md'], [], []]);
    expect(list[1].references[0]).toEqual({ path: 'Policies/Working arrangements.md', title: 'Working arrangements' });
  });

  it('a topic the vault holds nothing relevant about offers no notes, and a cited path is dropped', async () => {
    const { moderator: m, a, b } = h.assistants;
    const { db } = h.t.database;
    const vaultId = await createVault(db);
    // Only "headquarters" is in the vault (the topic's longest word, which a plain word search would
    // find): too small a share of the topic for the retrieval to count the note relevant.
    await insertNotes(db, vaultId, [{ path: 'Headquarters.md', body: 'Headquarters opens at eight.' }]);
    const none = (req: ChatRequest) => expect(req.messages[0]!.content).not.toContain('Vault notes that may help');
    h.model.script(
      say(m, 'Open.', { check: none }),
      say(a, 'A1.', { references: ['Headquarters.md'], check: none }),
      say(b, 'B1.', { check: none }),
      judge(m, { progress: 1, reached: true, summary: 'Done.' }),
    );
    const d = await h.create({ type: 'collaborative', topic: 'Catering budget for the summer party at headquarters', settings: { consultVault: true, vaultId, maxRounds: 1, language: 'en' } });
    await h.engine.settled(d.id);
    expect((await messages(d.id)).map((x: { references: unknown[] }) => x.references)).toEqual([[], [], [], []]);
  });
});
