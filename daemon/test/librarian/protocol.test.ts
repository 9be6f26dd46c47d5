/**
 * The librarian end to end over real HTTP on both sides: the daemon on a socket (fetch), the real
 * provider client (AI SDK, OpenAI-compatible) talking to the test suite's protocol server, which
 * speaks the wire protocol from a script and fails on anything unscripted.
 */
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { secretBox } from '../../src/ai/secrets';
import { messages } from '../../src/db/schema';
import { openaiWire, startProtocolServer, type ProtocolServer } from '../ai/protocol-server';
import { serveTestApp, TEST_TOKEN, type ServedTestApp } from '../helpers/app';
import { testDatabaseTargets, type TestDatabase } from '../helpers/databases';
import { indexOnce, registerVaultRow, tempVault, type TempVault } from '../vault/helpers';
import { parseAskEvents, VAULT_FILES } from './helpers';

describe('the librarian through a provider’s wire protocol, over real HTTP', () => {
  let database: TestDatabase;
  let provider: ProtocolServer;
  let daemon: ServedTestApp;
  let vault: TempVault;
  let base = '';
  const headers = { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' };

  beforeAll(async () => {
    database = await testDatabaseTargets()[0]!.open();
    provider = await startProtocolServer();
    vault = await tempVault(VAULT_FILES);
    await indexOnce(database.db, await registerVaultRow(database.db, vault.root), vault.root);
    daemon = await serveTestApp(database, { secrets: secretBox(randomBytes(32)) });
    base = daemon.api;
    const assistant = await (
      await fetch(`${base}/assistants`, { method: 'POST', headers, body: JSON.stringify({ name: 'Local', provider: 'openai_compatible', model: 'llama3.2', settings: { baseUrl: `${provider.url}/v1` } }) })
    ).json();
    const settings = await fetch(`${base}/librarian`, { method: 'PATCH', headers, body: JSON.stringify({ assistantId: assistant.id }) });
    expect(settings.status).toBe(200);
  });
  afterEach(() => provider.verify());
  afterAll(async () => {
    await daemon?.close();
    await provider?.close();
    await database?.dispose();
    await vault?.dispose();
  });

  const ask = async (question: string) => {
    const res = await fetch(`${base}/librarian/ask`, { method: 'POST', headers, body: JSON.stringify({ question }) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    return parseAskEvents(await res.text());
  };

  it('streams the answer from the provider, with the passages in the prompt and only real notes linked', async () => {
    provider.script({
      expect: 'POST /v1/chat/completions',
      check: (r) => {
        expect(r.body.stream).toBe(true);
        expect(r.body.model).toBe('llama3.2');
        expect(r.body.messages[0]).toMatchObject({ role: 'system' });
        expect(r.body.messages[0].content).toContain('Link only to notes given with the question');
        const last = r.body.messages.at(-1);
        expect(last.role).toBe('user');
        expect(last.content).toContain('[[Curry]] — section “Spices”');
        expect(last.content).toContain('My question: When do I add garam masala to the curry?');
      },
      reply: { sse: openaiWire.stream(['At the very end, ', 'with the heat off [[Curry]]. ', 'See [[Spice guide]].'], { prompt: 210, completion: 18 }) },
    });
    const events = await ask('When do I add garam masala to the curry?');
    expect(events.map((e) => e.event)).toEqual(['user', 'passages', 'delta', 'delta', 'delta', 'done']);
    expect(events.filter((e) => e.event === 'delta').map((e) => e.data.text).join('')).toBe('At the very end, with the heat off [[Curry]]. See [[Spice guide]].');
    const done = events.at(-1)!.data;
    expect(done.message).toMatchObject({
      content: 'At the very end, with the heat off [[Curry]]. See Spice guide.',
      mode: 'vault',
      incomplete: false,
      removedLinks: ['Spice guide'],
      usage: { inputTokens: 210, outputTokens: 18, totalTokens: 228 },
    });
    expect(done.message.citations).toMatchObject([{ target: 'Curry', path: 'Recipes/Curry.md', passage: { heading: 'Spices' } }]);
  });

  it('a stream cut off by the provider ends in one sentence and an incomplete answer', async () => {
    provider.script({ expect: 'POST /v1/chat/completions', reply: { sse: [openaiWire.chunk({ role: 'assistant', content: '' }), openaiWire.chunk({ content: 'Every morning [[Watering' })] } });
    const events = await ask('How often should the vegetable beds be watered?');
    expect(events.map((e) => e.event)).toEqual(['user', 'passages', 'delta', 'error']);
    const error = events.at(-1)!.data;
    expect(error.code).toBe('bad_response');
    expect(error.message).toMatch(/の返答.*途中で切れ/);
    const [row] = await database.db.select().from(messages).where(eq(messages.id, error.messageId));
    expect(row).toMatchObject({ content: 'Every morning [[Watering', metadata: expect.objectContaining({ incomplete: true, errorKind: 'bad_response' }) });
  });

  it('a wrong key and an unreachable server: one sentence each, the answer stored as incomplete, never complete', async () => {
    provider.script({ expect: 'POST /v1/chat/completions', reply: { status: 401, json: openaiWire.error('Incorrect API key provided', 'invalid_request_error') } });
    const refused = await ask('When do I add garam masala to the curry?');
    expect(refused.map((e) => e.event)).toEqual(['user', 'passages', 'error']);
    expect(refused.at(-1)!.data.code).toBe('unauthorized');
    expect(refused.at(-1)!.data.message).toMatch(/に API キーを拒否されました/);

    const assistantId = (await (await fetch(`${base}/librarian`, { headers })).json()).assistantId as number;
    await fetch(`${base}/assistants/${assistantId}`, { method: 'PATCH', headers, body: JSON.stringify({ settings: { baseUrl: 'http://127.0.0.1:1/v1' } }) });
    try {
      const unreachable = await ask('When do I add garam masala to the curry?');
      const error = unreachable.at(-1)!;
      expect(error.event).toBe('error');
      expect(error.data.code).toBe('unreachable');
      expect(error.data.message).toMatch(/^.+ に接続できませんでした。サーバーが起動していて、ベース URL が正しいか確認してください。$/);
      for (const id of [refused.at(-1)!.data.messageId, error.data.messageId]) {
        const [row] = await database.db.select().from(messages).where(eq(messages.id, id));
        expect(row).toMatchObject({ content: '', metadata: expect.objectContaining({ incomplete: true }) });
      }
    } finally {
      await fetch(`${base}/assistants/${assistantId}`, { method: 'PATCH', headers, body: JSON.stringify({ settings: { baseUrl: `${provider.url}/v1` } }) });
    }
    expect((await fetch(`${base}/health`)).status).toBe(200);
  }, 30_000);

  it('a structured answer that misses its schema twice is one sentence (502); a right one is used', async () => {
    const body = JSON.stringify({ path: 'Recipes/Curry.md' });
    provider.script(
      { expect: 'POST /v1/chat/completions', reply: { json: openaiWire.completion('{"summary": 5}') } },
      { expect: 'POST /v1/chat/completions', reply: { json: openaiWire.completion('still not it') } },
    );
    const bad = await fetch(`${base}/librarian/summarize`, { method: 'POST', headers, body });
    expect(bad.status).toBe(502);
    expect((await bad.json()).error.code).toBe('schema_mismatch');
    provider.script({ expect: 'POST /v1/chat/completions', reply: { json: openaiWire.completion(JSON.stringify({ summary: 'A family curry.', keyPoints: ['roux', 'garam masala at the end'] })) } });
    const good = await fetch(`${base}/librarian/summarize`, { method: 'POST', headers, body });
    expect(good.status).toBe(200);
    expect(await good.json()).toMatchObject({ path: 'Recipes/Curry.md', summary: 'A family curry.', keyPoints: ['roux', 'garam masala at the end'] });
    expect((await fetch(`${base}/health`)).status).toBe(200);
  });
});
