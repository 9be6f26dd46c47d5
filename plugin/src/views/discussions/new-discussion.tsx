import { useEffect, useState } from 'preact/hooks';
import type { Discussion } from '../../../../shared/contracts/discussions';
import { DISCUSSION_TYPE_VALUES, PARTICIPANT_ROLE_VALUES, type AssistantOption, type PersonaInfo } from '../../daemon/discussion-schemas';
import type { DiscussionsApi } from '../../daemon/discussions-client';
import type { Translate } from '../../i18n';
import { createBody, DESCRIPTION_MAX, formErrors, TITLE_MAX, TOPIC_MAX, withAssistants, type DiscussionForm, type FormField, type RoleChoice } from './form';
import type { DiscussionHost } from './host';
import { Avatar } from './message-view';
import { personaIcon } from './persona-icon';

interface NewDiscussionProps {
  api: () => Promise<DiscussionsApi>;
  /** The form as last left (kept while the pane is open, so nothing typed is lost); null before the assistants are known. */
  draft: DiscussionForm | null;
  /** Builds the form once the assistants are known. */
  start: (assistants: AssistantOption[]) => DiscussionForm;
  setDraft: (update: (draft: DiscussionForm | null) => DiscussionForm | null) => void;
  personas: ReadonlyMap<number, PersonaInfo>;
  host: DiscussionHost;
  t: Translate;
  describe: (e: unknown) => string;
  onCreated: (discussion: Discussion) => void;
  onCancel: () => void;
}

const ROLE_CHOICES: readonly RoleChoice[] = ['none', ...PARTICIPANT_ROLE_VALUES];

