import type { App } from 'obsidian';
import { render } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { ConnectionMonitor } from '../connection';
import type { AssistantTestResult, AssistantView, PersonaOption, TeamOption } from '../daemon/assistant-schemas';
import { AssistantsApi } from '../daemon/assistants-client';
import type { I18n, Translate } from '../i18n';
import { useConnection, useLanguage } from '../views/empty-state';
import { daemonClient } from '../views/librarian/daemon';
import { errorSentence } from '../views/librarian/error-text';
import { openAssistantModal } from './assistant-modal';
import { assistantDetails, testText } from './assistant-text';
import { confirmModal } from './preact-modal';

export interface AssistantsSectionProps {
  app: App;
  monitor: ConnectionMonitor;
  i18n: I18n;
  /** Called after each change to the assistants (the librarian's group lists them too). */
  onChanged?: () => void;
}

type Data =
  | { state: 'loading' }
  | { state: 'error'; error: unknown }
  | { state: 'ready'; assistants: AssistantView[]; personas: PersonaOption[]; teams: TeamOption[] };

type TestState = { state: 'running' } | { state: 'done'; result: AssistantTestResult } | { state: 'error'; message: string };

/** Mounts the section in `el`; returns the function that unmounts it. */
export function mountAssistantsSection(el: HTMLElement, props: AssistantsSectionProps): () => void {
  render(<AssistantsSection {...props} />, el);
  return () => render(null, el);
}

/** The assistants the daemon knows, with add, edit, test and remove. */
function AssistantsSection({ app, monitor, i18n, onChanged }: AssistantsSectionProps) {
  const t = useLanguage(i18n);
  const connected = useConnection(monitor).state === 'connected';
  const [data, setData] = useState<Data>({ state: 'loading' });
  const [tests, setTests] = useState<Readonly<Record<number, TestState>>>({});
  const [actionError, setActionError] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);
  const reload = useCallback(() => {
    setGeneration((g) => g + 1);
    onChanged?.();
  }, [onChanged]);
  const api = useCallback(async () => new AssistantsApi(await daemonClient(monitor)), [monitor]);

  // Loads again when the connection comes back and after every change.
  useEffect(() => {
    let current = true;
    api()
      .then((daemon) => Promise.all([daemon.list(), daemon.personas(), daemon.teams()]))
      .then(
        ([assistants, personas, teams]) => current && setData({ state: 'ready', assistants, personas, teams }),
        (error: unknown) => current && setData({ state: 'error', error }),
      );
    return () => {
      current = false;
    };
  }, [api, connected, generation]);

  if (data.state === 'loading') return <p class="hisho-assistants-status" data-state="loading">{t('settings.assistants.loading')}</p>;
  if (data.state === 'error') {
    return (
      <div class="hisho-assistants-status" data-state="error">
        <span class="hisho-assistants-error">{errorSentence(data.error, t)}</span>{' '}
        <button type="button" class="hisho-assistants-retry" onClick={() => void monitor.check().finally(reload)}>
          {t('connection.retry')}
        </button>
      </div>
    );
  }

  const { assistants, personas, teams } = data;
  const edit = (assistant: AssistantView | null) => openAssistantModal(app, { api, t, assistant, personas, teams, onSaved: reload });
  const setTest = (id: number, state: TestState) => setTests((all) => ({ ...all, [id]: state }));

  const test = async (assistant: AssistantView) => {
    setTest(assistant.id, { state: 'running' });
    try {
      setTest(assistant.id, { state: 'done', result: await (await api()).test(assistant) });
      reload(); // its usage count changed
    } catch (e) {
      setTest(assistant.id, { state: 'error', message: errorSentence(e, t) });
    }
  };

  const remove = async (assistant: AssistantView) => {
    const confirmed = await confirmModal(app, {
      title: t('settings.assistants.remove.title'),
      message: t('settings.assistants.remove.body', { name: assistant.name }),
      confirm: t('settings.assistants.remove'),
      t,
    });
    if (!confirmed) return;
    setActionError(null);
    try {
      await (await api()).remove(assistant.id);
      reload();
    } catch (e) {
      setActionError(errorSentence(e, t));
    }
  };

  return (
    <div class="hisho-assistants-list" data-state="ready">
      {assistants.length === 0 && <p class="hisho-assistants-empty">{t('settings.assistants.empty')}</p>}
      {assistants.map((a) => (
        <AssistantRow
          key={a.id}
          assistant={a}
          details={assistantDetails(a, personas, teams, t)}
          test={tests[a.id]}
          t={t}
          onTest={() => void test(a)}
          onEdit={() => edit(a)}
          onRemove={() => void remove(a)}
        />
      ))}
      {actionError && (
        <p class="hisho-assistants-error" role="alert">
          {actionError}
        </p>
      )}
      <button type="button" class="hisho-assistant-add mod-cta" onClick={() => edit(null)}>
        {t('settings.assistants.add')}
      </button>
    </div>
  );
}

interface RowProps {
  assistant: AssistantView;
  details: string;
  test: TestState | undefined;
  t: Translate;
  onTest: () => void;
  onEdit: () => void;
  onRemove: () => void;
}

function AssistantRow({ assistant, details, test, t, onTest, onEdit, onRemove }: RowProps) {
  const running = test?.state === 'running';
  return (
    <div class="setting-item hisho-assistant" data-id={assistant.id} data-name={assistant.name}>
      <div class="setting-item-info">
        <div class="setting-item-name">
          {assistant.name}{' '}
          <span class="hisho-assistant-status" data-active={String(assistant.isActive)}>
            {assistant.isActive ? t('settings.assistants.active') : t('settings.assistants.inactive')}
          </span>
        </div>
        <div class="setting-item-description hisho-assistant-details">{details}</div>
        {test && (
          <div class="hisho-assistant-test" data-state={test.state === 'done' ? (test.result.ok ? 'ok' : 'failed') : test.state} aria-live="polite">
            {test.state === 'running' ? t('settings.assistants.testing') : test.state === 'done' ? testText(test.result, t) : test.message}
          </div>
        )}
      </div>
      <div class="setting-item-control">
        <button type="button" class="hisho-assistant-test-button" disabled={running} onClick={onTest}>
          {running ? t('settings.assistants.testing') : t('settings.assistants.test')}
        </button>
        <button type="button" class="hisho-assistant-edit" onClick={onEdit}>
          {t('settings.assistants.edit')}
        </button>
        <button type="button" class="hisho-assistant-remove mod-warning" onClick={onRemove}>
          {t('settings.assistants.remove')}
        </button>
      </div>
    </div>
  );
}
