import type { AskEvent, CitationView, LibrarianMessageView, PassageView } from '../../../daemon/librarian-schemas';

/** The answer being streamed. */
export interface PendingAnswer {
  question: string;
  /** False until the daemon has stored the question (its `user` event). */
  stored: boolean;
  /** null until the daemon says what it found. */
  passages: PassageView[] | null;
  /** The model's text so far. */
  text: string;
}

/** Why the last question got no complete answer. */
export type ChatFailure =
  /** The daemon's `error` event: one sentence for the person. */
  | { kind: 'answer'; code: string; message: string }
  /** The request itself failed (refused, not configured, connection lost). */
  | { kind: 'request'; error: unknown }
  /** The stream ended without `done` or `error`. */
  | { kind: 'ended' };

export interface ChatState {
  /** The conversation the next question continues; null for a new one. */
  conversationId: number | null;
  messages: LibrarianMessageView[];
  pending: PendingAnswer | null;
  failure: ChatFailure | null;
  /** A question the daemon never stored (the request failed first), handed back to the composer. */
  unsent: string | null;
}

export type ChatAction =
  | { type: 'ask'; question: string }
  | { type: 'event'; event: AskEvent }
  /** The person pressed stop (the request was aborted). */
  | { type: 'stopped' }
  | { type: 'failed'; error: unknown }
  /** The stream ended; anything still pending was cut off. */
  | { type: 'ended' }
  | { type: 'opened'; conversationId: number; messages: LibrarianMessageView[] }
  | { type: 'new' };

export const NEW_CHAT: ChatState = Object.freeze({ conversationId: null, messages: [], pending: null, failure: null, unsent: null });

/** The reason of a reply the person stopped, until it is read back from the daemon (which stores its own sentence). */
export const STOPPED = 'stopped';

/**
 * The chat as the events of an answer arrive (pure, so every path is tested without a daemon).
 * An answer cut off (stopped, failed, ended early) stays in the chat as incomplete, as the daemon
 * stores it; a question the daemon never received goes back to the composer.
 */
export function reduceChat(state: ChatState, action: ChatAction): ChatState {
  const { pending } = state;
  switch (action.type) {
    case 'ask':
      if (pending) return state;
      return { ...state, pending: { question: action.question, stored: false, passages: null, text: '' }, failure: null, unsent: null };
    case 'event':
      return pending ? reduceEvent(state, pending, action.event) : state;
    case 'stopped':
      return pending ? cut(state, pending, STOPPED, null) : state;
    case 'failed':
      return pending ? cut(state, pending, null, { kind: 'request', error: action.error }) : { ...state, failure: { kind: 'request', error: action.error } };
    case 'ended':
      return pending ? cut(state, pending, null, { kind: 'ended' }) : state;
    case 'opened':
      return { ...NEW_CHAT, conversationId: action.conversationId, messages: action.messages };
    case 'new':
      return NEW_CHAT;
  }
}

function reduceEvent(state: ChatState, pending: PendingAnswer, event: AskEvent): ChatState {
  switch (event.type) {
    case 'user':
      return { ...state, conversationId: event.message.conversationId, messages: [...state.messages, event.message], pending: { ...pending, stored: true } };
    case 'passages':
      return { ...state, pending: { ...pending, passages: event.passages } };
    case 'delta':
      return { ...state, pending: { ...pending, text: pending.text + event.text } };
    case 'done':
      return { ...state, conversationId: event.message.conversationId, messages: [...state.messages, event.message], pending: null };
    case 'error': {
      // messageId: the daemon stored the partial answer as incomplete, with the sentence as its reason
      // (shown with it, as when the conversation is opened again); without one it stored nothing.
      if (event.messageId !== null) {
        const partial = incompleteReply(state, pending.text, event.message, event.messageId);
        return { ...state, messages: [...state.messages, partial], pending: null };
      }
      const failure: ChatFailure = { kind: 'answer', code: event.code, message: event.message };
      return { ...state, pending: null, failure, unsent: pending.stored ? null : pending.question };
    }
  }
}

/** The answer ends here: what arrived is kept as incomplete once the question was stored. */
function cut(state: ChatState, pending: PendingAnswer, reason: string | null, failure: ChatFailure | null): ChatState {
  if (!pending.stored) return { ...state, pending: null, failure, unsent: pending.question };
  // A local id (negative, never the daemon's) until the conversation is opened again from the daemon.
  const partial = incompleteReply(state, pending.text, reason, -(state.messages.length + 1));
  return { ...state, messages: [...state.messages, partial], pending: null, failure };
}

function incompleteReply(state: ChatState, text: string, reason: string | null, id: number): LibrarianMessageView {
  return { id, conversationId: state.conversationId ?? 0, role: 'assistant', content: text, incomplete: true, reason, mode: null, citations: [] };
}

/** The question a reply answers: the person's message just before it. */
export function questionOf(messages: readonly LibrarianMessageView[], index: number): string | null {
  const previous = messages[index - 1];
  return previous?.role === 'user' ? previous.content : null;
}

export type AnswerPart = { kind: 'text'; text: string } | { kind: 'link'; text: string; citation: CitationView };

const WIKILINK = /\[\[([^\]\n]+?)\]\]/g;

/**
 * The answer's text with each `[[note]]`, `[[note#heading]]` or `[[note|alias]]` that the daemon
 * resolved (its citations) as a link, shown as Obsidian shows it: the alias, else "note > heading".
 * The daemon has already turned links to missing notes into plain text; any other link left in
 * the text is shown as its words, never as a link.
 */
export function answerParts(content: string, citations: readonly CitationView[]): AnswerPart[] {
  const parts: AnswerPart[] = [];
  let at = 0;
  const push = (text: string) => {
    const last = parts[parts.length - 1];
    if (last?.kind === 'text') last.text += text;
    else if (text) parts.push({ kind: 'text', text });
  };
  for (const match of content.matchAll(WIKILINK)) {
    const inner = match[1] ?? '';
    const bar = inner.indexOf('|');
    const link = bar < 0 ? inner : inner.slice(0, bar);
    const hash = link.indexOf('#');
    const target = (hash < 0 ? link : link.slice(0, hash)).trim();
    const heading = hash < 0 ? '' : link.slice(hash + 1).trim();
    const shown = bar >= 0 ? inner.slice(bar + 1).trim() : heading ? `${target} > ${heading}` : target;
    push(content.slice(at, match.index));
    const citation = citations.find((c) => c.target === target);
    if (citation) parts.push({ kind: 'link', text: shown, citation });
    else push(shown);
    at = match.index + match[0].length;
  }
  push(content.slice(at));
  return parts;
}

/** Each cited note once, in the order the answer first cites it. */
export function uniqueCitations(citations: readonly CitationView[]): CitationView[] {
  const seen = new Set<string>();
  return citations.filter((c) => !seen.has(c.path) && seen.add(c.path));
}
