import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { CurrentTurn, DiscussionMessage, DiscussionParticipant, Interruption } from '../../../../shared/contracts/discussions';
import type { PersonaInfo } from '../../daemon/discussion-schemas';
import type { Translate } from '../../i18n';
import type { DiscussionHost } from './host';
import { personaIcon, type PersonaIcon } from './persona-icon';
import { textParts } from './text-links';

/** The round picture of a participant (or of the person, for their own messages). */
export function Avatar({ icon, host }: { icon: PersonaIcon; host: DiscussionHost }) {
  const ref = useRef<HTMLSpanElement>(null);
  const [broken, setBroken] = useState(false);
  const iconName = icon.kind === 'icon' && !broken ? icon.name : null;
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el || !iconName) return;
    host.setIcon(el, iconName);
    // An icon name Obsidian does not know draws nothing: show the initial instead.
    if (!el.firstChild) setBroken(true);
  }, [host, iconName]);
  if (broken || icon.kind === 'initial') {
    return <span class="hisho-avatar is-initial">{icon.kind === 'initial' ? icon.text : '?'}</span>;
  }
  if (icon.kind === 'image') {
    return (
      <span class="hisho-avatar is-image">
        <img src={icon.src} alt="" onError={() => setBroken(true)} />
      </span>
    );
  }
  if (icon.kind === 'emoji') return <span class="hisho-avatar is-emoji">{icon.text}</span>;
  return <span class="hisho-avatar is-icon" ref={ref} />;
}

export function participantIcon(participant: DiscussionParticipant | undefined, personas: ReadonlyMap<number, PersonaInfo>): PersonaIcon {
  const persona = participant?.persona ?? null;
  return personaIcon(persona, participant?.name ?? '?', persona ? personas.get(persona.id) : undefined);
}

/** Text with its [[links]] as links that open the note. */
export function LinkedText({ text, host }: { text: string; host: DiscussionHost }) {
  return (
    <>
      {textParts(text).map((part, i) =>
        'link' in part ? (
          <a
            key={i}
            class="internal-link hisho-link"
            href={part.link}
            data-href={part.link}
            onClick={(evt) => {
              evt.preventDefault();
              host.openNote(part.link);
            }}
          >
            {part.text}
          </a>
        ) : (
          part.text
        ),
      )}
    </>
  );
}

interface MessageProps {
  message: DiscussionMessage;
  participant: DiscussionParticipant | undefined;
  personas: ReadonlyMap<number, PersonaInfo>;
  host: DiscussionHost;
  t: Translate;
}

/** One stored message: who, its type and confidence, the text with links, the cited notes, the reasoning on demand. */
export function MessageItem({ message, participant, personas, host, t }: MessageProps) {
  const { failure } = message;
  return (
    <li class={failure ? 'hisho-msg is-failed' : 'hisho-msg'} data-id={message.id} data-kind={message.kind} data-type={failure ? undefined : message.messageType}>
      <div class="hisho-msg-head">
        <Avatar icon={participantIcon(participant, personas)} host={host} />
        <span class="hisho-msg-name">{participant?.name ?? '?'}</span>
        {message.kind !== 'turn' && <span class="hisho-badge hisho-kind">{t(`note.discussion.kind.${message.kind}`)}</span>}
        {!failure && message.kind !== 'judgement' && (
          <span class={`hisho-badge hisho-type hisho-type-${message.messageType}`}>{t(`note.discussion.message-type.${message.messageType}`)}</span>
        )}
        {message.confidence !== null && <span class="hisho-confidence">{t('note.discussion.confidence', { value: message.confidence })}</span>}
      </div>
      {failure ? (
        <div class="hisho-msg-failure">{t(failure.kind === 'schema' ? 'discussions.failed.schema' : 'discussions.failed.provider', { reason: failure.reason })}</div>
      ) : (
        <div class="hisho-msg-content">
          <LinkedText text={message.content} host={host} />
        </div>
      )}
      {message.references.length > 0 && (
        <div class="hisho-msg-refs">
          <span class="hisho-msg-refs-label">{t('note.discussion.references')}</span>
          {message.references.map((ref) => (
            <a
              key={ref.path}
              class="internal-link hisho-ref"
              href={ref.path}
              data-path={ref.path}
              onClick={(evt) => {
                evt.preventDefault();
                host.openNote(ref.path);
              }}
            >
              {ref.title}
            </a>
          ))}
        </div>
      )}
      {message.reasoning && (
        <details class="hisho-msg-reasoning">
          <summary>{t('note.discussion.reasoning')}</summary>
          <p>{message.reasoning}</p>
        </details>
      )}
    </li>
  );
}

/** The turn being generated, growing as its tokens arrive. */
export function TurnItem({ turn, participant, personas, host, t }: { turn: CurrentTurn } & Omit<MessageProps, 'message'>) {
  return (
    <li class="hisho-msg is-streaming" data-turn={turn.turnId} data-kind={turn.kind}>
      <div class="hisho-msg-head">
        <Avatar icon={participantIcon(participant, personas)} host={host} />
        <span class="hisho-msg-name">{participant?.name ?? '?'}</span>
        {turn.kind !== 'turn' && <span class="hisho-badge hisho-kind">{t(`note.discussion.kind.${turn.kind}`)}</span>}
        <span class="hisho-badge hisho-speaking">{t('discussions.state.speaking')}</span>
        {turn.attempt > 1 && <span class="hisho-confidence">{t('discussions.turn.attempt', { attempt: turn.attempt })}</span>}
      </div>
      <div class="hisho-msg-content">{turn.text}</div>
    </li>
  );
}

/** What the person did, in the transcript where it happened. */
export function InterruptionItem({ interruption, t }: { interruption: Interruption; t: Translate }) {
  const label =
    interruption.type === 'redirect'
      ? t('discussions.interruption.redirect', { topic: interruption.redirectTopic ?? '' })
      : t(`discussions.interruption.${interruption.type}`);
  return (
    <li class="hisho-msg is-user" data-interruption={interruption.id} data-type={interruption.type}>
      <div class="hisho-msg-head">
        <span class="hisho-msg-name">{interruption.initiatedBy === 'user' ? t('discussions.you') : label}</span>
        {interruption.initiatedBy === 'user' && <span class="hisho-badge hisho-kind">{label}</span>}
      </div>
      {interruption.message && <div class="hisho-msg-content">{interruption.message}</div>}
    </li>
  );
}
