import { describe, expect, it } from 'vitest';
import { assistantCreateSchema, assistantUpdateSchema } from '../../shared/contracts/assistants';
import { personaCreateSchema } from '../../shared/contracts/personas';
import { format } from '../../shared/i18n';
import { en } from '../../shared/i18n/en';
import type { AssistantView } from '../src/daemon/assistant-schemas';
import { testTimeoutMs } from '../src/daemon/assistants-client';
import type { Translate } from '../src/i18n';
import {
  createBody,
  emptyForm,
  formFromAssistant,
  LOCAL_SERVER_URLS,
  newPersonaBody,
  PROVIDER_ORDER,
  PROVIDERS,
  updateBody,
  validateForm,
  type AssistantForm,
} from '../src/settings/assistant-form';
import { assistantDetails, keyText, testText, usageText } from '../src/settings/assistant-text';

const t: Translate = (key, vars) => format(en[key], vars);

const form = (change: Partial<AssistantForm> = {}): AssistantForm => ({ ...emptyForm(), name: 'Writer', model: 'gpt-4o-mini', ...change });

function assistant(change: Partial<AssistantView> = {}): AssistantView {
  return {
    id: 7,
    name: 'Writer',
    provider: 'openai',
    model: 'gpt-4o-mini',
    apiKey: { set: true, last4: '…wxyz', readable: true },
    settings: {},
    personaId: 3,
    teamId: null,
    isActive: true,
    usageCount: 0,
    ...change,
  };
}

describe('assistant form: checks', () => {
  it('accepts a complete form', () => {
    expect(validateForm(form())).toEqual({});
    expect(validateForm(form({ provider: 'openai_compatible', model: 'llama3.2:3b' }))).toEqual({});
  });

  it('names each field to fix', () => {
    expect(validateForm(form({ name: '  ', model: '' }))).toEqual({ name: 'settings.assistant.error.name', model: 'settings.assistant.error.model' });
    expect(validateForm(form({ model: 'gpt 4o' }))).toEqual({ model: 'settings.assistant.error.model-invalid' });
    expect(validateForm(form({ apiKey: 'short' }))).toEqual({ apiKey: 'settings.assistant.error.key' });
    expect(validateForm(form({ apiKey: 'sk-with a-space' }))).toEqual({ apiKey: 'settings.assistant.error.key' });
    expect(validateForm(form({ persona: 'new' }))).toEqual({
      newPersonaName: 'settings.assistant.error.persona-name',
      newPersonality: 'settings.assistant.error.personality',
    });
  });

  it('asks a local server for an http(s) URL without credentials, and nobody else for one', () => {
    const local = (baseUrl: string) => validateForm(form({ provider: 'openai_compatible', baseUrl }));
    for (const bad of ['', 'localhost:11434', 'ftp://127.0.0.1/v1', 'http://user:pw@127.0.0.1:11434/v1']) {
      expect(local(bad), bad).toEqual({ baseUrl: 'settings.assistant.error.base-url' });
    }
    expect(local(LOCAL_SERVER_URLS.lmStudio)).toEqual({});
    expect(validateForm(form({ provider: 'claude', baseUrl: 'not a url' }))).toEqual({});
  });

  it('ignores a typed key that is being removed', () => {
    expect(validateForm(form({ apiKey: 'x', removeKey: true }))).toEqual({});
  });

  it('agrees with the daemon’s contract: what the form accepts, the daemon accepts', () => {
    const cases: AssistantForm[] = [
      form(),
      form({ name: '' }),
      form({ model: '-bad' }),
      form({ model: 'org/model@q4' }),
      form({ apiKey: 'sk-1234' }),
      form({ apiKey: 'sk-1234567' }),
      form({ apiKey: 'sk-12345678' }),
      form({ provider: 'openai_compatible', baseUrl: 'http://[::1]:11434/v1' }),
      form({ provider: 'openai_compatible', baseUrl: 'file:///etc' }),
      ...PROVIDER_ORDER.flatMap((provider) => PROVIDERS[provider].models.map((model) => form({ provider, model }))),
    ];
    for (const c of cases) {
      const formOk = Object.keys(validateForm(c)).length === 0;
      expect(assistantCreateSchema.safeParse(createBody(c, null)).success, JSON.stringify(c)).toBe(formOk);
    }
  });
});

