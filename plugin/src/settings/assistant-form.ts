/**
 * The add/edit assistant form as data: its fields, their checks (the daemon's rules, worded for
 * the person), and the request bodies they become. Knows nothing of Obsidian or the DOM.
 */
import type { AiProviderName } from '../../../shared/contracts/assistants';
import type { AssistantView } from '../daemon/assistant-schemas';
import type { AssistantCreateBody, AssistantUpdateBody, PersonaCreateBody } from '../daemon/assistants-client';
import type { MessageKey } from '../i18n';

export const LOCAL_SERVER_URLS = { ollama: 'http://127.0.0.1:11434/v1', lmStudio: 'http://127.0.0.1:1234/v1' } as const;

interface ProviderInfo {
  nameKey: MessageKey;
  /** Offered while typing the model; any other model name the provider knows works too. */
  models: readonly string[];
}

/** Keyed by every provider of the contract, in the order the form offers them. */
export const PROVIDERS: Readonly<Record<AiProviderName, ProviderInfo>> = {
  openai: { nameKey: 'settings.assistant.provider.openai', models: ['gpt-4o-mini', 'gpt-4o', 'gpt-4.1-mini', 'gpt-4.1', 'gpt-5-mini', 'gpt-5'] },
  claude: { nameKey: 'settings.assistant.provider.claude', models: ['claude-haiku-4-5', 'claude-sonnet-4-5', 'claude-opus-4-1'] },
  gemini: { nameKey: 'settings.assistant.provider.gemini', models: ['gemini-2.5-flash', 'gemini-2.5-flash-lite', 'gemini-2.5-pro'] },
  openai_compatible: { nameKey: 'settings.assistant.provider.openai_compatible', models: ['llama3.2', 'qwen2.5', 'gemma3', 'mistral', 'phi4'] },
};

export const PROVIDER_ORDER = Object.keys(PROVIDERS) as AiProviderName[];

export const isLocal = (provider: AiProviderName): boolean => provider === 'openai_compatible';

/** The persona select: none, an existing persona's id, or a new one typed in the form. */
export type PersonaChoice = number | null | 'new';

export interface AssistantForm {
  name: string;
  provider: AiProviderName;
  model: string;
  /** Used for the local server only. */
  baseUrl: string;
  /** A new key; '' keeps the stored one (or sets none). */
  apiKey: string;
  /** Remove the stored key on save. */
  removeKey: boolean;
  persona: PersonaChoice;
  newPersonaName: string;
  newPersonality: string;
  teamId: number | null;
  isActive: boolean;
}

export function emptyForm(): AssistantForm {
  return {
    name: '',
    provider: 'openai',
    model: '',
    baseUrl: LOCAL_SERVER_URLS.ollama,
    apiKey: '',
    removeKey: false,
    persona: null,
    newPersonaName: '',
    newPersonality: '',
    teamId: null,
    isActive: true,
  };
}

export function formFromAssistant(a: AssistantView): AssistantForm {
  return {
    ...emptyForm(),
    name: a.name,
    provider: a.provider,
    model: a.model,
    baseUrl: a.settings.baseUrl ?? LOCAL_SERVER_URLS.ollama,
    persona: a.personaId,
    teamId: a.teamId,
    isActive: a.isActive,
  };
}

export type FormField = 'name' | 'model' | 'baseUrl' | 'apiKey' | 'newPersonaName' | 'newPersonality';
export type FormErrors = Partial<Record<FormField, MessageKey>>;

/** The contract's model name rule (shared/contracts/assistants.ts). */
const MODEL_NAME = /^[A-Za-z0-9][\w.:/@+-]*$/;

function isServerUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && !url.username && !url.password;
  } catch {
    return false;
  }
}

/** What to fix before saving, field by field; empty when the form can be sent. */
export function validateForm(form: AssistantForm): FormErrors {
  const errors: FormErrors = {};
  if (form.name.trim() === '') errors.name = 'settings.assistant.error.name';
  const model = form.model.trim();
  if (model === '') errors.model = 'settings.assistant.error.model';
  else if (!MODEL_NAME.test(model)) errors.model = 'settings.assistant.error.model-invalid';
  if (isLocal(form.provider) && !isServerUrl(form.baseUrl.trim())) errors.baseUrl = 'settings.assistant.error.base-url';
  const key = form.apiKey.trim();
  if (!form.removeKey && key !== '' && (key.length < 8 || /\s/.test(key))) errors.apiKey = 'settings.assistant.error.key';
  if (form.persona === 'new') {
    if (form.newPersonaName.trim() === '') errors.newPersonaName = 'settings.assistant.error.persona-name';
    if (form.newPersonality.trim() === '') errors.newPersonality = 'settings.assistant.error.personality';
  }
  return errors;
}

/** The persona to create before the assistant, when the form asks for a new one. */
export function newPersonaBody(form: AssistantForm): PersonaCreateBody | null {
  if (form.persona !== 'new') return null;
  return { name: form.newPersonaName.trim(), personality: form.newPersonality.trim() };
}

/** `personaId`: the persona chosen, or the one just created for a 'new' choice. */
export function createBody(form: AssistantForm, personaId: number | null): AssistantCreateBody {
  const body: AssistantCreateBody = {
    name: form.name.trim(),
    provider: form.provider,
    model: form.model.trim(),
    personaId,
    teamId: form.teamId,
    isActive: form.isActive,
  };
  const key = form.apiKey.trim();
  if (key !== '') body.apiKey = key;
  if (isLocal(form.provider)) body.settings = { baseUrl: form.baseUrl.trim() };
  return body;
}

/**
 * Only what changed, so a save never rewrites what the person did not touch; null when nothing
 * did. The key: a typed one replaces the stored key, removeKey deletes it, empty keeps it.
 */
export function updateBody(original: AssistantView, form: AssistantForm, personaId: number | null): AssistantUpdateBody | null {
  const body: AssistantUpdateBody = {};
  const name = form.name.trim();
  const model = form.model.trim();
  if (name !== original.name) body.name = name;
  if (form.provider !== original.provider) body.provider = form.provider;
  if (model !== original.model) body.model = model;
  if (personaId !== original.personaId) body.personaId = personaId;
  if (form.teamId !== original.teamId) body.teamId = form.teamId;
  if (form.isActive !== original.isActive) body.isActive = form.isActive;
  const key = form.apiKey.trim();
  if (form.removeKey) {
    if (original.apiKey.set) body.apiKey = null;
  } else if (key !== '') {
    body.apiKey = key;
  }
  if (isLocal(form.provider)) {
    const baseUrl = form.baseUrl.trim();
    // Without a stored URL the daemon calls Ollama's, which the form shows.
    const current = isLocal(original.provider) ? (original.settings.baseUrl ?? LOCAL_SERVER_URLS.ollama) : original.settings.baseUrl;
    if (baseUrl !== current) body.settings = { baseUrl };
  } else if (isLocal(original.provider) && original.settings.baseUrl) {
    // A local server's address means nothing to a cloud provider; a proxy set through the API is kept.
    body.settings = { baseUrl: null };
  }
  return Object.keys(body).length > 0 ? body : null;
}
