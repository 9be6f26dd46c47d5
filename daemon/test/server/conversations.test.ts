import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { API_PREFIX } from '../../../shared/contracts';
import { chatEventSchemas, conversationSchema, messageSchema } from '../../../shared/contracts/conversations';
import { AiError } from '../../src/ai/errors';
import { secretBox } from '../../src/ai/secrets';
import { sessionKey } from '../../src/ai/session';
import { MemoryCacheStore, openCache } from '../../src/cache';
import type { CacheStore } from '../../src/cache/store';
import { aiAssistants, messages, roles } from '../../src/db/schema';
import { openaiWire, startProtocolServer, type ProtocolServer } from '../ai/protocol-server';
import { ScriptedModel } from '../ai/scripted-model';
import { createTestApp, serveTestApp, TEST_TOKEN, type TestApp } from '../helpers/app';
import { testCacheTargets, waitFor } from '../helpers/caches';
import { testDatabaseTargets } from '../helpers/databases';

const api = (path: string) => `${API_PREFIX}${path}`;

interface SseEvent {
  event: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  data: any;
}

function parseSse(text: string): SseEvent[] {
  return text
    .split('\n\n')
    .filter((block) => block.trim())
    .map((block) => {
      const lines = block.split('\n');
      const event = lines.find((l) => l.startsWith('event: '))?.slice(7) ?? 'message';
      const data = lines
        .filter((l) => l.startsWith('data: '))
        .map((l) => l.slice(6))
        .join('\n');
      const parsed = JSON.parse(data);
      const schema = chatEventSchemas[event as keyof typeof chatEventSchemas];
      expect(schema, `unknown event ${event}`).toBeDefined();
      schema.parse(parsed);
      return { event, data: parsed };
    });
}

const combos = testDatabaseTargets().flatMap((db) => testCacheTargets().map((cache) => ({ db, cache, name: `${db.kind} + ${cache.kind}` })));