describe('assistant form: request bodies', () => {
  it('creates with the key only when typed, and the base URL only for a local server', () => {
    expect(createBody(form({ apiKey: '  sk-abcdefgh  ', teamId: 2 }), 3)).toEqual({
      name: 'Writer',
      provider: 'openai',
      model: 'gpt-4o-mini',
      apiKey: 'sk-abcdefgh',
      personaId: 3,
      teamId: 2,
      isActive: true,
    });
    const local = createBody(form({ provider: 'openai_compatible', model: 'llama3.2', baseUrl: ' http://127.0.0.1:1234/v1 ' }), null);
    expect(local).toEqual({ name: 'Writer', provider: 'openai_compatible', model: 'llama3.2', personaId: null, teamId: null, isActive: true, settings: { baseUrl: 'http://127.0.0.1:1234/v1' } });
  });

  it('creates the persona typed in the form, and nothing otherwise', () => {
    const body = newPersonaBody(form({ persona: 'new', newPersonaName: ' 司書 ', newPersonality: ' 簡潔に答える。 ' }));
    expect(body).toEqual({ name: '司書', personality: '簡潔に答える。' });
    expect(personaCreateSchema.safeParse(body).success).toBe(true);
    expect(newPersonaBody(form({ persona: 3 }))).toBeNull();
  });

  it('updates nothing when nothing changed, whatever the stored settings', () => {
    const a = assistant();
    expect(updateBody(a, formFromAssistant(a), a.personaId)).toBeNull();
    const local = assistant({ provider: 'openai_compatible', model: 'llama3.2', apiKey: { set: false, last4: null, readable: true }, settings: { baseUrl: 'http://127.0.0.1:1234/v1' } });
    expect(updateBody(local, formFromAssistant(local), local.personaId)).toBeNull();
    // Created through the API without a URL: the daemon uses Ollama's, as the form shows.
    const implicit = assistant({ provider: 'openai_compatible', model: 'llama3.2', settings: {} });
    expect(updateBody(implicit, formFromAssistant(implicit), implicit.personaId)).toBeNull();
    expect(updateBody(implicit, { ...formFromAssistant(implicit), baseUrl: LOCAL_SERVER_URLS.lmStudio }, implicit.personaId)).toEqual({
      settings: { baseUrl: LOCAL_SERVER_URLS.lmStudio },
    });
  });

  it('keeps the stored key unless a new one is typed or removal is asked for', () => {
    const a = assistant();
    expect(updateBody(a, { ...formFromAssistant(a), apiKey: ' sk-new-key-123 ' }, 3)).toEqual({ apiKey: 'sk-new-key-123' });
    expect(updateBody(a, { ...formFromAssistant(a), removeKey: true }, 3)).toEqual({ apiKey: null });
    const keyless = assistant({ apiKey: { set: false, last4: null, readable: true } });
    expect(updateBody(keyless, { ...formFromAssistant(keyless), removeKey: true }, 3)).toBeNull();
  });

  it('sends only what changed, in a body the daemon accepts', () => {
    const a = assistant();
    const body = updateBody(a, { ...formFromAssistant(a), name: 'Editor ', model: 'gpt-4.1', teamId: 4, isActive: false }, null);
    expect(body).toEqual({ name: 'Editor', model: 'gpt-4.1', personaId: null, teamId: 4, isActive: false });
    expect(assistantUpdateSchema.safeParse(body).success).toBe(true);
  });

  it('clears a local server’s URL when the assistant moves to a cloud provider, and keeps a proxy it did not set', () => {
    const local = assistant({ provider: 'openai_compatible', model: 'llama3.2', settings: { baseUrl: 'http://127.0.0.1:11434/v1' } });
    expect(updateBody(local, { ...formFromAssistant(local), provider: 'openai', model: 'gpt-4o-mini' }, 3)).toEqual({
      provider: 'openai',
      model: 'gpt-4o-mini',
      settings: { baseUrl: null },
    });
    const proxied = assistant({ settings: { baseUrl: 'https://proxy.example/v1' } });
    expect(updateBody(proxied, { ...formFromAssistant(proxied), model: 'gpt-4o' }, 3)).toEqual({ model: 'gpt-4o' });
    const toLocal = updateBody(proxied, { ...formFromAssistant(proxied), provider: 'openai_compatible', baseUrl: LOCAL_SERVER_URLS.ollama }, 3);
    expect(toLocal).toEqual({ provider: 'openai_compatible', settings: { baseUrl: LOCAL_SERVER_URLS.ollama } });
  });

  it('starts a new local assistant at Ollama’s address', () => {
    expect(emptyForm().baseUrl).toBe('http://127.0.0.1:11434/v1');
    expect(formFromAssistant(assistant()).baseUrl).toBe('http://127.0.0.1:11434/v1');
  });
});

describe('assistant test timeout', () => {
  it('waits as long as the daemon may retry the provider (three attempts and backoff)', () => {
    expect(testTimeoutMs({ settings: {} })).toBe(200_000);
    expect(testTimeoutMs({ settings: { timeoutMs: 10_000 } })).toBe(50_000);
  });
});

describe('assistant list words', () => {
  it('shows a key only by its last characters, or why it cannot', () => {
    expect(keyText({ set: true, last4: '…wxyz', readable: true }, t)).toBe('Key …wxyz');
    expect(keyText({ set: false, last4: null, readable: true }, t)).toBe('No key');
    expect(keyText({ set: true, last4: null, readable: false }, t)).toBe(en['settings.assistants.key.unreadable']);
  });

  it('counts uses', () => {
    expect([0, 1, 12].map((n) => usageText(n, t))).toEqual(['Not used yet', 'Used once', 'Used 12 times']);
  });

  it('sums an assistant up in one line, with its persona and team when they exist', () => {
    const personas = [{ id: 3, name: 'Careful librarian' }];
    const teams = [{ id: 4, name: 'Research' }];
    expect(assistantDetails(assistant({ teamId: 4, usageCount: 2 }), personas, teams, t)).toBe(
      'OpenAI · gpt-4o-mini · Persona: Careful librarian · Team: Research · Key …wxyz · Used 2 times',
    );
    expect(assistantDetails(assistant({ personaId: 99, provider: 'gemini', model: 'gemini-2.5-flash' }), personas, teams, t)).toBe(
      'Google Gemini · gemini-2.5-flash · Key …wxyz · Not used yet',
    );
  });

  it('words a test result: latency when it worked, the daemon’s sentence when not', () => {
    expect(testText({ ok: true, message: 'Local answered (openai_compatible, llama3.2).', kind: null, latencyMs: 412, reply: 'OK' }, t)).toBe(
      'Connection works: it answered in 412 ms.',
    );
    const message = 'Local server (llama3.2) refused the API key (wrong, expired or without access to this model); set the correct key for the assistant.';
    expect(testText({ ok: false, message, kind: 'unauthorized', latencyMs: 30, reply: null }, t)).toBe(`Connection failed. ${message}`);
  });
});
