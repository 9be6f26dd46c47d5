import type { ComponentChild } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { Discussion, DiscussionParticipant } from '../../../../shared/contracts/discussions';
import { DaemonError } from '../../daemon/client';
import type { PersonaInfo } from '../../daemon/discussion-schemas';
import type { DiscussionsApi, InterruptionBody } from '../../daemon/discussions-client';
import type { PlansApi } from '../../daemon/plans-client';
import type { Translate } from '../../i18n';
import { standingOf } from './controls';
import { DraftPlan } from './draft-plan';
import type { DiscussionHost } from './host';
import { LiveSession, type DiscussionSource, type Link, type Schedule } from './live-session';
import { Avatar, InterruptionItem, LinkedText, MessageItem, participantIcon, TurnItem } from './message-view';
import { Steering } from './steering';
import { consensusView, participantState, type TranscriptState } from './transcript-state';

const windowSchedule: Schedule = (fn, ms) => {
  const id = window.setTimeout(fn, ms);
  return () => window.clearTimeout(id);
};

interface DetailProps {
  id: number;
  api: () => Promise<DiscussionsApi>;
  /** For drafting a plan from the consensus. */
  plans: () => Promise<PlansApi>;
  host: DiscussionHost;
  personas: ReadonlyMap<number, PersonaInfo>;
  t: Translate;
  describe: (e: unknown) => string;
  onBack: () => void;
  /** The discussion changed (for the list). */
  onChange: (discussion: Discussion) => void;
}

/** A discussion followed live: what it is about, where it stands, who is speaking, the transcript, the steering, saving and drafting a plan. */
export function DiscussionDetail({ id, api, plans, host, personas, t, describe, onBack, onChange }: DetailProps) {
  const session = useMemo(() => {
    const source: DiscussionSource = {
      async *events(discussionId, signal) {
        yield* (await api()).events(discussionId, signal);
      },
      get: async (discussionId) => (await api()).get(discussionId),
      messages: async (discussionId, afterId) => (await api()).messages(discussionId, afterId),
      interruptions: async (discussionId) => (await api()).interruptions(discussionId),
    };
    return new LiveSession(id, source, (state, link) => setView({ state, link }), windowSchedule);
  }, [id, api]);
  const [view, setView] = useState<{ state: TranscriptState; link: Link }>(session.current);
  useEffect(() => {
    setView(session.current);
    session.start();
    return () => session.dispose();
  }, [session]);

  const { state, link } = view;
  const { discussion } = state;
  useEffect(() => {
    if (discussion) onChange(discussion);
  }, [discussion, onChange]);

  const send = async (body: InterruptionBody) => {
    const client = await api();
    try {
      const result = await client.interrupt(id, body);
      session.apply({ event: 'discussion', data: { discussion: result.discussion } });
      if (result.interruption) session.apply({ event: 'interruption', data: { discussionId: id, interruption: result.interruption } });
    } catch (e) {
      // Refused as not allowed now: the buttons were out of date; show the discussion as it is.
      if (e instanceof DaemonError && e.reason.code === 'http-error' && e.reason.status === 409) {
        void client.get(id).then((d) => session.apply({ event: 'discussion', data: { discussion: d } }), () => undefined);
      }
      throw e;
    }
  };

  return (
    <div class="hisho-discussion" data-id={id} data-status={discussion?.status ?? 'loading'}>
      <button type="button" class="hisho-back" onClick={onBack}>
        ← {t('discussions.back')}
      </button>
      <LinkLine link={link} retry={() => session.retryNow()} describe={describe} t={t} />
      {discussion && (
        <>
          <Header discussion={discussion} state={state} host={host} t={t} />
          <ConsensusMeter state={state} t={t} />
          <Participants discussion={discussion} state={state} personas={personas} host={host} t={t} />
          <Steering discussion={discussion} live={state.live} send={send} describe={describe} t={t} />
          <Transcript discussion={discussion} state={state} personas={personas} host={host} t={t} />
          <SaveNote discussion={discussion} api={api} host={host} describe={describe} t={t} />
          <DraftPlan discussion={discussion} plans={plans} host={host} t={t} />
        </>
      )}
    </div>
  );
}

