import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { API_PREFIX } from '../../../shared/contracts';
import { assistantSchema, assistantTestResultSchema, skillSchema } from '../../../shared/contracts/assistants';
import { AiError } from '../../src/ai/errors';
import { secretBox } from '../../src/ai/secrets';
import { MemoryCacheStore } from '../../src/cache/memory';
import { aiAssistants } from '../../src/db/schema';
import { anthropicWire, openaiWire, startProtocolServer, type ProtocolServer } from '../ai/protocol-server';
import { ScriptedModel } from '../ai/scripted-model';
import { createTestApp, type TestApp } from '../helpers/app';
import { testDatabaseTargets } from '../helpers/databases';

const api = (path: string) => `${API_PREFIX}${path}`;
const KEY = 'sk-proj-VERY-SECRET-key-0000wxyz';

describe.each(testDatabaseTargets())('assistants API on $kind', (target) => {
  let t: TestApp;
  const box = secretBox(randomBytes(32));
  const model = new ScriptedModel();

  beforeAll(async () => {
    t = await createTestApp(await target.open(), new MemoryCacheStore(), { secrets: box, models: model.factory() });
  });
  afterEach(() => model.verify());
  afterAll(async () => t?.dispose());

  const create = (body: Record<string, unknown>) => t.json('POST', api('/assistants'), { body });

  async function personaAndTeam() {
    const persona = await t.json('POST', api('/personas'), { body: { name: `P ${Math.random()}`, personality: 'calm' } });
    const team = await t.json('POST', api('/teams'), { body: { name: `T ${Math.random()}` } });
    return { personaId: persona.body.id as number, teamId: team.body.id as number };
  }

  describe('keys', () => {
    it('are stored as AES-GCM ciphertext, shown masked, and never returned or logged', async () => {
      const refs = await personaAndTeam();
      const res = await t.request('POST', api('/assistants'), { body: { name: 'Writer', provider: 'openai', model: 'gpt-4o-mini', apiKey: KEY, ...refs } });
      const text = await res.text();
      expect(res.status).toBe(201);
      expect(text).not.toContain(KEY);
      expect(text).not.toContain('VERY-SECRET');
      const body = assistantSchema.parse(JSON.parse(text));
      expect(body.apiKey).toEqual({ set: true, last4: '…wxyz', readable: true });
      expect(body).toMatchObject({ personaId: refs.personaId, teamId: refs.teamId, usageCount: 0, lastUsed: null, tokenUsage: { inputTokens: 0, outputTokens: 0, totalTokens: 0 } });

      const [row] = await t.database.db.select().from(aiAssistants).where(eq(aiAssistants.id, body.id));
      expect(row!.apiKeyEncrypted).toMatch(/^v1:/);
      expect(row!.apiKeyEncrypted).not.toContain(KEY);
      expect(JSON.stringify(row)).not.toContain(KEY);
      expect(box.decrypt(row!.apiKeyEncrypted!)).toBe(KEY);

      for (const path of [`/assistants/${body.id}`, '/assistants']) {
        const r = await t.request('GET', api(path));
        expect(await r.text()).not.toContain(KEY);
      }
      // A new key replaces the old; null removes it.
      const changed = await t.json('PATCH', api(`/assistants/${body.id}`), { body: { apiKey: 'sk-another-key-1234' } });
      expect(changed.body.apiKey).toEqual({ set: true, last4: '…1234', readable: true });
      const cleared = await t.json('PATCH', api(`/assistants/${body.id}`), { body: { apiKey: null } });
      expect(cleared.body.apiKey).toEqual({ set: false, last4: null, readable: true });
      expect(t.logLines.join('\n')).not.toContain(KEY);
      expect(t.logLines.join('\n')).not.toContain('sk-another-key-1234');
    });

    it('a key the secret box cannot read is reported, not returned as garbage', async () => {
      const { body } = await create({ name: 'Stale', provider: 'claude', model: 'claude-sonnet-4-5', apiKey: KEY });
      await t.database.db.update(aiAssistants).set({ apiKeyEncrypted: secretBox(randomBytes(32)).encrypt(KEY) }).where(eq(aiAssistants.id, body.id));
      expect((await t.json('GET', api(`/assistants/${body.id}`))).body.apiKey).toEqual({ set: true, last4: null, readable: false });
      const test = await t.json('POST', api(`/assistants/${body.id}/test`));
      expect(test.status).toBe(200);
      expect(test.body).toMatchObject({ ok: false, kind: 'not_configured' });
      expect(test.body.message).toMatch(/キーをもう一度入力してください。$/);
    });
  });

  describe('validation', () => {
    it('refuses bad input with 400 and a message naming the field', async () => {
      const base = { name: 'X', provider: 'openai', model: 'gpt-4o-mini' };
      const cases: Array<[Record<string, unknown>, RegExp]> = [
        [{ ...base, provider: 'mistral' }, /provider must be one of openai, claude, gemini, openai_compatible/],
        [{ ...base, model: 'gpt 4o' }, /model must be a model name/],
        [{ ...base, model: '' }, /model must not be empty/],
        [{ ...base, name: '   ' }, /name must not be empty/],
        [{ ...base, apiKey: 'abc' }, /apiKey looks too short/],
        [{ ...base, settings: { baseUrl: 'ftp://host/v1' } }, /baseUrl must be an http/],
        [{ ...base, settings: { baseUrl: 'http://user:pw@host/v1' } }, /without credentials/],
        [{ ...base, settings: { temperature: 5 } }, /temperature/],
        [{ ...base, settings: { usage: { totalTokens: 1 } } }, /usage/],
        [{ ...base, usageCount: 99 }, /usageCount/],
      ];
      for (const [body, message] of cases) {
        const r = await create(body);
        expect(r.status, JSON.stringify(body)).toBe(400);
        expect(r.body.error.code).toBe('validation_failed');
        expect(r.body.error.message).toMatch(message);
      }
    });
    it('a persona or team must exist', async () => {
      const p = await create({ name: 'X', provider: 'openai_compatible', model: 'llama3.2', personaId: 999_999 });
      expect(p.status).toBe(400);
      expect(p.body.error).toMatchObject({ code: 'unknown_reference' });
      expect(p.body.error.message).toMatch(/personaId 999999/);
      const tm = await create({ name: 'X', provider: 'openai_compatible', model: 'llama3.2', teamId: 999_999 });
      expect(tm.body.error.message).toMatch(/teamId 999999/);
    });
    it('unknown ids are 404', async () => {
      expect((await t.json('GET', api('/assistants/999999'))).status).toBe(404);
      expect((await t.json('PATCH', api('/assistants/999999'), { body: { name: 'y' } })).status).toBe(404);
      expect((await t.json('POST', api('/assistants/999999/test'))).status).toBe(404);
      expect((await t.json('GET', api('/assistants/abc'))).status).toBe(400);
    });
  });

  describe('CRUD', () => {
    it('lists with filters, merges settings, and soft-deletes', async () => {
      const local = await create({ name: 'Local', provider: 'openai_compatible', model: 'llama3.2:3b', settings: { baseUrl: 'http://127.0.0.1:1234/v1', temperature: 0.3 } });
      expect(local.status).toBe(201);
      expect(local.body.apiKey).toEqual({ set: false, last4: null, readable: true });
      expect(local.body.settings).toEqual({ baseUrl: 'http://127.0.0.1:1234/v1', temperature: 0.3 });
      const patched = await t.json('PATCH', api(`/assistants/${local.body.id}`), { body: { settings: { maxOutputTokens: 512, baseUrl: null }, isActive: false } });
      expect(patched.status).toBe(200);
      expect(patched.body.settings).toEqual({ temperature: 0.3, maxOutputTokens: 512 });
      expect(patched.body.isActive).toBe(false);

      const inactive = await t.json('GET', api('/assistants?active=false&provider=openai_compatible'));
      expect(inactive.body.items.map((a: { id: number }) => a.id)).toContain(local.body.id);
      const active = await t.json('GET', api('/assistants?active=true'));
      expect(active.body.items.map((a: { id: number }) => a.id)).not.toContain(local.body.id);

      expect((await t.json('DELETE', api(`/assistants/${local.body.id}`))).status).toBe(204);
      expect((await t.json('GET', api(`/assistants/${local.body.id}`))).status).toBe(404);
      expect((await t.json('DELETE', api(`/assistants/${local.body.id}`))).status).toBe(404);
      const [row] = await t.database.db.select().from(aiAssistants).where(eq(aiAssistants.id, local.body.id));
      expect(row!.deletedAt).not.toBeNull();
    });
  });

  describe('skills', () => {
    it('add, list, update and remove, with unique names (409) and levels 1–10', async () => {
      const a = (await create({ name: 'Skilled', provider: 'openai_compatible', model: 'llama3.2' })).body.id as number;
      const add = (body: Record<string, unknown>) => t.json('POST', api(`/assistants/${a}/skills`), { body });
      const s1 = await add({ skillName: '要約', skillLevel: 8, description: 'summaries' });
      expect(s1.status).toBe(201);
      skillSchema.parse(s1.body);
      const s2 = await add({ skillName: 'translation', skillLevel: 1 });
      expect(s2.status).toBe(201);
      const dup = await add({ skillName: '要約', skillLevel: 3 });
      expect(dup.status).toBe(409);
      expect(dup.body.error.code).toBe('skill_exists');
      for (const level of [0, 11, 2.5, '5']) {
        const bad = await add({ skillName: `lvl ${String(level)}`, skillLevel: level });
        expect(bad.status, String(level)).toBe(400);
      }
      const list = await t.json('GET', api(`/assistants/${a}/skills`));
      expect(list.body.items.map((s: { skillName: string }) => s.skillName)).toEqual(['要約', 'translation']);
      const up = await t.json('PATCH', api(`/assistants/${a}/skills/${s2.body.id}`), { body: { skillLevel: 10 } });
      expect(up.body.skillLevel).toBe(10);
      const clash = await t.json('PATCH', api(`/assistants/${a}/skills/${s2.body.id}`), { body: { skillName: '要約' } });
      expect(clash.status).toBe(409);
      expect((await t.json('DELETE', api(`/assistants/${a}/skills/${s1.body.id}`))).status).toBe(204);
      expect((await t.json('DELETE', api(`/assistants/${a}/skills/${s1.body.id}`))).status).toBe(404);
      expect((await t.json('GET', api('/assistants/999999/skills'))).status).toBe(404);
      // A skill of another assistant is not reachable through this one.
      const b = (await create({ name: 'Other', provider: 'openai_compatible', model: 'llama3.2' })).body.id as number;
      expect((await t.json('PATCH', api(`/assistants/${b}/skills/${s2.body.id}`), { body: { skillLevel: 2 } })).status).toBe(404);
    });
  });

  describe('test connection and usage', () => {
    it('makes one tiny call with the decrypted key and counts it', async () => {
      const { body } = await create({ name: 'Tester', provider: 'gemini', model: 'gemini-2.5-flash', apiKey: KEY });
      model.script({
        call: 'generate',
        check: (req, config) => {
          expect(config?.apiKey).toBe(KEY);
          expect(config?.provider).toBe('gemini');
          expect(req.maxOutputTokens).toBeLessThanOrEqual(16);
        },
        reply: { text: 'OK', usage: { inputTokens: 7, outputTokens: 1, totalTokens: 8 } },
      });
      const r = await t.json('POST', api(`/assistants/${body.id}/test`));
      expect(r.status).toBe(200);
      expect(assistantTestResultSchema.parse(r.body)).toMatchObject({ ok: true, kind: null, reply: 'OK', usage: { totalTokens: 8 } });
      const after = (await t.json('GET', api(`/assistants/${body.id}`))).body;
      expect(after.usageCount).toBe(1);
      expect(after.lastUsed).not.toBeNull();
      expect(after.tokenUsage).toEqual({ inputTokens: 7, outputTokens: 1, totalTokens: 8 });
    });

    it("reports the provider's refusal in plain words with 200 { ok: false }", async () => {
      const { body } = await create({ name: 'Refused', provider: 'openai', model: 'gpt-4o-mini', apiKey: KEY });
      model.script({ call: 'generate', reply: { error: new AiError({ kind: 'unauthorized', who: 'OpenAI (gpt-4o-mini)' }, { status: 401 }) } });
      const r = await t.json('POST', api(`/assistants/${body.id}/test`));
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ ok: false, kind: 'unauthorized', reply: null });
      // In the person's language: Japanese by default, English when they prefer it.
      expect(r.body.message).toBe('OpenAI (gpt-4o-mini) に API キーを拒否されました（キーの誤り、期限切れ、またはこのモデルを使う権限がありません）。アシスタントに正しいキーを設定してください。');
      expect((await t.json('GET', api(`/assistants/${body.id}`))).body.usageCount).toBe(1);

      expect((await t.json('PATCH', api('/preferences'), { body: { language: 'en' } })).status).toBe(200);
      try {
        model.script({ call: 'generate', reply: { error: new AiError({ kind: 'unauthorized', who: 'OpenAI (gpt-4o-mini)' }, { status: 401 }) } });
        const english = await t.json('POST', api(`/assistants/${body.id}/test`));
        expect(english.body).toMatchObject({ ok: false, kind: 'unauthorized' });
        expect(english.body.message).toBe('OpenAI (gpt-4o-mini) refused the API key (wrong, expired or without access to this model); set the correct key for the assistant.');
      } finally {
        expect((await t.json('PATCH', api('/preferences'), { body: { language: 'ja' } })).status).toBe(200);
      }
    });

    it('a cloud assistant without a key says what to set, without calling anything', async () => {
      const { body } = await create({ name: 'Keyless', provider: 'claude', model: 'claude-sonnet-4-5' });
      const r = await t.json('POST', api(`/assistants/${body.id}/test`));
      expect(r.body).toMatchObject({ ok: false, kind: 'not_configured' });
      expect(r.body.message).toMatch(/^Anthropic には API キーが必要です。/);
    });
  });
});