describe.each(combos)('conversations on $name', ({ db, cache }) => {
  let t: TestApp;
  let store: CacheStore;
  const model = new ScriptedModel();
  let assistantId: number;

  beforeAll(async () => {
    store = await cache.open();
    t = await createTestApp(await db.open(), store, { secrets: secretBox(randomBytes(32)), models: model.factory() });
    const [role] = await t.database.db.select().from(roles).limit(1);
    const persona = await t.json('POST', api('/personas'), {
      body: { name: '綾', personality: 'Polite and precise; uses short sentences.', description: 'A meticulous archivist.', roleId: role!.id },
    });
    const a = await t.json('POST', api('/assistants'), { body: { name: 'Archivist', provider: 'openai_compatible', model: 'llama3.2', personaId: persona.body.id, settings: { temperature: 0.2 } } });
    assistantId = a.body.id;
  });
  afterEach(() => model.verify());
  afterAll(async () => t?.dispose());

  async function newConversation(title = 'Chat'): Promise<number> {
    const r = await t.json('POST', api('/conversations'), { body: { assistantId, title } });
    expect(r.status).toBe(201);
    conversationSchema.parse(r.body);
    return r.body.id;
  }

  async function send(conversationId: number, content: string): Promise<{ status: number; events: SseEvent[] }> {
    const res = await t.request('POST', api(`/conversations/${conversationId}/messages`), { body: { content } });
    if (res.headers.get('content-type')?.startsWith('text/event-stream')) return { status: res.status, events: parseSse(await res.text()) };
    return { status: res.status, events: [{ event: 'http', data: await res.json() }] };
  }

  const stored = (conversationId: number) => t.database.db.select().from(messages).where(eq(messages.conversationId, conversationId)).orderBy(messages.id);

  it('streams a reply, stores both messages, sends the persona as the system prompt in the right language, and counts usage', async () => {
    const c = await newConversation();
    const before = (await t.json('GET', api(`/assistants/${assistantId}`))).body;
    model.script({
      call: 'stream',
      check: (req) => {
        expect(req.messages).toEqual([{ role: 'user', content: '議事録の書き方を教えて' }]);
        expect(req.system).toContain('綾');
        expect(req.system).toContain('Polite and precise');
        expect(req.system).toContain('A meticulous archivist.');
        expect(req.system).toMatch(/Your role: \S/);
        expect(req.system).toContain('written in Japanese');
        expect(req.temperature).toBe(0.2);
      },
      reply: { chunks: ['議事録は', '要点から。'], usage: { inputTokens: 20, outputTokens: 6, totalTokens: 26 } },
    });
    const { status, events } = await send(c, '議事録の書き方を教えて');
    expect(status).toBe(200);
    expect(events.map((e) => e.event)).toEqual(['user', 'delta', 'delta', 'done']);
    expect(events[0]!.data.message).toMatchObject({ role: 'user', content: '議事録の書き方を教えて' });
    expect(events.slice(1, 3).map((e) => e.data.text)).toEqual(['議事録は', '要点から。']);
    expect(events[3]!.data.message).toMatchObject({ role: 'assistant', content: '議事録は要点から。', incomplete: false, usage: { totalTokens: 26 } });

    const rows = await stored(c);
    expect(rows.map((r) => [r.senderType, r.content])).toEqual([
      ['user', '議事録の書き方を教えて'],
      ['assistant', '議事録は要点から。'],
    ]);
    const after = (await t.json('GET', api(`/assistants/${assistantId}`))).body;
    expect(after.usageCount).toBe(before.usageCount + 1);
    expect(after.tokenUsage.totalTokens).toBe(before.tokenUsage.totalTokens + 26);
    expect(after.lastUsed).not.toBeNull();

    const conv = (await t.json('GET', api(`/conversations/${c}`))).body;
    expect(conv).toMatchObject({ messageCount: 2, assistantId, status: 'active' });
    const list = await t.json('GET', api(`/conversations/${c}/messages`));
    expect(list.body.items.map((m: unknown) => messageSchema.parse(m).content)).toEqual(['議事録の書き方を教えて', '議事録は要点から。']);
  });

  it('sends the history; an English question gets the English hint; the session lives under ai_session with a 1 h TTL', async () => {
    const c = await newConversation();
    model.script({ call: 'stream', reply: { chunks: ['Hi!'] } });
    await send(c, 'Hello there');
    const untitled = (await t.json('POST', api('/conversations'), { body: { assistantId } })).body.id;
    model.script({ call: 'stream', reply: { chunks: ['ok'] } });
    await send(untitled, `  What is   a really long first question that goes on and on beyond sixty characters?`);
    expect((await t.json('GET', api(`/conversations/${untitled}`))).body.title).toBe('What is a really long first question that goes on and on bey…');
    const key = sessionKey(assistantId, c);
    expect(key).toBe(`ai_session:${assistantId}:${c}`);
    const ttl = await store.ttl(key);
    expect(ttl).toBeGreaterThan(3500);
    expect(ttl).toBeLessThanOrEqual(3600);
    model.script({
      call: 'stream',
      check: (req) => {
        expect(req.messages.map((m) => `${m.role}:${m.content}`)).toEqual(['user:Hello there', 'assistant:Hi!', 'user:What did I say?']);
        expect(req.system).toContain('written in English');
      },
      reply: { chunks: ['You said hello.'] },
    });
    expect((await send(c, 'What did I say?')).events.at(-1)!.event).toBe('done');
    expect(t.logLines.some((l) => l.includes('"context":"cache"'))).toBe(true);
  });

  it('rebuilds the session from PostgreSQL when the cache lost it', async () => {
    const c = await newConversation();
    model.script({ call: 'stream', reply: { chunks: ['一つ目の答え'] } });
    await send(c, '一つ目の質問');
    expect(await store.del(sessionKey(assistantId, c))).toBe(1);
    model.script({
      call: 'stream',
      check: (req) => expect(req.messages.map((m) => m.content)).toEqual(['一つ目の質問', '一つ目の答え', '二つ目の質問']),
      reply: { chunks: ['二つ目の答え'] },
    });
    expect((await send(c, '二つ目の質問')).events.at(-1)!.event).toBe('done');
    // A stale session (it ends before the newest message) is not trusted either.
    await store.set(sessionKey(assistantId, c), JSON.stringify({ v: 1, conversationId: c, lastMessageId: 1, messages: [{ id: 1, role: 'user', content: 'stale' }] }), 3600);
    model.script({
      call: 'stream',
      check: (req) => expect(req.messages.map((m) => m.content)).toEqual(['一つ目の質問', '一つ目の答え', '二つ目の質問', '二つ目の答え', '三つ目']),
      reply: { chunks: ['ok'] },
    });
    expect((await send(c, '三つ目')).events.at(-1)!.event).toBe('done');
  });

  it('a provider error mid-stream: one sentence to the client, the partial reply stored as incomplete, left out of the next history', async () => {
    const c = await newConversation();
    model.script({ call: 'stream', reply: { chunks: ['途中まで'], error: new AiError({ kind: 'provider_error', who: 'The model server', status: 500 }, { status: 500 }) } });
    const { events } = await send(c, '長い答えをください');
    expect(events.map((e) => e.event)).toEqual(['user', 'delta', 'error']);
    const error = events[2]!.data;
    // The person prefers Japanese (the default): the sentence they read, and the one stored, is Japanese.
    expect(error).toMatchObject({ code: 'provider_error', message: 'The model server の側でエラーが起きました（HTTP 500）。しばらくしてからもう一度お試しください。' });
    const rows = await stored(c);
    expect(rows).toHaveLength(2);
    expect(rows[1]).toMatchObject({ id: error.messageId, senderType: 'assistant', content: '途中まで' });
    expect(rows[1]!.metadata).toMatchObject({ incomplete: true, reason: error.message, errorKind: 'provider_error' });
    const shown = (await t.json('GET', api(`/conversations/${c}/messages`))).body.items[1];
    expect(shown).toMatchObject({ incomplete: true, reason: error.message, content: '途中まで' });

    model.script({
      call: 'stream',
      check: (req) => expect(req.messages.map((m) => m.content)).toEqual(['長い答えをください', 'もう一度']),
      reply: { chunks: ['完全な答え'] },
    });
    expect((await send(c, 'もう一度')).events.at(-1)!.event).toBe('done');
  });

  it('an English-preferring person reads and keeps the English sentence; the stored one stays as it was written', async () => {
    const c = await newConversation();
    expect((await t.json('PATCH', api('/preferences'), { body: { language: 'en' } })).status).toBe(200);
    try {
      model.script({ call: 'stream', reply: { chunks: ['Half'], error: new AiError({ kind: 'rate_limited', who: 'OpenAI (gpt-4o-mini)' }, { status: 429 }) } });
      const { events } = await send(c, 'A long answer, please');
      const english = 'OpenAI (gpt-4o-mini) is rate limiting requests; wait a moment and try again.';
      expect(events.at(-1)).toMatchObject({ event: 'error', data: { code: 'rate_limited', message: english } });
      expect((await stored(c))[1]!.metadata).toMatchObject({ incomplete: true, reason: english, errorKind: 'rate_limited' });
    } finally {
      expect((await t.json('PATCH', api('/preferences'), { body: { language: 'ja' } })).status).toBe(200);
    }
    // History shows the sentence in the language it was stored in.
    expect((await t.json('GET', api(`/conversations/${c}/messages`))).body.items[1].reason).toBe('OpenAI (gpt-4o-mini) is rate limiting requests; wait a moment and try again.');
  });

  it('a client that goes away mid-stream: the call is cancelled and the reply stored as incomplete', async () => {
    const c = await newConversation();
    model.script({ call: 'stream', reply: { chunks: ['first words '], then: 'hang' } });
    const res = await t.request('POST', api(`/conversations/${c}/messages`), { body: { content: 'tell me everything' } });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let seen = '';
    while (!seen.includes('event: delta')) {
      const { value, done } = await reader.read();
      if (done) break;
      seen += new TextDecoder().decode(value);
    }
    await reader.cancel();
    await waitFor(async () => (await stored(c)).length === 2, 5000, 'the incomplete reply');
    const reply = (await stored(c))[1]!;
    expect(reply).toMatchObject({ senderType: 'assistant', content: 'first words ' });
    expect(reply.metadata).toMatchObject({ incomplete: true, errorKind: 'cancelled', reason: 'リクエストは取り消されました。' });
    expect(model.calls.at(-1)!.req.signal?.aborted).toBe(true);
    expect((await t.json('GET', api('/health'))).status).toBe(200);
  });

  it('bad input and wrong states are clean 4xx and store nothing', async () => {
    const c = await newConversation();
    const count = async () => (await stored(c)).length;
    const cases: Array<[string, unknown, number, string]> = [
      ['empty', { content: '   ' }, 400, 'content must not be empty'],
      ['100 KB', { content: 'あ'.repeat(34_000) }, 400, 'content must be at most 20000 characters'],
      ['extra field', { content: 'x', role: 'system' }, 400, 'role'],
    ];
    for (const [what, body, status, message] of cases) {
      const r = await t.json('POST', api(`/conversations/${c}/messages`), { body });
      expect(r.status, what).toBe(status);
      expect(r.body.error.message).toContain(message);
    }
    const huge = await t.json('POST', api(`/conversations/${c}/messages`), { rawBody: JSON.stringify({ content: 'x'.repeat(1_100_000) }) });
    expect(huge.status).toBe(413);
    expect((await t.json('POST', api('/conversations/999999/messages'), { body: { content: 'x' } })).status).toBe(404);
    expect(await count()).toBe(0);

    // Unknown and inactive assistants.
    expect((await t.json('POST', api('/conversations'), { body: { assistantId: 999_999 } })).status).toBe(400);
    const other = (await t.json('POST', api('/assistants'), { body: { name: 'Soon off', provider: 'openai_compatible', model: 'llama3.2' } })).body.id;
    const c2 = (await t.json('POST', api('/conversations'), { body: { assistantId: other } })).body.id;
    await t.json('PATCH', api(`/assistants/${other}`), { body: { isActive: false } });
    const inactive = await t.json('POST', api(`/conversations/${c2}/messages`), { body: { content: 'hello' } });
    expect(inactive.status).toBe(409);
    expect(inactive.body.error.code).toBe('assistant_inactive');
    expect((await t.json('POST', api('/conversations'), { body: { assistantId: other } })).status).toBe(409);

    // A cloud assistant without a key.
    const keyless = (await t.json('POST', api('/assistants'), { body: { name: 'Keyless', provider: 'openai', model: 'gpt-4o-mini' } })).body.id;
    const c3 = (await t.json('POST', api('/conversations'), { body: { assistantId: keyless } })).body.id;
    const nokey = await t.json('POST', api(`/conversations/${c3}/messages`), { body: { content: 'hello' } });
    expect(nokey.status).toBe(409);
    expect(nokey.body.error).toMatchObject({ code: 'assistant_not_configured' });
    expect(nokey.body.error.message).toMatch(/^OpenAI には API キーが必要です。/);

    // Archived conversations refuse new messages until unarchived.
    expect((await t.json('PATCH', api(`/conversations/${c}`), { body: { status: 'archived' } })).body.status).toBe('archived');
    expect((await t.json('POST', api(`/conversations/${c}/messages`), { body: { content: 'x' } })).status).toBe(409);
    for (const cid of [c, c2, c3]) expect((await stored(cid)).length).toBe(0);
  });

  it('lists, archives, searches (Japanese without spaces, case and width folded) and soft-deletes', async () => {
    const c = await newConversation('検索テスト');
    model.script({ call: 'stream', reply: { chunks: ['Weekly ', 'REVIEW: 来週の定例会議で棚卸し表を共有します。'] } });
    await send(c, '定例会議のメモはどこ？ ＡＢＣ project');
    const search = async (q: string) => (await t.json('GET', api(`/conversations/search?q=${encodeURIComponent(q)}`))).body;
    const hit = await search('棚卸し表');
    expect(hit.items).toHaveLength(1);
    expect(hit.items[0]).toMatchObject({ conversationId: c, conversationTitle: '検索テスト', role: 'assistant' });
    expect(hit.items[0].snippet).toContain('棚卸し表');
    expect((await search('weekly review')).items.map((h: { conversationId: number }) => h.conversationId)).toEqual([c]);
    expect((await search('abc')).items[0]).toMatchObject({ conversationId: c, role: 'user' });
    expect((await search('定例')).total).toBe(2);
    expect((await search('100%')).total).toBe(0);
    expect((await search('棚卸し表 存在しない語')).total).toBe(0);
    expect((await t.json('GET', api('/conversations/search?q='))).status).toBe(400);

    await t.json('PATCH', api(`/conversations/${c}`), { body: { status: 'archived', title: '済み' } });
    const archived = await t.json('GET', api('/conversations?status=archived'));
    expect(archived.body.items.map((x: { id: number }) => x.id)).toContain(c);
    const byAssistant = await t.json('GET', api(`/conversations?assistantId=${assistantId}&status=active`));
    expect(byAssistant.body.items.map((x: { id: number }) => x.id)).not.toContain(c);

    expect((await t.json('DELETE', api(`/conversations/${c}`))).status).toBe(204);
    expect((await t.json('GET', api(`/conversations/${c}`))).status).toBe(404);
    expect((await search('棚卸し表')).total).toBe(0);
    expect(await store.get(sessionKey(assistantId, c))).toBeNull();
    // Soft: the rows are still there.
    expect((await stored(c)).length).toBe(2);
    const [a] = await t.database.db.select().from(aiAssistants).where(and(eq(aiAssistants.id, assistantId)));
    expect(a!.usageCount).toBeGreaterThan(0);
  });
});

