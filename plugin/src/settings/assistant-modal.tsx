import type { App } from 'obsidian';
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { AiProviderName } from '../../../shared/contracts/assistants';
import type { AssistantView, PersonaOption, TeamOption } from '../daemon/assistant-schemas';
import type { AssistantsApi } from '../daemon/assistants-client';
import type { Translate } from '../i18n';
import { errorSentence } from '../views/librarian/error-text';
import {
  createBody,
  emptyForm,
  formFromAssistant,
  isLocal,
  LOCAL_SERVER_URLS,
  newPersonaBody,
  PROVIDER_ORDER,
  PROVIDERS,
  updateBody,
  validateForm,
  type AssistantForm,
  type FormErrors,
  type PersonaChoice,
} from './assistant-form';
import { PreactModal } from './preact-modal';

export interface AssistantFormProps {
  api: () => Promise<AssistantsApi>;
  t: Translate;
  /** null to add a new assistant. */
  assistant: AssistantView | null;
  personas: PersonaOption[];
  teams: TeamOption[];
  /** After a successful save, before the modal closes. */
  onSaved: () => void;
}

/** Opens the add/edit form in a modal. */
export function openAssistantModal(app: App, props: AssistantFormProps): void {
  const { t, assistant } = props;
  const title = assistant ? t('settings.assistant.edit.title', { name: assistant.name }) : t('settings.assistant.add.title');
  new PreactModal(app, title, (close) => <AssistantFormView {...props} close={close} />, 'hisho-assistant-modal').open();
}

const NEW_PERSONA = 'new';
const MODEL_LIST_ID = 'hisho-model-suggestions';

function personaValue(choice: PersonaChoice): string {
  return choice === null ? '' : String(choice);
}

function parsePersona(value: string): PersonaChoice {
  if (value === NEW_PERSONA) return 'new';
  return value === '' ? null : Number(value);
}

/** One labelled row of a settings form; its control carries the id `${cls}-input`. */
export function Field({ cls, name, desc, error, children }: { cls: string; name: string; desc?: ComponentChildren; error?: string; children: ComponentChildren }) {
  return (
    <div class={`setting-item ${cls}`}>
      <div class="setting-item-info">
        <label class="setting-item-name" for={`${cls}-input`}>
          {name}
        </label>
        {desc && <div class="setting-item-description">{desc}</div>}
        {error && <div class="hisho-field-error">{error}</div>}
      </div>
      <div class="setting-item-control">{children}</div>
    </div>
  );
}