/** The new-discussion form: type, title, topic, background, the assistants with their personas and roles, the settings. */
export function NewDiscussion({ api, draft, start, setDraft, personas, host, t, describe, onCreated, onCancel }: NewDiscussionProps) {
  const [assistants, setAssistants] = useState<AssistantOption[] | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [errors, setErrors] = useState<Partial<Record<FormField, string[]>>>({});
  const [busy, setBusy] = useState(false);

  const load = () => {
    setLoadError(null);
    api()
      .then((client) => client.assistants())
      .then(
        (list) => {
          setAssistants(list);
          setDraft((d) => (d ? withAssistants(d, list) : start(list)));
        },
        (e: unknown) => setLoadError(e),
      );
  };
  useEffect(load, [api]);

  if (loadError) {
    return (
      <div class="hisho-new-discussion">
        <div class="hisho-error" role="alert">
          {describe(loadError)}{' '}
          <button type="button" onClick={load}>
            {t('discussions.retry')}
          </button>
        </div>
      </div>
    );
  }
  if (!assistants || !draft) return <div class="hisho-new-discussion hisho-muted">{t('discussions.form.assistants.loading')}</div>;

  const patch = (field: FormField, change: Partial<DiscussionForm>) => {
    setDraft((d) => (d ? { ...d, ...change } : d));
    if (errors[field]) setErrors((all) => ({ ...all, [field]: undefined }));
  };
  const setParticipant = (assistantId: number, change: Partial<DiscussionForm['participants'][number]>) =>
    patch('participants', { participants: draft.participants.map((p) => (p.assistantId === assistantId ? { ...p, ...change } : p)) });

  const submit = (evt: Event) => {
    evt.preventDefault();
    setBusy(true);
    setErrors({});
    api()
      .then((client) => client.create(createBody(draft, host.vaultId())))
      .then(onCreated, (e: unknown) => setErrors(formErrors(e, describe)))
      .finally(() => setBusy(false));
  };

  const fieldError = (field: FormField) =>
    errors[field]?.map((message, i) => (
      <div key={i} class="hisho-field-error" data-field={field} role="alert">
        {message}
      </div>
    ));
  const byId = new Map(assistants.map((a) => [a.id, a]));

  return (
    <form class="hisho-new-discussion" noValidate onSubmit={submit}>
      <div class="hisho-form-heading">{t('discussions.new')}</div>
      {fieldError('form')}
      <label class="hisho-field">
        <span class="hisho-field-label">{t('note.discussion.type')}</span>
        <select class="hisho-form-type dropdown" value={draft.type} onChange={(evt) => patch('type', { type: evt.currentTarget.value as DiscussionForm['type'] })}>
          {DISCUSSION_TYPE_VALUES.map((type) => (
            <option key={type} value={type}>
              {t(`note.discussion.type.${type}`)}
            </option>
          ))}
        </select>
        {fieldError('type')}
      </label>
      <label class="hisho-field">
        <span class="hisho-field-label">{t('discussions.form.title')}</span>
        <input class="hisho-form-title" type="text" maxLength={TITLE_MAX} value={draft.title} onInput={(evt) => patch('title', { title: evt.currentTarget.value })} />
        {fieldError('title')}
      </label>
      <label class="hisho-field">
        <span class="hisho-field-label">{t('note.discussion.topic')}</span>
        <input class="hisho-form-topic" type="text" maxLength={TOPIC_MAX} value={draft.topic} onInput={(evt) => patch('topic', { topic: evt.currentTarget.value })} />
        {fieldError('topic')}
      </label>
      <label class="hisho-field">
        <span class="hisho-field-label">{t('note.discussion.background')}</span>
        <textarea
          class="hisho-form-description"
          rows={3}
          maxLength={DESCRIPTION_MAX}
          placeholder={t('discussions.form.description.placeholder')}
          value={draft.description}
          onInput={(evt) => patch('description', { description: evt.currentTarget.value })}
        />
        {fieldError('description')}
      </label>

      <fieldset class="hisho-fieldset hisho-form-assistants">
        <legend class="hisho-field-label">{t('discussions.form.assistants')}</legend>
        {draft.participants.length === 0 && <div class="hisho-muted">{t('discussions.form.assistants.none')}</div>}
        {draft.participants.map((choice) => {
          const assistant = byId.get(choice.assistantId);
          if (!assistant) return null;
          const persona = assistant.personaId === null ? undefined : personas.get(assistant.personaId);
          return (
            <div key={choice.assistantId} class="hisho-assistant-row" data-assistant={choice.assistantId} data-role={choice.role}>
              <Avatar icon={personaIcon(persona, assistant.name, persona)} host={host} />
              <div class="hisho-assistant-text">
                <div class="hisho-assistant-name">{assistant.name}</div>
                <div class="hisho-assistant-persona" title={persona?.personality}>
                  {persona ? persona.name : t('discussions.form.persona.none')}
                </div>
              </div>
              <select
                class="hisho-assistant-role dropdown"
                aria-label={assistant.name}
                value={choice.role}
                onChange={(evt) => setParticipant(choice.assistantId, { role: evt.currentTarget.value as RoleChoice })}
              >
                {ROLE_CHOICES.map((role) => (
                  <option key={role} value={role}>
                    {role === 'none' ? t('discussions.role.none') : t(`note.discussion.role.${role}`)}
                  </option>
                ))}
              </select>
              {draft.type === 'debate' && choice.role === 'participant' && (
                <input
                  class="hisho-assistant-stance"
                  type="text"
                  maxLength={200}
                  aria-label={t('discussions.form.stance')}
                  placeholder={t('discussions.form.stance.placeholder')}
                  value={choice.stance}
                  onInput={(evt) => setParticipant(choice.assistantId, { stance: evt.currentTarget.value })}
                />
              )}
            </div>
          );
        })}
        {fieldError('participants')}
      </fieldset>

      <fieldset class="hisho-fieldset hisho-form-settings">
        <legend class="hisho-field-label">{t('discussions.form.settings')}</legend>
        <label class="hisho-field">
          <span class="hisho-field-label">{t('discussions.form.max-rounds')}</span>
          <input class="hisho-form-max-rounds" type="number" min={1} value={draft.maxRounds} onInput={(evt) => patch('maxRounds', { maxRounds: evt.currentTarget.value })} />
          {fieldError('maxRounds')}
        </label>
        <label class="hisho-field">
          <span class="hisho-field-label">{t('discussions.form.token-budget')}</span>
          <input class="hisho-form-token-budget" type="number" min={1} value={draft.tokenBudget} onInput={(evt) => patch('tokenBudget', { tokenBudget: evt.currentTarget.value })} />
          {fieldError('tokenBudget')}
        </label>
        <label class="hisho-field">
          <span class="hisho-field-label">{t('discussions.form.language')}</span>
          <select class="hisho-form-language dropdown" value={draft.language} onChange={(evt) => patch('language', { language: evt.currentTarget.value === 'ja' ? 'ja' : 'en' })}>
            <option value="ja">{t('settings.language.ja')}</option>
            <option value="en">{t('settings.language.en')}</option>
          </select>
          {fieldError('language')}
        </label>
        <label class="hisho-checkbox">
          <input class="hisho-form-consult" type="checkbox" checked={draft.consultVault} onChange={(evt) => patch('consultVault', { consultVault: evt.currentTarget.checked })} />
          {t('discussions.form.consult-vault')}
        </label>
        {fieldError('consultVault')}
      </fieldset>

      <div class="hisho-form-buttons">
        <button type="submit" class="mod-cta hisho-form-start" disabled={busy}>
          {busy ? t('discussions.form.starting') : t('discussions.form.start')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('discussions.cancel')}
        </button>
      </div>
    </form>
  );
}