describe('conversations with a dead Redis', () => {
  let t: TestApp;
  const model = new ScriptedModel();
  beforeAll(async () => {
    const dead = await openCache({ url: 'redis://127.0.0.1:1', namespace: 'hisho-test-dead:' });
    expect(dead.state()).toBe('down');
    t = await createTestApp(await testDatabaseTargets()[0]!.open(), dead, { secrets: secretBox(randomBytes(32)), models: model.factory() });
  });
  afterEach(() => model.verify());
  afterAll(async () => t?.dispose());

  it('still answers with the whole history, read from PostgreSQL', async () => {
    const a = (await t.json('POST', api('/assistants'), { body: { name: 'Local', provider: 'openai_compatible', model: 'llama3.2' } })).body.id;
    const c = (await t.json('POST', api('/conversations'), { body: { assistantId: a } })).body.id;
    model.script(
      { call: 'stream', reply: { chunks: ['A1'] } },
      { call: 'stream', check: (req) => expect(req.messages.map((m) => m.content)).toEqual(['Q1', 'A1', 'Q2']), reply: { chunks: ['A2'] } },
    );
    for (const q of ['Q1', 'Q2']) {
      const res = await t.request('POST', api(`/conversations/${c}/messages`), { body: { content: q } });
      expect(parseSse(await res.text()).at(-1)!.event).toBe('done');
    }
    expect(t.logLines.filter((l) => l.includes('"context":"database"'))).toHaveLength(2);
  });
});