function LinkLine({ link, retry, describe, t }: { link: Link; retry: () => void; describe: (e: unknown) => string; t: Translate }) {
  if (link.state === 'live') return null;
  if (link.state === 'connecting') return <div class="hisho-link-state" data-state="connecting">{t('discussions.link.connecting')}</div>;
  if (link.state === 'closed') {
    if (!link.error) return null;
    return (
      <div class="hisho-link-state hisho-error" data-state="closed" role="alert">
        {describe(link.error)}
      </div>
    );
  }
  return (
    <div class="hisho-link-state" data-state="waiting">
      {t('discussions.link.waiting')}
      {link.error !== null && <span class="hisho-link-reason"> {describe(link.error)}</span>}{' '}
      <button type="button" class="hisho-reconnect" onClick={retry}>
        {t('discussions.link.reconnect')}
      </button>
    </div>
  );
}

function Header({ discussion, state, host, t }: { discussion: Discussion; state: TranscriptState; host: DiscussionHost; t: Translate }) {
  const live = state.live;
  const standing = standingOf(discussion, live);
  let note: ComponentChild = null;
  if (standing?.kind === 'storage') {
    // The daemon cannot reach its database: the discussion waits, and says why, instead of standing still unexplained.
    note = (
      <div class="hisho-storage-wait" role="status" data-pausing={String(standing.pausing)}>
        {standing.reason}
      </div>
    );
  } else if (standing?.kind === 'paused') {
    note = (
      <div class="hisho-pause" data-reason={standing.pause.reason}>
        {t(`discussions.pause.${standing.pause.reason}`)}
        {standing.pause.message && <span class="hisho-pause-message"> {standing.pause.message}</span>}
      </div>
    );
  } else if (standing?.kind === 'stranded') {
    note = <div class="hisho-stranded">{t('discussions.stranded')}</div>;
  } else if (standing) {
    note = (
      <div class="hisho-stop" data-reason={standing.kind === 'ended' ? standing.stopReason : (discussion.stopReason ?? '')}>
        {standing.kind === 'ended' ? t(`note.discussion.stop.${standing.stopReason}`) : t('discussions.closing')}
      </div>
    );
  }
  return (
    <div class="hisho-discussion-header">
      <div class="hisho-discussion-title-row">
        <span class="hisho-discussion-title">{discussion.title}</span>
        <StatusBadge discussion={discussion} t={t} />
      </div>
      <div class="hisho-discussion-meta">
        <span>{t(`note.discussion.type.${discussion.type}`)}</span>
        <span>{t('discussions.round', { round: live?.round ?? discussion.round, max: discussion.settings.maxRounds })}</span>
        <span>{t('discussions.meta.tokens', { used: (live?.tokensUsed ?? discussion.tokensUsed).toLocaleString(), budget: discussion.settings.tokenBudget.toLocaleString() })}</span>
      </div>
      <div class="hisho-discussion-topic">
        <span class="hisho-field-label">{t('note.discussion.topic')}</span> <LinkedText text={discussion.currentTopic} host={host} />
      </div>
      {note}
    </div>
  );
}

export function StatusBadge({ discussion, t }: { discussion: Pick<Discussion, 'status'>; t: Translate }) {
  return (
    <span class="hisho-badge hisho-status-badge" data-status={discussion.status}>
      {t(`discussions.status.${discussion.status}`)}
    </span>
  );
}

