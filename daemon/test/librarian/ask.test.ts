/**
 * Asking the librarian through HTTP (app.request) with the SSE stream parsed and checked against
 * the contract: answers from the vault with citations that only ever link existing notes, the
 * no-relevant-notes path (no model call), general knowledge on request, continued conversations,
 * incomplete answers on provider errors and cancels, settings, not-configured and bad input.
 */
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { librarianMessageSchema, librarianSettingsSchema } from '../../../shared/contracts/librarian';
import { AiError } from '../../src/ai/errors';
import { conversations, librarianAssistant, messages, notes } from '../../src/db/schema';
import { wikiLinks } from '../../src/librarian/citations';
import { waitFor } from '../helpers/caches';
import { testDatabaseTargets } from '../helpers/databases';
import { api, ask, librarianFixture, type LibrarianFixture } from './helpers';

describe.each(testDatabaseTargets())('librarian ask on $kind', (target) => {
  let f: LibrarianFixture;

  beforeAll(async () => {
    f = await librarianFixture(target);
  });
  afterEach(() => f.model.verify());
  afterAll(async () => f?.dispose());

  const stored = (conversationId: number) => f.t.database.db.select().from(messages).where(eq(messages.conversationId, conversationId)).orderBy(messages.id);
  const notePaths = async () => new Set((await f.t.database.db.select({ path: notes.path }).from(notes).where(eq(notes.vaultId, f.vaultId))).map((n) => n.path));

  it('answers from the vault: passages, streamed text, and citations that link only existing notes', async () => {
    const before = (await f.t.json('GET', api(`/assistants/${f.assistantId}`))).body;
    f.model.script({
      call: 'stream',
      check: (req, config) => {
        expect(config?.assistantId).toBe(f.assistantId);
        expect(req.temperature).toBe(0.1);
        expect(req.system).toContain('librarian');
        expect(req.system).toContain('never invent a note');
        expect(req.system).toContain('written in English');
        expect(req.messages).toHaveLength(1);
        const prompt = req.messages[0]!.content;
        expect(prompt).toContain('[[Watering schedule]]');
        expect(prompt).toContain('Water the vegetable beds every morning in summer');
        expect(prompt.endsWith('My question: When should I water the vegetable beds in summer?')).toBe(true);
      },
      reply: { chunks: ['Every morning [[Watering schedule]]', ', as planned in [[garden plan]]. See also [[Irrigation handbook]] and ', '[[Garden plan#Tomatoes|the plan]].'], usage: { inputTokens: 120, outputTokens: 30, totalTokens: 150 } },
    });
    const { status, events } = await ask(f.t, { question: 'When should I water the vegetable beds in summer?' });
    expect(status).toBe(200);
    expect(events.map((e) => e.event)).toEqual(['user', 'passages', 'delta', 'delta', 'delta', 'done']);
    expect(events[0]!.data.message).toMatchObject({ role: 'user', content: 'When should I water the vegetable beds in summer?', citations: [], mode: null });
    const passages = events[1]!.data;
    expect(passages.relevant).toBe(true);
    expect(passages.vault).toBe(f.vaultId);
    expect(passages.passages[0]).toMatchObject({ path: 'Projects/Watering schedule.md', title: 'Watering schedule', source: 'search' });

    const done = events.at(-1)!.data;
    expect(done.message.content).toBe(
      'Every morning [[Watering schedule]], as planned in [[garden plan]]. See also Irrigation handbook and [[Garden plan#Tomatoes|the plan]].',
    );
    expect(done.message).toMatchObject({ role: 'assistant', incomplete: false, mode: 'vault', removedLinks: ['Irrigation handbook'], usage: { totalTokens: 150 } });
    expect(done.message.citations.map((c: { path: string; target: string }) => [c.target, c.path])).toEqual([
      ['Watering schedule', 'Projects/Watering schedule.md'],
      ['garden plan', 'Projects/Garden plan.md'],
    ]);
    expect(done.message.citations[0].passage).toMatchObject({ path: 'Projects/Watering schedule.md' });
    // Every link left in the answer names a note of the vault.
    const existing = await notePaths();
    for (const link of wikiLinks(done.message.content)) {
      const target = link.target.toLowerCase();
      expect([...existing].some((p) => p.toLowerCase().replace(/\.md$/, '').split('/').pop() === target), link.raw).toBe(true);
    }

    const conversationId = done.message.conversationId;
    const rows = await stored(conversationId);
    expect(rows.map((r) => [r.senderType, r.content])).toEqual([
      ['user', 'When should I water the vegetable beds in summer?'],
      ['assistant', done.message.content],
    ]);
    expect(rows[1]!.metadata).toMatchObject({ librarian: true, mode: 'vault', removedLinks: ['Irrigation handbook'] });
    const after = (await f.t.json('GET', api(`/assistants/${f.assistantId}`))).body;
    expect(after.usageCount).toBe(before.usageCount + 1);
    expect(after.tokenUsage.totalTokens).toBe(before.tokenUsage.totalTokens + 150);

    // The history lists it, with its citations; the conversation endpoints see it too.
    const list = await f.t.json('GET', api('/librarian/conversations'));
    expect(list.body.items.map((c: { id: number }) => c.id)).toContain(conversationId);
    expect(list.body.items.find((c: { id: number }) => c.id === conversationId)).toMatchObject({ title: 'When should I water the vegetable beds in summer?', assistantId: f.assistantId, messageCount: 2 });
    const history = await f.t.json('GET', api(`/librarian/conversations/${conversationId}/messages`));
    expect(history.body.total).toBe(2);
    const answer = librarianMessageSchema.parse(history.body.items[1]);
    expect(answer.citations.map((c) => c.path)).toEqual(['Projects/Watering schedule.md', 'Projects/Garden plan.md']);
    expect(answer.removedLinks).toEqual(['Irrigation handbook']);
    expect((await f.t.json('GET', api(`/conversations/${conversationId}`))).body.metadata).toMatchObject({ librarian: true, vaultId: f.vaultId });
  });

  it('answers a Japanese question from the Japanese note and drops an invented note', async () => {
    f.model.script({
      call: 'stream',
      check: (req) => {
        expect(req.system).toContain('written in Japanese');
        expect(req.messages[0]!.content).toContain('[[定例会議]] — section “次回の予定”');
      },
      reply: { chunks: ['次回は金曜日の午後です（[[定例会議]]）。', '予算案は[[予算案2025]]を参照。'] },
    });
    const { events } = await ask(f.t, { question: '次回の定例会議はいつですか？' });
    const passages = events.find((e) => e.event === 'passages')!.data.passages;
    expect(passages[0]).toMatchObject({ path: '日記/定例会議.md', heading: '次回の予定' });
    expect(passages[0].text).toContain('次回の定例会議は金曜日の午後');
    const done = events.at(-1)!;
    expect(done.event).toBe('done');
    expect(done.data.message.content).toBe('次回は金曜日の午後です（[[定例会議]]）。予算案は予算案2025を参照。');
    expect(done.data.message.removedLinks).toEqual(['予算案2025']);
    expect(done.data.message.citations).toMatchObject([{ path: '日記/定例会議.md', passage: { heading: '次回の予定' } }]);
  });

  it('says the vault holds nothing relevant without calling the model, in the question’s language', async () => {
    const calls = f.model.calls.length;
    const en = await ask(f.t, { question: 'What is the capital city of Australia?' });
    expect(en.events.map((e) => e.event)).toEqual(['user', 'passages', 'done']);
    expect(en.events[1]!.data).toEqual({ vault: f.vaultId, passages: [], relevant: false, semantic: { status: 'off', message: null } });
    expect(en.events[2]!.data.message).toMatchObject({
      mode: 'nothing_found',
      incomplete: false,
      citations: [],
      content: 'Your vault has no notes about this, so the librarian does not answer from general knowledge. Ask again with general knowledge allowed to get a general answer.',
    });
    expect(en.events[2]!.data.usage).toEqual({ inputTokens: 0, outputTokens: 0, totalTokens: 0 });
    const ja = await ask(f.t, { question: 'オーストラリアの首都はどこですか？' });
    expect(ja.events.at(-1)!.data.message.content).toContain('保管庫にはこの質問に関するノートが見つかりませんでした');
    expect(f.model.calls.length).toBe(calls);
    const rows = await stored(ja.events[0]!.data.message.conversationId);
    expect(rows.map((r) => r.senderType)).toEqual(['user', 'assistant']);
    expect(rows[1]!.metadata).toMatchObject({ mode: 'nothing_found' });
  });

  it('answers from general knowledge only when asked to, without links', async () => {
    f.model.script({
      call: 'stream',
      check: (req) => {
        expect(req.system).toContain('general knowledge');
        expect(req.system).toContain('Write no [[links]]');
        expect(req.messages[0]!.content).toBe('What is the capital city of Australia?');
      },
      reply: { chunks: ['Not from your notes: Canberra. [[Australia]]'] },
    });
    const { events } = await ask(f.t, { question: 'What is the capital city of Australia?', allowGeneralKnowledge: true });
    expect(events.find((e) => e.event === 'passages')!.data.relevant).toBe(false);
    expect(events.at(-1)!.data.message).toMatchObject({ mode: 'general', content: 'Not from your notes: Canberra. Australia', citations: [], removedLinks: ['Australia'] });
  });

  it('asks about a given note: its passage comes first, and it is answered even when the search finds nothing else', async () => {
    f.model.script({
      call: 'stream',
      check: (req) => {
        expect(req.messages[0]!.content).toMatch(/^Notes from my vault:\n\n\[1\] \[\[Zettelkasten\]\]\nZettelkasten is a note-taking method/);
        expect(req.system).toContain('Answer the question from the notes given');
      },
      reply: { chunks: ['小さなノートをつなぐ方法です [[Zettelkasten]]。'] },
    });
    const { events } = await ask(f.t, { question: 'これを一言でまとめると？', notePath: 'Notes/Zettelkasten.md' });
    const passages = events.find((e) => e.event === 'passages')!.data;
    expect(passages.relevant).toBe(true);
    expect(passages.passages.map((p: { path: string; source: string }) => [p.path, p.source])).toEqual([['Notes/Zettelkasten.md', 'note']]);
    expect(events.at(-1)!.data.message).toMatchObject({ mode: 'vault', citations: [{ path: 'Notes/Zettelkasten.md' }] });
    // The note first, then what the search finds.
    f.model.script({ call: 'stream', reply: { chunks: ['ok'] } });
    const both = await ask(f.t, { question: 'When do I add garam masala?', notePath: 'Projects/Garden plan' });
    expect(both.events.find((e) => e.event === 'passages')!.data.passages.map((p: { path: string }) => p.path).slice(0, 2)).toEqual(['Projects/Garden plan.md', 'Recipes/Curry.md']);
    expect((await ask(f.t, { question: 'What is it about?', notePath: 'Nowhere.md' })).status).toBe(404);
  });

  it('continues a conversation: the earlier questions and answers are sent, without their passages', async () => {
    f.model.script({ call: 'stream', reply: { chunks: ['Add garam masala at the end [[Curry]].'] } });
    const first = await ask(f.t, { question: 'When do I add the garam masala to the curry?' });
    const conversationId = first.events[0]!.data.message.conversationId;
    f.model.script({
      call: 'stream',
      check: (req) => {
        expect(req.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
        expect(req.messages[0]!.content).toBe('When do I add the garam masala to the curry?');
        expect(req.messages[1]!.content).toBe('Add garam masala at the end [[Curry]].');
        expect(req.messages[2]!.content).toContain('My question: What do I serve the curry with?');
      },
      reply: { chunks: ['Rice and pickles [[Curry]].'] },
    });
    const second = await ask(f.t, { question: 'What do I serve the curry with?', conversationId });
    expect(second.events[0]!.data.message.conversationId).toBe(conversationId);
    expect(second.events.at(-1)!.data.message.citations[0].passage.heading).toBe('Serving');
    expect((await stored(conversationId)).map((r) => r.senderType)).toEqual(['user', 'assistant', 'user', 'assistant']);
  });

  it('a provider error mid-answer: one sentence, the partial answer stored as incomplete with invented links removed', async () => {
    f.model.script({ call: 'stream', reply: { chunks: ['Water daily [[Rain barrel]] and '], error: new AiError({ kind: 'provider_error', who: 'The model server', status: 500 }, { status: 500 }) } });
    const { events } = await ask(f.t, { question: 'How often should the vegetable beds be watered?' });
    expect(events.map((e) => e.event)).toEqual(['user', 'passages', 'delta', 'error']);
    const error = events.at(-1)!.data;
    // The person prefers Japanese (the default), even though the question is English.
    expect(error).toMatchObject({ code: 'provider_error', message: 'The model server の側でエラーが起きました（HTTP 500）。しばらくしてからもう一度お試しください。' });
    const rows = await stored(events[0]!.data.message.conversationId);
    expect(rows[1]).toMatchObject({ id: error.messageId, content: 'Water daily Rain barrel and ' });
    expect(rows[1]!.metadata).toMatchObject({ incomplete: true, errorKind: 'provider_error', reason: error.message, removedLinks: ['Rain barrel'] });
    const shown = (await f.t.json('GET', api(`/librarian/conversations/${rows[0]!.conversationId}/messages`))).body.items[1];
    expect(shown).toMatchObject({ incomplete: true, reason: error.message, mode: 'vault' });
  });

  it('an English-preferring person gets the English sentence, in the stream and stored', async () => {
    expect((await f.t.json('PATCH', api('/preferences'), { body: { language: 'en' } })).status).toBe(200);
    try {
      f.model.script({ call: 'stream', reply: { chunks: ['Water '], error: new AiError({ kind: 'timeout', who: 'OpenAI (gpt-4o-mini)', ms: 60_000 }) } });
      const { events } = await ask(f.t, { question: 'How often should the vegetable beds be watered?' });
      const english = 'OpenAI (gpt-4o-mini) did not answer within 60 seconds; try again, or raise the timeout.';
      expect(events.at(-1)).toMatchObject({ event: 'error', data: { code: 'timeout', message: english } });
      const rows = await stored(events[0]!.data.message.conversationId);
      expect(rows[1]!.metadata).toMatchObject({ incomplete: true, errorKind: 'timeout', reason: english });
    } finally {
      expect((await f.t.json('PATCH', api('/preferences'), { body: { language: 'ja' } })).status).toBe(200);
    }
  });

  it('a client that goes away: the model call is cancelled and the answer stored as incomplete', async () => {
    f.model.script({ call: 'stream', reply: { chunks: ['The curry needs '], then: 'hang' } });
    const res = await f.t.request('POST', api('/librarian/ask'), { body: { question: 'What goes into the family curry?' } });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let seen = '';
    while (!seen.includes('event: delta')) {
      const { value, done } = await reader.read();
      if (done) break;
      seen += new TextDecoder().decode(value);
    }
    const conversationId = JSON.parse(seen.split('\n').find((l) => l.startsWith('data: '))!.slice(6)).message.conversationId as number;
    await reader.cancel();
    await waitFor(async () => (await stored(conversationId)).length === 2, 5000, 'the incomplete answer');
    const answer = (await stored(conversationId))[1]!;
    expect(answer).toMatchObject({ senderType: 'assistant', content: 'The curry needs ' });
    expect(answer.metadata).toMatchObject({ incomplete: true, errorKind: 'cancelled' });
    expect(f.model.calls.at(-1)!.req.signal?.aborted).toBe(true);
    expect((await f.t.json('GET', api('/health'))).status).toBe(200);
  });

  it('bad input is a clean 4xx and stores nothing', async () => {
    const count = async () => Number((await f.t.database.db.select({ n: sql<number>`count(*)` }).from(messages))[0]!.n);
    const before = await count();
    const cases: Array<[string, unknown, number, string]> = [
      ['empty', { question: '   ' }, 400, 'question must not be empty'],
      ['100 KB', { question: 'あ'.repeat(100_000) }, 400, 'question must be at most 4000 characters'],
      ['not a string', { question: 42 }, 400, 'question'],
      ['extra field', { question: 'x', model: 'gpt-4' }, 400, 'model'],
      ['unknown vault', { question: 'curry?', vault: '999999' }, 404, 'Vault 999999 not found'],
      ['unknown vault path', { question: 'curry?', vault: '/no/such/vault' }, 404, 'not found'],
      ['unknown conversation', { question: 'curry?', conversationId: 999999 }, 404, 'Librarian conversation 999999 not found'],
      ['bad conversation id', { question: 'curry?', conversationId: -1 }, 400, 'conversationId'],
    ];
    for (const [what, body, status, message] of cases) {
      const r = await ask(f.t, body as Record<string, unknown>);
      expect(r.status, what).toBe(status);
      expect(r.error?.message, what).toContain(message);
    }
    const notJson = await f.t.json('POST', api('/librarian/ask'), { rawBody: '{"question":' });
    expect(notJson.status).toBe(400);
    for (const [path, status] of [
      ['/librarian/passages?q=', 400],
      [`/librarian/passages?q=${'x'.repeat(4001)}`, 400],
      ['/librarian/passages?q=curry&limit=0', 400],
      ['/librarian/passages?q=curry&vault=999999', 404],
      ['/librarian/conversations?limit=abc', 400],
      ['/librarian/conversations/abc/messages', 400],
      ['/librarian/conversations/999999/messages', 404],
    ] as const) {
      const r = await f.t.json('GET', api(path));
      expect(r.status, path).toBe(status);
      expect(r.body.error.message.length, path).toBeGreaterThan(0);
    }
    // An ordinary chat is not a librarian conversation.
    const chat = (await f.t.json('POST', api('/conversations'), { body: { assistantId: f.assistantId } })).body.id;
    expect((await ask(f.t, { question: 'curry?', conversationId: chat })).status).toBe(404);
    // An archived librarian conversation is not continued.
    f.model.script({ call: 'stream', reply: { chunks: ['Onions [[Curry]].'] } });
    const done = await ask(f.t, { question: 'What is in the curry?' });
    const cid = done.events[0]!.data.message.conversationId;
    await f.t.json('PATCH', api(`/conversations/${cid}`), { body: { status: 'archived' } });
    const archived = await ask(f.t, { question: 'And the spices?', conversationId: cid });
    expect(archived.status).toBe(409);
    expect(archived.error?.code).toBe('conversation_archived');
    expect(await count()).toBe(before + 2);
    expect((await f.t.database.db.select().from(conversations).where(and(eq(conversations.id, cid)))).length).toBe(1);
  });

  it('settings: created with defaults, changed by PATCH, used by the retrieval', async () => {
    const s = librarianSettingsSchema.parse((await f.t.json('GET', api('/librarian'))).body);
    expect(s).toMatchObject({
      name: '司書AI',
      isActive: true,
      assistantId: f.assistantId,
      assistant: { id: f.assistantId, name: 'Librarian model', provider: 'openai_compatible', model: 'llama3.2', isActive: true },
      configured: true,
      problem: null,
      problemMessage: null,
      specialization: ['知識管理', '情報検索', 'タグ付け', 'テンプレート管理'],
      searchStrategies: { passages: 6, expandLinks: true, maxPassageChars: 1200 },
    });
    // The user's language is Japanese by default: PARA categories in Japanese.
    expect(Object.keys(s.knowledgeCategories).sort()).toEqual(['アーカイブ', 'エリア', 'プロジェクト', 'リソース']);

    const patched = await f.t.json('PATCH', api('/librarian'), { body: { searchStrategies: { passages: 1 }, knowledgeCategories: { Cooking: 'Recipes and food' }, specialization: ['料理'] } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ searchStrategies: { passages: 1, expandLinks: true, maxPassageChars: 1200 }, knowledgeCategories: { Cooking: 'Recipes and food' }, specialization: ['料理'] });
    const p = await f.t.json('GET', api(`/librarian/passages?q=${encodeURIComponent('garam masala curry spices')}`));
    expect(p.status).toBe(200);
    expect(p.body.passages[0]).toMatchObject({ path: 'Recipes/Curry.md', heading: 'Spices' });
    f.model.script({ call: 'stream', check: (req) => expect(req.messages[0]!.content.match(/^\[\d\] /gm)).toHaveLength(1), reply: { chunks: ['ok'] } });
    expect((await ask(f.t, { question: 'When is the garam masala added to the curry?' })).events.find((e) => e.event === 'passages')!.data.passages).toHaveLength(1);

    for (const [body, message] of [
      [{}, 'send at least one field'],
      [{ searchStrategies: { passages: 0 } }, 'passages must be between 1 and 20'],
      [{ assistantId: 999999 }, 'assistantId 999999 does not exist'],
      [{ provider: 'openai' }, 'provider'],
    ] as const) {
      const r = await f.t.json('PATCH', api('/librarian'), { body });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.message).toContain(message);
    }
    await f.t.json('PATCH', api('/librarian'), { body: { searchStrategies: { passages: 6 } } });
    // Still one row, whatever was asked.
    const rows = await f.t.database.db.select({ n: sql<number>`count(*)` }).from(librarianAssistant);
    expect(Number(rows[0]!.n)).toBe(1);
  });
});

