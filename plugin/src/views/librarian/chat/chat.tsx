import { useCallback, useEffect, useReducer, useRef, useState } from 'preact/hooks';
import type { ConnectionMonitor } from '../../../connection';
import { isAbort } from '../../../daemon/client';
import { LibrarianApi, type AskBody } from '../../../daemon/librarian-client';
import type { ConversationView } from '../../../daemon/librarian-schemas';
import type { I18n, Translate } from '../../../i18n';
import { useLanguage } from '../../empty-state';
import { daemonClient } from '../daemon';
import { errorSentence } from '../error-text';
import { baseName } from '../../../note-tools/note-name';
import type { NoteHost } from '../host';
import { Answer } from './answer';
import { NEW_CHAT, questionOf, reduceChat, type PendingAnswer } from './chat-state';
import { failureText } from './failure-text';
import { ChatHistory } from './history';

/** A note to ask about, from the "Ask the librarian about this note" command. */
export interface NoteQuestion {
  path: string;
  /** A new number for each request, so asking twice about the same note focuses the composer twice. */
  seq: number;
}

interface ChatProps {
  monitor: ConnectionMonitor;
  i18n: I18n;
  host: NoteHost;
  vault: () => string | undefined;
  about: NoteQuestion | null;
}

/** The Librarian chat: questions answered from the vault as they stream in, with past conversations to reopen. */
export function LibrarianChat({ monitor, i18n, host, vault, about }: ChatProps) {
  const t = useLanguage(i18n);
  const [state, dispatch] = useReducer(reduceChat, NEW_CHAT);
  const [text, setText] = useState('');
  /** The note the questions are about (the daemon reads it first), until the person clears it or starts a new chat. */
  const [notePath, setNotePath] = useState<string | null>(null);
  const [showHistory, setShowHistory] = useState(false);
  const [historyGeneration, setHistoryGeneration] = useState(0);
  const [openError, setOpenError] = useState<unknown>(null);
  const running = useRef<AbortController | null>(null);
  const conversationId = useRef<number | null>(null);
  conversationId.current = state.conversationId;
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const endRef = useRef<HTMLDivElement>(null);

  const api = useCallback(async () => new LibrarianApi(await daemonClient(monitor)), [monitor]);
  const loadHistory = useCallback(async () => (await api()).conversations(), [api]);

  // The pane closing ends the answer being streamed (the daemon keeps it as incomplete).
  useEffect(() => () => running.current?.abort(), []);
  useEffect(() => {
    if (state.unsent !== null) setText(state.unsent);
  }, [state.unsent]);
  useEffect(() => {
    if (!about) return;
    setNotePath(about.path);
    inputRef.current?.focus();
  }, [about]);
  useEffect(() => endRef.current?.scrollIntoView({ block: 'nearest' }), [state.messages.length, state.pending?.text]);

  const ask = async (question: string, allowGeneralKnowledge = false) => {
    if (running.current || question.trim() === '') return;
    const controller = new AbortController();
    running.current = controller;
    dispatch({ type: 'ask', question });
    setOpenError(null);
    const body: AskBody = { question, vault: vault() };
    if (conversationId.current !== null) body.conversationId = conversationId.current;
    if (allowGeneralKnowledge) body.allowGeneralKnowledge = true;
    if (notePath !== null) body.notePath = notePath;
    try {
      await (await api()).ask(body, (event) => dispatch({ type: 'event', event }), controller.signal);
      dispatch({ type: 'ended' });
    } catch (e) {
      dispatch(isAbort(e) ? { type: 'stopped' } : { type: 'failed', error: e });
    } finally {
      running.current = null;
      setHistoryGeneration((g) => g + 1);
    }
  };

  const submit = () => {
    const question = text;
    if (state.pending || question.trim() === '') return;
    setText('');
    void ask(question);
  };

  const open = async (conversation: ConversationView) => {
    if (state.pending) return;
    try {
      const messages = await (await api()).messages(conversation.id);
      dispatch({ type: 'opened', conversationId: conversation.id, messages });
      setOpenError(null);
      setShowHistory(false);
    } catch (e) {
      setOpenError(e);
    }
  };

  const failure = state.failure ? failureText(state.failure, t) : null;
  const empty = state.messages.length === 0 && !state.pending;

  return (
    <div class="hisho-chat" data-state={state.pending ? 'answering' : 'idle'} data-conversation={state.conversationId ?? ''}>
      <div class="hisho-chat-bar">
        <button
          type="button"
          class="hisho-chat-new"
          disabled={!!state.pending || empty}
          onClick={() => {
            dispatch({ type: 'new' });
            setNotePath(null);
          }}
        >
          {t('chat.new')}
        </button>
        <button type="button" class={showHistory ? 'hisho-chat-history-toggle is-active' : 'hisho-chat-history-toggle'} aria-expanded={showHistory} onClick={() => setShowHistory((v) => !v)}>
          {t('chat.history')}
        </button>
      </div>
      {showHistory && (
        <ChatHistory load={loadHistory} generation={historyGeneration} current={state.conversationId} onOpen={(c) => void open(c)} t={t} language={i18n.language} />
      )}
      {openError !== null && <p class="hisho-error">{errorSentence(openError, t)}</p>}

      <div class="hisho-chat-log" aria-live="polite">
        {empty && (
          <div class="hisho-chat-empty">
            <div class="hisho-chat-empty-title">{t('view.librarian.empty.title')}</div>
            <p class="hisho-chat-empty-body">{t('view.librarian.empty.body')}</p>
          </div>
        )}
        {state.messages.map((m, i) =>
          m.role === 'user' ? (
            <div key={m.id} class="hisho-question" data-id={m.id}>
              {m.content}
            </div>
          ) : (
            <Answer
              key={m.id}
              message={m}
              host={host}
              t={t}
              onAskGeneral={state.pending ? null : generalRetry(questionOf(state.messages, i), ask)}
            />
          ),
        )}
        {state.pending && <Pending pending={state.pending} t={t} />}
        {failure && (
          <div class="hisho-chat-failure hisho-error" role="alert">
            {failure.text}{' '}
            {failure.configure && (
              <button type="button" class="hisho-open-settings mod-cta" onClick={() => host.openSettings()}>
                {t('chat.settings')}
              </button>
            )}
          </div>
        )}
        <div ref={endRef} />
      </div>

      <div class="hisho-composer">
        {notePath !== null && (
          <div class="hisho-chat-about" data-path={notePath}>
            {t('chat.about', { title: baseName(notePath) })}
            <button type="button" class="hisho-chat-about-clear clickable-icon" aria-label={t('chat.about.clear')} onClick={() => setNotePath(null)}>
              ×
            </button>
          </div>
        )}
        <textarea
          ref={inputRef}
          class="hisho-composer-input"
          rows={3}
          placeholder={t('chat.placeholder')}
          aria-label={t('chat.placeholder')}
          value={text}
          onInput={(evt) => setText(evt.currentTarget.value)}
          onKeyDown={(evt) => {
            // Enter asks; Shift+Enter is a new line; Enter that confirms a Japanese IME conversion is neither.
            if (evt.key !== 'Enter' || evt.shiftKey || evt.isComposing) return;
            evt.preventDefault();
            submit();
          }}
        />
        {state.pending ? (
          <button type="button" class="hisho-chat-stop mod-warning" onClick={() => running.current?.abort()}>
            {t('chat.stop')}
          </button>
        ) : (
          <button type="button" class="hisho-chat-ask mod-cta" disabled={text.trim() === ''} onClick={submit}>
            {t('chat.ask')}
          </button>
        )}
      </div>
    </div>
  );
}

function generalRetry(question: string | null, ask: (question: string, allowGeneralKnowledge: boolean) => Promise<void>): (() => void) | null {
  return question === null ? null : () => void ask(question, true);
}

/** The answer being written: the question until the daemon has stored it, what was found, the text so far. */
function Pending({ pending, t }: { pending: PendingAnswer; t: Translate }) {
  let status: string | null = null;
  if (pending.passages === null) status = t('chat.searching');
  else if (pending.text === '') status = t('chat.writing', { count: pending.passages.length });
  return (
    <>
      {!pending.stored && <div class="hisho-question is-pending">{pending.question}</div>}
      <div class="hisho-answer is-streaming">
        {status && <p class="hisho-answer-status">{status}</p>}
        {pending.text && <div class="hisho-answer-text">{pending.text}</div>}
      </div>
    </>
  );
}