describe('conversations through a real provider wire (OpenAI-compatible)', () => {
  let t: TestApp;
  let server: ProtocolServer;
  let conversationId: number;
  beforeAll(async () => {
    server = await startProtocolServer();
    t = await createTestApp(await testDatabaseTargets()[0]!.open(), new MemoryCacheStore(), { secrets: secretBox(randomBytes(32)) });
    const a = (await t.json('POST', api('/assistants'), { body: { name: 'Local', provider: 'openai_compatible', model: 'llama3.2', settings: { baseUrl: `${server.url}/v1` } } })).body.id;
    conversationId = (await t.json('POST', api('/conversations'), { body: { assistantId: a } })).body.id;
  });
  afterEach(() => server.verify());
  afterAll(async () => {
    await t?.dispose();
    await server?.close();
  });

  const post = async (content: string) => parseSse(await (await t.request('POST', api(`/conversations/${conversationId}/messages`), { body: { content } })).text());

  it('streams the server’s SSE through to the client and stores the reply with the reported usage', async () => {
    server.script({
      expect: 'POST /v1/chat/completions',
      check: (r) => {
        expect(r.body.stream).toBe(true);
        expect(r.body.messages.at(-1)).toEqual({ role: 'user', content: 'hello' });
      },
      reply: { sse: openaiWire.stream(['Hel', 'lo!'], { prompt: 30, completion: 3 }) },
    });
    const events = await post('hello');
    expect(events.map((e) => e.event)).toEqual(['user', 'delta', 'delta', 'done']);
    expect(events[3]!.data.message).toMatchObject({ content: 'Hello!', incomplete: false, usage: { inputTokens: 30, outputTokens: 3, totalTokens: 33 } });
  });

  it('a truncated stream ends in one sentence and an incomplete reply, never a complete one', async () => {
    server.script({ expect: 'POST /v1/chat/completions', reply: { sse: [openaiWire.chunk({ role: 'assistant', content: '' }), openaiWire.chunk({ content: 'half' })] } });
    const events = await post('again');
    expect(events.map((e) => e.event)).toEqual(['user', 'delta', 'error']);
    expect(events[2]!.data).toMatchObject({ code: 'bad_response' });
    expect(events[2]!.data.message).toMatch(/の返答.*途中で切れ/);
    const [row] = await t.database.db.select().from(messages).where(eq(messages.id, events[2]!.data.messageId));
    expect(row).toMatchObject({ content: 'half', metadata: expect.objectContaining({ incomplete: true }) });
  });

  it('a 500 that persists is one sentence, after the retries', async () => {
    const boom = { status: 500, json: openaiWire.error('boom', 'server_error') } as const;
    server.script({ expect: 'POST /v1/chat/completions', reply: boom }, { expect: 'POST /v1/chat/completions', reply: boom }, { expect: 'POST /v1/chat/completions', reply: boom });
    const events = await post('third');
    expect(events.at(-1)).toMatchObject({ event: 'error', data: { code: 'provider_error' } });
    expect(events.at(-1)!.data.message).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1 のモデルサーバー \(llama3\.2\) の側でエラーが起きました（HTTP 500）。しばらくしてからもう一度お試しください。$/);
  }, 30_000);
});

