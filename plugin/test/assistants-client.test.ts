/**
 * The settings' assistants client against the real daemon app, served over real HTTP on
 * 127.0.0.1 (real database, real key encryption, the real provider code calling a local server
 * that speaks OpenAI's protocol).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { defaultModelFactory } from '../../daemon/src/ai/assistants';
import { secretBox } from '../../daemon/src/ai/secrets';
import { openaiWire, startProtocolServer, type ProtocolServer } from '../../daemon/test/ai/protocol-server';
import { serveTestApp, TEST_TOKEN, type ServedTestApp } from '../../daemon/test/helpers/app';
import { testDatabaseTargets, type TestDatabase } from '../../daemon/test/helpers/databases';
import { AssistantsApi } from '../src/daemon/assistants-client';
import { DaemonClient, DaemonError } from '../src/daemon/client';
import { createBody, emptyForm, formFromAssistant, updateBody } from '../src/settings/assistant-form';

const KEY = 'sk-test-SECRET-key-9876abcd';

/** The DaemonError's reason, for asserting what the settings would show. */
async function refusal(promise: Promise<unknown>): Promise<DaemonError['reason']> {
  const e: unknown = await promise.then(
    () => new Error('expected the daemon to refuse'),
    (error: unknown) => error,
  );
  if (!(e instanceof DaemonError)) throw e;
  return e.reason;
}

describe.each(testDatabaseTargets())('assistants client against the daemon on $kind', (target) => {
  let database: TestDatabase;
  let daemon: ServedTestApp;
  let provider: ProtocolServer;
  let api: AssistantsApi;
  let baseUrl: string;

  beforeAll(async () => {
    database = await target.open();
    provider = await startProtocolServer();
    daemon = await serveTestApp(database, { secrets: secretBox(randomBytes(32)), models: defaultModelFactory(() => undefined) });
    baseUrl = daemon.url;
    api = new AssistantsApi(new DaemonClient({ baseUrl, token: TEST_TOKEN, fetch }));
  });

  afterEach(() => provider.verify());

  afterAll(async () => {
    await daemon?.close();
    await provider?.close();
    await database?.dispose();
  });

  it('adds, lists, edits and removes an assistant; the key comes back only as its last four characters', async () => {
    const persona = await api.createPersona({ name: 'Careful librarian', personality: 'Answers briefly and names its notes.' });
    expect(persona).toEqual({ id: expect.any(Number), name: 'Careful librarian' });
    expect(await api.personas()).toContainEqual(persona);
    // The daemon's initial data has a few teams.
    const [team] = await api.teams();
    if (!team) throw new Error('no team in the initial data');
    expect(team).toEqual({ id: expect.any(Number), name: expect.any(String) });

    const created = await api.create(createBody({ ...emptyForm(), name: 'Writer', model: 'gpt-4o-mini', apiKey: KEY, teamId: team.id }, persona.id));
    expect(created).toMatchObject({ name: 'Writer', provider: 'openai', model: 'gpt-4o-mini', personaId: persona.id, teamId: team.id, isActive: true, usageCount: 0 });
    expect(created.apiKey).toEqual({ set: true, last4: '…abcd', readable: true });
    expect(JSON.stringify(await api.list())).not.toContain('SECRET');
    expect((await api.list()).map((a) => a.id)).toEqual([created.id]);

    // An untouched form changes nothing; a changed one sends only what changed.
    const unchanged = formFromAssistant(created);
    expect(updateBody(created, unchanged, unchanged.persona === 'new' ? null : unchanged.persona)).toBeNull();
    const renamed = await api.update(created.id, updateBody(created, { ...unchanged, name: 'Editor', teamId: null, removeKey: true }, persona.id) ?? {});
    expect(renamed).toMatchObject({ id: created.id, name: 'Editor', model: 'gpt-4o-mini', personaId: persona.id, teamId: null });
    expect(renamed.apiKey).toEqual({ set: false, last4: null, readable: true });

    await api.remove(created.id);
    expect(await api.list()).toEqual([]);
    expect(await refusal(api.remove(created.id))).toMatchObject({ code: 'http-error', status: 404 });
  });

  it('passes the daemon’s validation messages through, naming what to fix', async () => {
    const badModel = await refusal(api.create({ ...createBody(emptyForm(), null), name: 'X', model: 'gpt 4o' }));
    expect(badModel).toMatchObject({ code: 'http-error', status: 400 });
    expect(badModel.code === 'http-error' && badModel.message).toMatch(/model must be a model name/);

    const missingPersona = await refusal(api.create(createBody({ ...emptyForm(), name: 'X', model: 'gpt-4o-mini' }, 999_999)));
    expect(missingPersona).toMatchObject({ code: 'http-error', status: 400 });
    expect(missingPersona.code === 'http-error' && missingPersona.message).toMatch(/personaId 999999 does not exist/);
    expect(await api.list()).toEqual([]);
  });

  it('tests a local server: its answer and latency, or the provider’s refusal in plain words', async () => {
    const local = await api.create(createBody({ ...emptyForm(), name: 'Local', provider: 'openai_compatible', model: 'llama3.2', baseUrl: `${provider.url}/v1` }, null));
    expect(local.settings.baseUrl).toBe(`${provider.url}/v1`);
    expect(local.apiKey.set).toBe(false);

    provider.script({ expect: 'POST /v1/chat/completions', reply: { json: openaiWire.completion('OK') } });
    const ok = await api.test(local);
    expect(ok).toMatchObject({ ok: true, kind: null, reply: 'OK' });
    expect(ok.latencyMs).toBeGreaterThanOrEqual(0);

    provider.script({ expect: 'POST /v1/chat/completions', reply: { status: 401, json: openaiWire.error('Invalid API key', 'invalid_api_key') } });
    const refused = await api.test(local);
    expect(refused).toMatchObject({ ok: false, kind: 'unauthorized', reply: null });
    // In the person's language (Japanese by default).
    expect(refused.message).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1 のモデルサーバー \(llama3\.2\) に API キーを拒否されました/);

    expect((await api.list()).find((a) => a.id === local.id)?.usageCount).toBe(2);
    await api.remove(local.id);
  });

  it('says the token was refused instead of failing obscurely', async () => {
    const stranger = new AssistantsApi(new DaemonClient({ baseUrl, token: 'wrong-token', fetch }));
    expect(await refusal(stranger.list())).toEqual({ code: 'unauthorized', url: baseUrl });
  });
});