function AssistantFormView({ api, t, assistant, personas: initialPersonas, teams, onSaved, close }: AssistantFormProps & { close: () => void }) {
  const [form, setForm] = useState<AssistantForm>(() => (assistant ? formFromAssistant(assistant) : emptyForm()));
  const [personas, setPersonas] = useState(initialPersonas);
  const [errors, setErrors] = useState<FormErrors>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const patch = (change: Partial<AssistantForm>) => {
    setForm((f) => ({ ...f, ...change }));
    // A field being corrected no longer shows what was wrong with it.
    setErrors((found) => {
      const rest = { ...found };
      for (const key of Object.keys(change)) delete rest[key as keyof FormErrors];
      return rest;
    });
  };
  const error = (field: keyof FormErrors) => {
    const key = errors[field];
    return key ? t(key) : undefined;
  };

  const save = async (evt: Event) => {
    evt.preventDefault();
    const found = validateForm(form);
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setSaving(true);
    setFailure(null);
    try {
      const daemon = await api();
      let personaId = form.persona === 'new' ? null : form.persona;
      const personaBody = newPersonaBody(form);
      if (personaBody) {
        const created = await daemon.createPersona(personaBody);
        // Chosen from now on, so a save that fails after this point does not create it twice.
        setPersonas((list) => [...list, created]);
        patch({ persona: created.id });
        personaId = created.id;
      }
      if (assistant) {
        const body = updateBody(assistant, form, personaId);
        if (body) await daemon.update(assistant.id, body);
      } else {
        await daemon.create(createBody(form, personaId));
      }
      onSaved();
      close();
    } catch (e) {
      setFailure(errorSentence(e, t));
      setSaving(false);
    }
  };

  const local = isLocal(form.provider);
  const storedKey = assistant?.apiKey.set === true;
  let keyDesc: string;
  if (form.removeKey) keyDesc = t('settings.assistant.key.desc.removing');
  else if (storedKey && assistant.apiKey.readable) keyDesc = t('settings.assistant.key.desc.stored', { last4: assistant.apiKey.last4 ?? '' });
  else if (storedKey) keyDesc = t('settings.assistant.key.desc.unreadable');
  else keyDesc = t(local ? 'settings.assistant.key.desc.local' : 'settings.assistant.key.desc.new');

  return (
    <form class="hisho-assistant-form" onSubmit={(evt) => void save(evt)} noValidate>
      <Field cls="hisho-assistant-name" name={t('settings.assistant.name.name')} error={error('name')}>
        <input id="hisho-assistant-name-input" type="text" maxLength={100} value={form.name} onInput={(evt) => patch({ name: evt.currentTarget.value })} />
      </Field>

      <Field cls="hisho-assistant-provider" name={t('settings.assistant.provider.name')}>
        <select id="hisho-assistant-provider-input" class="dropdown" value={form.provider} onChange={(evt) => patch({ provider: evt.currentTarget.value as AiProviderName })}>
          {PROVIDER_ORDER.map((p) => (
            <option key={p} value={p}>
              {t(PROVIDERS[p].nameKey)}
            </option>
          ))}
        </select>
      </Field>

      <Field
        cls="hisho-assistant-model"
        name={t('settings.assistant.model.name')}
        desc={t('settings.assistant.model.desc', { example: PROVIDERS[form.provider].models[0] ?? '' })}
        error={error('model')}
      >
        <input id="hisho-assistant-model-input" type="text" list={MODEL_LIST_ID} maxLength={100} spellcheck={false} value={form.model} onInput={(evt) => patch({ model: evt.currentTarget.value })} />
        <datalist id={MODEL_LIST_ID}>
          {PROVIDERS[form.provider].models.map((m) => (
            <option key={m} value={m} />
          ))}
        </datalist>
      </Field>

      {local && (
        <Field
          cls="hisho-assistant-base-url"
          name={t('settings.assistant.base-url.name')}
          desc={
            <>
              {t('settings.assistant.base-url.desc')}{' '}
              <button type="button" class="hisho-preset hisho-preset-ollama" onClick={() => patch({ baseUrl: LOCAL_SERVER_URLS.ollama })}>
                {t('settings.assistant.base-url.ollama')}
              </button>{' '}
              <button type="button" class="hisho-preset hisho-preset-lm-studio" onClick={() => patch({ baseUrl: LOCAL_SERVER_URLS.lmStudio })}>
                {t('settings.assistant.base-url.lm-studio')}
              </button>
            </>
          }
          error={error('baseUrl')}
        >
          <input id="hisho-assistant-base-url-input" type="url" maxLength={500} spellcheck={false} placeholder={LOCAL_SERVER_URLS.ollama} value={form.baseUrl} onInput={(evt) => patch({ baseUrl: evt.currentTarget.value })} />
        </Field>
      )}

      <Field cls="hisho-assistant-key" name={t('settings.assistant.key.name')} desc={keyDesc} error={error('apiKey')}>
        <input
          id="hisho-assistant-key-input"
          type="password"
          autocomplete="off"
          maxLength={500}
          spellcheck={false}
          disabled={form.removeKey}
          value={form.apiKey}
          onInput={(evt) => patch({ apiKey: evt.currentTarget.value })}
        />
        {storedKey &&
          (form.removeKey ? (
            <button type="button" class="hisho-key-keep" onClick={() => patch({ removeKey: false })}>
              {t('settings.assistant.key.keep')}
            </button>
          ) : (
            <button type="button" class="hisho-key-remove mod-warning" onClick={() => patch({ removeKey: true, apiKey: '' })}>
              {t('settings.assistant.key.remove')}
            </button>
          ))}
      </Field>

      <Field
        cls="hisho-assistant-persona"
        name={t('settings.assistant.persona.name')}
        desc={personas.length === 0 ? t('settings.assistant.persona.desc.none') : t('settings.assistant.persona.desc')}
      >
        <select id="hisho-assistant-persona-input" class="dropdown" value={personaValue(form.persona)} onChange={(evt) => patch({ persona: parsePersona(evt.currentTarget.value) })}>
          <option value="">{t('settings.assistant.persona.none')}</option>
          {personas.map((p) => (
            <option key={p.id} value={String(p.id)}>
              {p.name}
            </option>
          ))}
          <option value={NEW_PERSONA}>{t('settings.assistant.persona.new')}</option>
        </select>
      </Field>

      {form.persona === 'new' && (
        <div class="hisho-new-persona">
          <Field cls="hisho-persona-name" name={t('settings.assistant.persona-name.name')} error={error('newPersonaName')}>
            <input id="hisho-persona-name-input" type="text" maxLength={100} value={form.newPersonaName} onInput={(evt) => patch({ newPersonaName: evt.currentTarget.value })} />
          </Field>
          <Field
            cls="hisho-persona-personality"
            name={t('settings.assistant.personality.name')}
            desc={t('settings.assistant.personality.desc')}
            error={error('newPersonality')}
          >
            <textarea
              id="hisho-persona-personality-input"
              rows={4}
              maxLength={20_000}
              placeholder={t('settings.assistant.personality.placeholder')}
              value={form.newPersonality}
              onInput={(evt) => patch({ newPersonality: evt.currentTarget.value })}
            />
          </Field>
        </div>
      )}

      <Field
        cls="hisho-assistant-team"
        name={t('settings.assistant.team.name')}
        desc={teams.length === 0 ? t('settings.assistant.team.desc.none') : t('settings.assistant.team.desc')}
      >
        <select
          id="hisho-assistant-team-input"
          class="dropdown"
          disabled={teams.length === 0}
          value={form.teamId === null ? '' : String(form.teamId)}
          onChange={(evt) => patch({ teamId: evt.currentTarget.value === '' ? null : Number(evt.currentTarget.value) })}
        >
          <option value="">{t('settings.assistant.team.none')}</option>
          {teams.map((team) => (
            <option key={team.id} value={String(team.id)}>
              {team.name}
            </option>
          ))}
        </select>
      </Field>

      {assistant && (
        <Field cls="hisho-assistant-active" name={t('settings.assistant.active.name')} desc={t('settings.assistant.active.desc')}>
          <input id="hisho-assistant-active-input" type="checkbox" checked={form.isActive} onChange={(evt) => patch({ isActive: evt.currentTarget.checked })} />
        </Field>
      )}

      {failure && (
        <p class="hisho-form-error" role="alert">
          {failure}
        </p>
      )}
      <div class="modal-button-container">
        <button type="submit" class="hisho-assistant-save mod-cta" disabled={saving}>
          {saving ? t('settings.assistant.saving') : t('settings.assistant.save')}
        </button>
        <button type="button" class="hisho-assistant-cancel" onClick={close}>
          {t('settings.assistants.cancel')}
        </button>
      </div>
    </form>
  );
}
