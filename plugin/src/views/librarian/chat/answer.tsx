import type { CitationView, LibrarianMessageView } from '../../../daemon/librarian-schemas';
import type { Translate } from '../../../i18n';
import { TextActions } from '../../text-actions';
import type { NoteHost } from '../host';
import { answerParts, STOPPED, uniqueCitations } from './chat-state';

/** The longest passage shown on hover; the whole one is under "Sources". */
const HOVER_CHARS = 400;

interface AnswerProps {
  message: LibrarianMessageView;
  host: NoteHost;
  t: Translate;
  /** Asks the same question again, allowing an answer from general knowledge; null when there is no question to repeat. */
  onAskGeneral: (() => void) | null;
}

function hoverText(citation: CitationView): string | undefined {
  const text = citation.passage?.text;
  if (!text) return undefined;
  return text.length > HOVER_CHARS ? `${text.slice(0, HOVER_CHARS)}…` : text;
}

function CitationLink({ citation, text, host }: { citation: CitationView; text: string; host: NoteHost }) {
  return (
    <a
      class="hisho-citation"
      href="#"
      data-path={citation.path}
      title={hoverText(citation)}
      onClick={(evt) => {
        evt.preventDefault();
        host.openNote(citation.path, host.isMod(evt));
      }}
    >
      {text}
    </a>
  );
}

/** A stored reply of the librarian: its text with clickable citations, the passages they came from, copy and insert. */
export function Answer({ message, host, t, onAskGeneral }: AnswerProps) {
  const sources = uniqueCitations(message.citations);
  const nothingFound = message.mode === 'nothing_found';

  return (
    <div class="hisho-answer" data-id={message.id} data-mode={message.mode ?? ''} data-incomplete={String(message.incomplete)}>
      {message.mode === 'general' && <p class="hisho-answer-note">{t('chat.general')}</p>}
      <div class="hisho-answer-text">
        {answerParts(message.content, message.citations).map((part, i) =>
          part.kind === 'link' ? <CitationLink key={i} citation={part.citation} text={part.text} host={host} /> : part.text,
        )}
      </div>
      {message.incomplete && (
        <p class="hisho-answer-incomplete">{message.reason === STOPPED ? t('chat.stopped') : `${t('chat.cut')} ${message.reason ?? ''}`}</p>
      )}
      {nothingFound && onAskGeneral && (
        <button type="button" class="hisho-ask-general" onClick={onAskGeneral}>
          {t('chat.ask-general')}
        </button>
      )}
      {sources.length > 0 && (
        <details class="hisho-sources">
          <summary>{t('chat.sources', { count: sources.length })}</summary>
          <ul>
            {sources.map((c) => (
              <li key={c.path} class="hisho-source" data-path={c.path}>
                <CitationLink citation={c} text={c.passage?.heading && c.passage.heading !== c.title ? `${c.title} > ${c.passage.heading}` : c.title} host={host} />
                {c.passage && <blockquote class="hisho-source-passage">{c.passage.text}</blockquote>}
              </li>
            ))}
          </ul>
        </details>
      )}
      {!nothingFound && message.content && <TextActions key={message.id} text={message.content} t={t} insert={(text) => host.insertText(text)} cls="hisho-answer-actions" />}
    </div>
  );
}
