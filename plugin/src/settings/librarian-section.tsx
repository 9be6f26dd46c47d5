import { render, type ComponentChildren } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { ConnectionMonitor } from '../connection';
import type { AssistantView } from '../daemon/assistant-schemas';
import { AssistantsApi } from '../daemon/assistants-client';
import { LibrarianApi, type LibrarianSettingsPatch } from '../daemon/librarian-client';
import type { LibrarianSettingsView } from '../daemon/librarian-schemas';
import type { I18n } from '../i18n';
import { useConnection, useLanguage } from '../views/empty-state';
import { daemonClient } from '../views/librarian/daemon';
import { errorSentence } from '../views/librarian/error-text';
import { Field } from './assistant-modal';
import { TEXT_FIELDS, type TextField } from './librarian-form';
import { SemanticGroup } from './semantic-group';

export interface LibrarianSectionProps {
  monitor: ConnectionMonitor;
  i18n: I18n;
  /** The registered vault's id, for the daemon's `vault` parameter (undefined until registered). */
  vault: () => string | undefined;
  /** Calls the listener when the assistants section changed the assistants; returns the unsubscribe function. */
  onAssistantsChanged: (listener: () => void) => () => void;
}

type Data = { state: 'loading' } | { state: 'error'; error: unknown } | { state: 'ready'; settings: LibrarianSettingsView; assistants: AssistantView[] };

/** Mounts the section in `el`; returns the function that unmounts it. */
export function mountLibrarianSection(el: HTMLElement, props: LibrarianSectionProps): () => void {
  render(<LibrarianSection {...props} />, el);
  return () => render(null, el);
}

/** The librarian's assistant and how it searches, as the daemon's librarian settings hold them; each change is saved at once. */
function LibrarianSection({ monitor, i18n, vault, onAssistantsChanged }: LibrarianSectionProps) {
  const t = useLanguage(i18n);
  const connected = useConnection(monitor).state === 'connected';
  const [data, setData] = useState<Data>({ state: 'loading' });
  /** The typed fields as typed (saved when the person leaves one), and which of them is not valid. */
  const [texts, setTexts] = useState<Partial<Record<TextField, string>>>({});
  const [invalid, setInvalid] = useState<Partial<Record<TextField, boolean>>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  useEffect(() => onAssistantsChanged(reload), [onAssistantsChanged, reload]);

  useEffect(() => {
    let live = true;
    daemonClient(monitor)
      .then((client) => Promise.all([new LibrarianApi(client).settings(), new AssistantsApi(client).list()]))
      .then(
        ([settings, assistants]) => {
          if (!live) return;
          setData({ state: 'ready', settings, assistants });
          setTexts({});
        },
        (error: unknown) => live && setData({ state: 'error', error }),
      );
    return () => {
      live = false;
    };
  }, [monitor, connected, generation]);

  if (data.state === 'loading') return <p class="hisho-librarian-status" data-state="loading">{t('librarian.loading')}</p>;
  if (data.state === 'error') return <p class="hisho-librarian-status hisho-error" data-state="error">{errorSentence(data.error, t)}</p>;
  const { settings, assistants } = data;

  const save = async (patch: LibrarianSettingsPatch) => {
    setFailure(null);
    try {
      const saved = await new LibrarianApi(await daemonClient(monitor)).updateSettings(patch);
      setData({ state: 'ready', settings: saved, assistants });
    } catch (e) {
      setFailure(errorSentence(e, t));
    }
  };

  const row = (key: TextField | 'assistant' | 'active' | 'expand', control: ComponentChildren, error?: string) => (
    <Field cls={`hisho-lib-${key}`} name={t(`lib.${key}`)} desc={t(`lib.${key}.desc`)} error={error}>
      {control}
    </Field>
  );
  const check = (key: 'active' | 'expand', checked: boolean, patch: (on: boolean) => LibrarianSettingsPatch) =>
    row(key, <input id={`hisho-lib-${key}-input`} type="checkbox" checked={checked} onChange={(evt) => void save(patch(evt.currentTarget.checked))} />);
  const text = (key: TextField, props: Record<string, string | number>, multiline = false) => {
    const Tag = multiline ? 'textarea' : 'input';
    const onChange = (value: string) => {
      const patch = TEXT_FIELDS[key].patch(value);
      setInvalid((all) => ({ ...all, [key]: !patch }));
      if (patch) void save(patch);
    };
    return row(
      key,
      <Tag
        id={`hisho-lib-${key}-input`}
        {...props}
        value={texts[key] ?? TEXT_FIELDS[key].read(settings)}
        onInput={(evt) => setTexts({ ...texts, [key]: evt.currentTarget.value })}
        onChange={(evt) => onChange(evt.currentTarget.value)}
      />,
      invalid[key] && key !== 'specialization' ? t(`lib.${key}.error`) : undefined,
    );
  };

  return (
    <div class="hisho-librarian-settings" data-state="ready" data-configured={String(settings.configured)}>
      <p class={settings.configured ? 'hisho-librarian-status' : 'hisho-librarian-status hisho-error'}>
        {settings.configured && settings.assistant ? t('lib.ready', { name: settings.assistant.name, model: settings.assistant.model }) : settings.problemMessage}
      </p>
      {row(
        'assistant',
        <select
          id="hisho-lib-assistant-input"
          class="dropdown"
          value={String(settings.assistantId ?? '')}
          onChange={(evt) => void save({ assistantId: evt.currentTarget.value ? Number(evt.currentTarget.value) : null })}
        >
          <option value="">{t('lib.none')}</option>
          {assistants.map((a) => (
            <option key={a.id} value={String(a.id)}>
              {a.name} ({a.model})
            </option>
          ))}
        </select>,
      )}
      {check('active', settings.isActive, (isActive) => ({ isActive }))}
      {text('passages', { type: 'number', min: 1, max: 20 })}
      {check('expand', settings.searchStrategies.expandLinks, (expandLinks) => ({ searchStrategies: { expandLinks } }))}
      {text('length', { type: 'number', min: 200, max: 4000, step: 100 })}
      {text('specialization', { type: 'text' })}
      {text('categories', { rows: 4 }, true)}
      <SemanticGroup monitor={monitor} t={t} vault={vault} settings={settings} assistants={assistants} save={save} />
      {failure && (
        <p class="hisho-error" role="alert">
          {failure}
        </p>
      )}
    </div>
  );
}
