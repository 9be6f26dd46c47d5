import type { ComponentChild } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { Discussion } from '../../../../shared/contracts/discussions';
import type { ConnectionMonitor } from '../../connection';
import type { PersonaInfo } from '../../daemon/discussion-schemas';
import { DiscussionsApi } from '../../daemon/discussions-client';
import { PlansApi } from '../../daemon/plans-client';
import type { DaemonStarter } from '../../daemon-starter';
import type { I18n, Translate } from '../../i18n';
import { VIEWS } from '../constants';
import { EmptyState, useConnection, useLanguage } from '../empty-state';
import { daemonClient } from '../librarian/daemon';
import { errorSentence } from '../librarian/error-text';
import { DiscussionDetail, StatusBadge } from './detail';
import { newForm, topicFrom, type DiscussionForm, type TopicSource } from './form';
import type { DiscussionHost, PaneRequests } from './host';
import { NewDiscussion } from './new-discussion';

export interface DiscussionsProps {
  monitor: ConnectionMonitor;
  i18n: I18n;
  host: DiscussionHost;
  requests: PaneRequests;
  starter?: DaemonStarter;
}

type Screen = { kind: 'list' } | { kind: 'new' } | { kind: 'detail'; id: number };
type ListState = { state: 'loading' } | { state: 'done'; items: Discussion[] } | { state: 'error'; error: unknown };

/** The Discussions pane: the list, the new-discussion form, one discussion followed live. */
export function Discussions({ monitor, i18n, host, requests, starter }: DiscussionsProps) {
  const t = useLanguage(i18n);
  const status = useConnection(monitor);
  const connected = status.state === 'connected';
  const [screen, setScreen] = useState<Screen>({ kind: 'list' });
  const [list, setList] = useState<ListState>({ state: 'loading' });
  const [draft, setDraft] = useState<DiscussionForm | null>(null);
  const [source, setSource] = useState<TopicSource>({ selection: '', noteTitle: null });
  const [personas, setPersonas] = useState<ReadonlyMap<number, PersonaInfo>>(new Map());

  const api = useCallback(async () => new DiscussionsApi(await daemonClient(monitor)), [monitor]);
  const plans = useCallback(async () => new PlansApi(await daemonClient(monitor)), [monitor]);
  const describe = useCallback((e: unknown) => errorSentence(e, t), [t]);

  const reload = useCallback(() => {
    setList((l) => (l.state === 'done' ? l : { state: 'loading' }));
    api()
      .then((client) => client.list())
      .then(
        (items) => setList({ state: 'done', items }),
        (error: unknown) => setList({ state: 'error', error }),
      );
  }, [api]);

  useEffect(() => {
    if (!connected) return;
    reload();
    // Personas picture the participants; without them the pane shows initials.
    api()
      .then((client) => client.personas())
      .then(
        (items) => setPersonas(new Map(items.map((p) => [p.id, p]))),
        () => undefined,
      );
  }, [connected, api, reload]);

  // "Start a discussion about the selection": the form, with the topic from where the person was.
  const openForm = useCallback((from: TopicSource) => {
    setSource(from);
    setDraft((d) => (d ? { ...d, ...topicFrom(from) } : null));
    setScreen({ kind: 'new' });
  }, []);
  useEffect(() => requests.listen(openForm), [requests, openForm]);

  const onChange = useCallback((discussion: Discussion) => {
    setList((l) => (l.state === 'done' ? { ...l, items: l.items.map((d) => (d.id === discussion.id ? discussion : d)) } : l));
  }, []);
  const toList = () => {
    setScreen({ kind: 'list' });
    reload();
  };

  if (!connected) return <EmptyState definition={VIEWS.discussions} monitor={monitor} i18n={i18n} starter={starter} />;

  return (
    <div class="hisho-discussions" data-screen={screen.kind}>
      {screen.kind === 'list' && (
        <DiscussionList
          list={list}
          t={t}
          describe={describe}
          onOpen={(id) => setScreen({ kind: 'detail', id })}
          onNew={() => openForm(host.topicSource())}
          onRetry={reload}
          empty={<EmptyState definition={VIEWS.discussions} monitor={monitor} i18n={i18n} starter={starter} />}
        />
      )}
      {screen.kind === 'new' && (
        <NewDiscussion
          api={api}
          draft={draft}
          start={(assistants) => newForm(source, assistants, i18n.language)}
          setDraft={setDraft}
          personas={personas}
          host={host}
          t={t}
          describe={describe}
          onCreated={(discussion) => {
            setDraft(null);
            setList((l) => (l.state === 'done' ? { ...l, items: [discussion, ...l.items] } : l));
            setScreen({ kind: 'detail', id: discussion.id });
          }}
          onCancel={toList}
        />
      )}
      {screen.kind === 'detail' && (
        <DiscussionDetail key={screen.id} id={screen.id} api={api} plans={plans} host={host} personas={personas} t={t} describe={describe} onBack={toList} onChange={onChange} />
      )}
    </div>
  );
}

interface ListProps {
  list: ListState;
  t: Translate;
  describe: (e: unknown) => string;
  onOpen: (id: number) => void;
  onNew: () => void;
  onRetry: () => void;
  /** Shown when there is no discussion yet. */
  empty: ComponentChild;
}

function DiscussionList({ list, t, describe, onOpen, onNew, onRetry, empty }: ListProps) {
  return (
    <div class="hisho-discussion-list-pane">
      <button type="button" class="mod-cta hisho-new-button" onClick={onNew}>
        {t('discussions.new')}
      </button>
      {list.state === 'loading' && <div class="hisho-muted">{t('discussions.list.loading')}</div>}
      {list.state === 'error' && (
        <div class="hisho-error" role="alert">
          {describe(list.error)}{' '}
          <button type="button" onClick={onRetry}>
            {t('discussions.retry')}
          </button>
        </div>
      )}
      {list.state === 'done' && list.items.length === 0 && empty}
      {list.state === 'done' && list.items.length > 0 && (
        <ul class="hisho-discussion-list" aria-label={t('view.discussions.name')}>
          {list.items.map((d) => (
            <li key={d.id} class="hisho-discussion-item" data-id={d.id} data-status={d.status}>
              <button type="button" class="hisho-discussion-open" onClick={() => onOpen(d.id)}>
                <span class="hisho-discussion-item-title">{d.title}</span>
                <StatusBadge discussion={d} t={t} />
              </button>
              <div class="hisho-discussion-item-meta">
                {t(`note.discussion.type.${d.type}`)} · {t('discussions.round', { round: d.round, max: d.settings.maxRounds })}
              </div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