describe('test connection through the real providers', () => {
  let server: ProtocolServer;
  let t: TestApp;
  beforeAll(async () => {
    server = await startProtocolServer();
    t = await createTestApp(await testDatabaseTargets()[0]!.open(), new MemoryCacheStore(), { secrets: secretBox(randomBytes(32)) });
  });
  afterEach(() => server.verify());
  afterAll(async () => {
    await t?.dispose();
    await server?.close();
  });

  it('a wrong key becomes one sentence; the key never reaches the log', async () => {
    const { body } = await t.json('POST', api('/assistants'), {
      body: { name: 'Claude', provider: 'claude', model: 'claude-sonnet-4-5', apiKey: KEY, settings: { baseUrl: `${server.url}/v1` } },
    });
    server.script({
      expect: 'POST /v1/messages',
      check: (r) => expect(r.headers['x-api-key']).toBe(KEY),
      reply: { status: 401, json: anthropicWire.error('authentication_error', 'invalid x-api-key') },
    });
    const r = await t.json('POST', api(`/assistants/${body.id}/test`));
    expect(r.body).toMatchObject({ ok: false, kind: 'unauthorized' });
    expect(r.body.message).toMatch(/^Anthropic \(claude-sonnet-4-5\) に API キーを拒否されました/);
    expect(t.logLines.join('\n')).not.toContain(KEY);
  });

  it('a local OpenAI-compatible server answers', async () => {
    const { body } = await t.json('POST', api('/assistants'), {
      body: { name: 'Ollama', provider: 'openai_compatible', model: 'llama3.2', settings: { baseUrl: `${server.url}/v1` } },
    });
    server.script({ expect: 'POST /v1/chat/completions', reply: { json: openaiWire.completion('OK') } });
    const r = await t.json('POST', api(`/assistants/${body.id}/test`));
    expect(r.body).toMatchObject({ ok: true, reply: 'OK', usage: { inputTokens: 11, outputTokens: 7, totalTokens: 18 } });
  });
});