describe('a real socket closed mid-reply', () => {
  it('cancels the model call and stores the reply as incomplete', async () => {
    const database = await testDatabaseTargets()[0]!.open();
    const model = new ScriptedModel();
    const server = await serveTestApp(database, { secrets: secretBox(randomBytes(32)), models: model.factory() });
    try {
      const headers = { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' };
      const base = server.api;
      const a = await (await fetch(`${base}/assistants`, { method: 'POST', headers, body: JSON.stringify({ name: 'L', provider: 'openai_compatible', model: 'llama3.2' }) })).json();
      const c = await (await fetch(`${base}/conversations`, { method: 'POST', headers, body: JSON.stringify({ assistantId: a.id }) })).json();
      model.script({ call: 'stream', reply: { chunks: ['streaming '], then: 'hang' } });
      const controller = new AbortController();
      const res = await fetch(`${base}/conversations/${c.id}/messages`, { method: 'POST', headers, body: JSON.stringify({ content: 'go' }), signal: controller.signal });
      const reader = res.body!.getReader();
      let seen = '';
      while (!seen.includes('event: delta')) seen += new TextDecoder().decode((await reader.read()).value);
      controller.abort();
      const rows = () => database.db.select().from(messages).where(eq(messages.conversationId, c.id));
      await waitFor(async () => (await rows()).length === 2, 5000, 'the incomplete reply');
      expect((await rows()).find((r) => r.senderType === 'assistant')).toMatchObject({ content: 'streaming ', metadata: expect.objectContaining({ incomplete: true, errorKind: 'cancelled' }) });
      model.verify();
      // The daemon keeps serving.
      expect((await fetch(`${base}/health`)).status).toBe(200);
    } finally {
      await server.close();
      await database.dispose();
    }
  });
});