function ConsensusMeter({ state, t }: { state: TranscriptState; t: Translate }) {
  const consensus = consensusView(state);
  const percent = Math.round(consensus.progress * 100);
  return (
    <div class="hisho-consensus" data-progress={consensus.progress} data-reached={String(consensus.reached)}>
      <div class="hisho-consensus-head">
        <span class="hisho-field-label">{consensus.reached ? t('note.discussion.consensus.reached') : t('note.discussion.consensus')}</span>
        <span class="hisho-consensus-percent">{percent}%</span>
      </div>
      <progress class="hisho-consensus-bar" max={100} value={percent} aria-label={t('note.discussion.consensus')} />
      {consensus.openPoints.length > 0 && !consensus.reached && (
        <details class="hisho-open-points">
          <summary>
            {t('note.discussion.open-points')} ({consensus.openPoints.length})
          </summary>
          <ul>
            {consensus.openPoints.map((point, i) => (
              <li key={i}>{point}</li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}

interface PartProps {
  discussion: Discussion;
  state: TranscriptState;
  personas: ReadonlyMap<number, PersonaInfo>;
  host: DiscussionHost;
  t: Translate;
}

function Participants({ discussion, state, personas, host, t }: PartProps) {
  return (
    <ul class="hisho-participants" aria-label={t('note.discussion.participants')}>
      {discussion.participants.map((p) => {
        const now = participantState(state, p.id);
        return (
          <li key={p.id} class="hisho-participant" data-participant={p.id} data-role={p.role} data-state={now}>
            <Avatar icon={participantIcon(p, personas)} host={host} />
            <span class="hisho-participant-text">
              <span class="hisho-participant-name">{p.name}</span>
              <span class="hisho-participant-role">
                {t(`note.discussion.role.${p.role}`)}
                {p.persona && ` · ${p.persona.name}`}
                {p.stance && ` · ${p.stance}`}
              </span>
            </span>
            <span class="hisho-participant-state">{t(`discussions.state.${now}`)}</span>
          </li>
        );
      })}
    </ul>
  );
}

/** Messages and what the person did, in the order they happened, then the turn being generated. */
function Transcript({ discussion, state, personas, host, t }: PartProps) {
  const byId = new Map<number, DiscussionParticipant>(discussion.participants.map((p) => [p.id, p]));
  const items = [
    ...state.messages.map((m) => ({ at: Date.parse(m.createdAt), order: 1, node: <MessageItem key={`m${m.id}`} message={m} participant={byId.get(m.participantId)} personas={personas} host={host} t={t} /> })),
    ...state.interruptions.map((i) => ({ at: Date.parse(i.createdAt), order: 0, node: <InterruptionItem key={`i${i.id}`} interruption={i} t={t} /> })),
  ].sort((a, b) => a.at - b.at || a.order - b.order);
  const { turn } = state;
  const empty = items.length === 0 && !turn;
  return (
    <ol class="hisho-transcript" aria-live="polite">
      {items.map((item) => item.node)}
      {turn && <TurnItem turn={turn} participant={byId.get(turn.participantId)} personas={personas} host={host} t={t} />}
      {empty && discussion.status === 'active' && <li class="hisho-transcript-empty">{t('discussions.transcript.empty')}</li>}
    </ol>
  );
}

function SaveNote({ discussion, api, host, describe, t }: { discussion: Discussion; api: () => Promise<DiscussionsApi>; host: DiscussionHost; describe: (e: unknown) => string; t: Translate }) {
  const [saving, setSaving] = useState(false);
  const [result, setResult] = useState<{ saved: string } | { error: string } | null>(null);
  const save = () => {
    setSaving(true);
    setResult(null);
    api()
      .then((client) => client.note(discussion.id, discussion.settings.language))
      .then((note) => host.saveNote(note.fileName, note.markdown))
      .then(
        (path) => setResult({ saved: path }),
        (e: unknown) => setResult({ error: describe(e) }),
      )
      .finally(() => setSaving(false));
  };
  return (
    <div class="hisho-save">
      <button type="button" class="hisho-save-button" disabled={saving} onClick={save}>
        {saving ? t('discussions.saving') : t('discussions.save')}
      </button>
      {result && 'saved' in result && (
        <span class="hisho-save-result" data-path={result.saved}>
          {t('discussions.saved', { path: result.saved })}
        </span>
      )}
      {result && 'error' in result && (
        <span class="hisho-error" role="alert">
          {result.error}
        </span>
      )}
    </div>
  );
}