describe.each(testDatabaseTargets())('librarian without a provider on $kind', (target) => {
  let f: LibrarianFixture;
  beforeAll(async () => {
    f = await librarianFixture(target, { configure: false });
  });
  afterEach(() => f.model.verify());
  afterAll(async () => f?.dispose());

  it('search, related notes, passages and templates work; the AI features say what to configure', async () => {
    expect((await f.t.json('GET', api('/search?q=curry'))).body.results[0].path).toBe('Recipes/Curry.md');
    expect((await f.t.json('GET', api(`/notes/related?path=${encodeURIComponent('Projects/Garden plan.md')}`))).body.results.map((r: { path: string }) => r.path)).toContain('Projects/Watering schedule.md');
    expect((await f.t.json('GET', api('/librarian/passages?q=watering'))).body.relevant).toBe(true);
    expect((await f.t.json('GET', api('/templates'))).body.templates).toHaveLength(2);

    const settings = (await f.t.json('GET', api('/librarian'))).body;
    expect(settings).toMatchObject({ configured: false, problem: 'no_assistant', assistantId: null, assistant: null });
    expect(settings.problemMessage).toBe('司書AIのアシスタントがまだ設定されていません。アシスタントを追加し、Hishoの設定で司書AIのアシスタントとして選んでください。');

    const en = await ask(f.t, { question: 'When should I water the beds?' });
    expect(en.status).toBe(409);
    expect(en.error).toMatchObject({ code: 'librarian_not_configured', message: 'The librarian has no AI assistant yet. Add an assistant, then choose it as the librarian’s assistant in the Hisho settings.' });
    for (const tool of ['tags', 'categorize', 'summarize', 'links']) {
      const r = await f.t.json('POST', api(`/librarian/${tool}`), { body: { path: 'Recipes/Curry.md' } });
      expect(r.status, tool).toBe(409);
      expect(r.body.error).toMatchObject({ code: 'librarian_not_configured', details: { problem: 'no_assistant', configure: 'librarian.assistantId' } });
    }

    // An inactive assistant, a cloud assistant without a key, a librarian turned off.
    await f.t.json('PATCH', api(`/assistants/${f.assistantId}`), { body: { isActive: false } });
    await f.t.json('PATCH', api('/librarian'), { body: { assistantId: f.assistantId } });
    const inactive = await ask(f.t, { question: 'When should I water the beds?' });
    expect(inactive.error).toMatchObject({ code: 'librarian_not_configured' });
    expect(inactive.error!.message).toContain('“Librarian model” is turned off');
    const keyless = (await f.t.json('POST', api('/assistants'), { body: { name: 'Cloud', provider: 'openai', model: 'gpt-4o-mini' } })).body.id;
    expect((await f.t.json('PATCH', api('/librarian'), { body: { assistantId: keyless } })).body).toMatchObject({ configured: false, problem: 'assistant_key_missing' });
    await f.t.json('PATCH', api(`/assistants/${f.assistantId}`), { body: { isActive: true } });
    await f.t.json('PATCH', api('/librarian'), { body: { assistantId: f.assistantId, isActive: false } });
    expect((await f.t.json('GET', api('/librarian'))).body).toMatchObject({ configured: false, problem: 'librarian_inactive' });
    await f.t.json('DELETE', api(`/assistants/${keyless}`));
    await f.t.json('PATCH', api('/librarian'), { body: { assistantId: keyless, isActive: true } }).then((r) => expect(r.status).toBe(400));
    const count = await f.t.database.db.select({ n: sql<number>`count(*)` }).from(messages);
    expect(Number(count[0]!.n)).toBe(0);
  });
});
