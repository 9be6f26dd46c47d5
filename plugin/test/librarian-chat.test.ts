/**
 * The Librarian chat's pure parts: the ask stream's text split into events, each event checked
 * against the contract, the events reduced into the chat, and the answer's links resolved.
 */
import { describe, expect, it } from 'vitest';
import { askEventSchemas, type Citation, type LibrarianMessage, type Passage } from '../../shared/contracts/librarian';
import { DaemonError } from '../src/daemon/client';
import { isNotConfigured, parseAskEvent } from '../src/daemon/librarian-client';
import type { AskEvent } from '../src/daemon/librarian-schemas';
import { EventStreamParser } from '../src/daemon/event-stream';
import { answerParts, NEW_CHAT, questionOf, reduceChat, STOPPED, uniqueCitations, type ChatAction, type ChatState } from '../src/views/librarian/chat/chat-state';

const passage: Passage = {
  noteId: 3,
  path: 'Meetings/会議の議事録.md',
  title: '会議の議事録',
  heading: '会議の議事録',
  text: '本日の会議では来期の予算について議論した。',
  score: 2.5,
  source: 'search',
};
const citation: Citation = { target: '会議の議事録', path: passage.path, title: passage.title, passage };

/** A message exactly as the daemon sends it (the contract's type, checked by the contract's schema). */
function message(over: Partial<LibrarianMessage>): LibrarianMessage {
  const m: LibrarianMessage = {
    id: 1,
    conversationId: 7,
    role: 'user',
    senderId: 1,
    content: '来期の予算は？',
    incomplete: false,
    reason: null,
    usage: null,
    createdAt: '2025-01-01T00:00:00.000Z',
    citations: [],
    removedLinks: [],
    mode: null,
    ...over,
  };
  return m;
}

/** The SSE text of one event as the daemon writes it (hono's writeSSE: event, data, id lines). */
function wire(name: keyof typeof askEventSchemas, data: unknown, id: number): string {
  // The contract's schema first: the test never feeds the plugin something the daemon could not send.
  askEventSchemas[name].parse(data);
  return `event: ${name}\ndata: ${JSON.stringify(data)}\nid: ${id}\n\n`;
}

function events(text: string, chunkSize: number): AskEvent[] {
  const parser = new EventStreamParser();
  const out: AskEvent[] = [];
  for (let i = 0; i < text.length; i += chunkSize) {
    for (const e of parser.push(text.slice(i, i + chunkSize))) {
      const parsed = parseAskEvent(e, 'http://127.0.0.1:1');
      if (parsed) out.push(parsed);
    }
  }
  return out;
}

const answer = message({
  id: 2,
  role: 'assistant',
  senderId: 4,
  content: '予算は[[会議の議事録]]で議論されました。会議は[[会議の議事録#会議の議事録|月曜]]です。',
  citations: [citation],
  removedLinks: ['存在しないノート'],
  mode: 'vault',
  usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15 },
});

const STREAM =
  wire('user', { message: message({}) }, 1) +
  ': heartbeat\n\n' +
  wire('passages', { vault: 1, passages: [passage], relevant: true, semantic: { status: 'off', message: null } }, 2) +
  wire('delta', { text: '予算は[[会議の' }, 3) +
  wire('delta', { text: '議事録]]で議論\nされました。' }, 4) +
  wire('done', { message: answer, usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15 } }, 5);

describe('the ask stream', () => {
  it('splits into the same events however the text is cut into chunks', () => {
    const whole = events(STREAM, STREAM.length);
    expect(whole.map((e) => e.type)).toEqual(['user', 'passages', 'delta', 'delta', 'done']);
    for (const size of [1, 2, 3, 7, 64]) expect(events(STREAM, size)).toEqual(whole);
    expect(whole[3]).toEqual({ type: 'delta', text: '議事録]]で議論\nされました。' });
  });

  it('reads CRLF lines, data split over several lines, and ignores comments, ids and unnamed events', () => {
    const parser = new EventStreamParser();
    const text = ': hello\r\nevent: delta\r\ndata: {"text":\r\ndata: "a"}\r\nid: 9\r\nretry: 10\r\n\r\ndata: plain\n\n';
    expect(parser.push(text)).toEqual([
      { event: 'delta', data: '{"text":\n"a"}' },
      { event: 'message', data: 'plain' },
    ]);
    expect(parseAskEvent({ event: 'message', data: 'plain' }, 'x')).toBeNull();
    // An event without data is no event; the name does not leak into the next one.
    expect(parser.push('event: done\n\ndata: {}\n\n')).toEqual([{ event: 'message', data: '{}' }]);
  });

  it('refuses an event that does not match the contract, as a bad response', () => {
    const bad = (data: string) => {
      try {
        parseAskEvent({ event: 'delta', data }, 'http://127.0.0.1:1');
      } catch (e) {
        return e instanceof DaemonError ? e.reason.code : 'other';
      }
      return 'accepted';
    };
    expect(bad('{"text":1}')).toBe('bad-response');
    expect(bad('not json')).toBe('bad-response');
    expect(bad('{"text":"ok"}')).toBe('accepted');
  });
});

/** Replays actions from an empty chat. */
const replay = (actions: ChatAction[], from: ChatState = NEW_CHAT) => actions.reduce(reduceChat, from);
const asEvents = (list: AskEvent[]): ChatAction[] => list.map((event) => ({ type: 'event', event }));

describe('the chat, as the events of an answer arrive', () => {
  it('shows the question, the passages, the text as it streams, then the stored answer', () => {
    const stream = events(STREAM, STREAM.length);
    let state = reduceChat(NEW_CHAT, { type: 'ask', question: '来期の予算は？' });
    expect(state.pending).toEqual({ question: '来期の予算は？', stored: false, passages: null, text: '' });
    state = replay(asEvents(stream.slice(0, 1)), state);
    expect(state.conversationId).toBe(7);
    expect(state.messages.map((m) => m.role)).toEqual(['user']);
    expect(state.pending?.stored).toBe(true);
    state = replay(asEvents(stream.slice(1, 4)), state);
    expect(state.pending?.passages?.map((p) => p.path)).toEqual([passage.path]);
    expect(state.pending?.text).toBe('予算は[[会議の議事録]]で議論\nされました。');
    state = replay(asEvents(stream.slice(4)), state);
    expect(state.pending).toBeNull();
    expect(state.failure).toBeNull();
    // The stored answer replaces the streamed text (links to missing notes already made plain).
    expect(state.messages[1]).toMatchObject({ id: 2, content: answer.content, mode: 'vault', incomplete: false });
  });

  it('asks nothing new while an answer is streaming', () => {
    const asking = reduceChat(NEW_CHAT, { type: 'ask', question: 'one' });
    expect(reduceChat(asking, { type: 'ask', question: 'two' })).toBe(asking);
  });

  it('keeps what arrived as incomplete when the person stops the answer', () => {
    const state = replay([{ type: 'ask', question: 'q' }, ...asEvents([{ type: 'user', message: message({ content: 'q' }) }, { type: 'delta', text: 'Half an ans' }]), { type: 'stopped' }]);
    expect(state.pending).toBeNull();
    expect(state.failure).toBeNull();
    expect(state.messages[1]).toMatchObject({ role: 'assistant', content: 'Half an ans', incomplete: true, reason: STOPPED });
    expect(state.messages[1]?.id).toBeLessThan(0);
    // The conversation goes on from there.
    expect(reduceChat(state, { type: 'ask', question: 'next' }).conversationId).toBe(7);
  });

  it('gives the question back when the daemon never stored it (stopped or failed before)', () => {
    const stopped = replay([{ type: 'ask', question: 'lost?' }, { type: 'stopped' }]);
    expect(stopped).toMatchObject({ messages: [], pending: null, unsent: 'lost?', failure: null });
    const error = new DaemonError({ code: 'http-error', url: 'u', status: 409, message: 'Choose an assistant.' });
    const refused = replay([{ type: 'ask', question: 'lost?' }, { type: 'failed', error }]);
    expect(refused).toMatchObject({ messages: [], unsent: 'lost?', failure: { kind: 'request', error } });
    // The next question clears both.
    expect(reduceChat(refused, { type: 'ask', question: 'again' })).toMatchObject({ unsent: null, failure: null });
  });

  it('shows the daemon’s sentence on an error event, with the partial answer it stored as incomplete', () => {
    const base: ChatAction[] = [{ type: 'ask', question: 'q' }, ...asEvents([{ type: 'user', message: message({ content: 'q' }) }, { type: 'delta', text: 'Part' }])];
    // Stored as incomplete: shown with its reason, as the daemon will give it back.
    const stored = replay([...base, ...asEvents([{ type: 'error', code: 'timeout', message: 'The model did not answer in time.', messageId: 12 }])]);
    expect(stored.failure).toBeNull();
    expect(stored.messages[1]).toMatchObject({ id: 12, content: 'Part', incomplete: true, reason: 'The model did not answer in time.' });
    // Nothing stored: the sentence is the failure.
    const nothing = replay([...base, ...asEvents([{ type: 'error', code: 'unauthorized', message: 'Key refused.', messageId: null }])]);
    expect(nothing.messages).toHaveLength(1);
    expect(nothing.failure).toEqual({ kind: 'answer', code: 'unauthorized', message: 'Key refused.' });
    expect(nothing.unsent).toBeNull();
  });

  it('marks an answer cut off when the stream ends early or the connection drops', () => {
    const base: ChatAction[] = [{ type: 'ask', question: 'q' }, ...asEvents([{ type: 'user', message: message({ content: 'q' }) }, { type: 'delta', text: 'Par' }])];
    const ended = replay([...base, { type: 'ended' }]);
    expect(ended.failure).toEqual({ kind: 'ended' });
    expect(ended.messages[1]).toMatchObject({ content: 'Par', incomplete: true, reason: null });
    const error = new DaemonError({ code: 'refused', url: 'u' });
    expect(replay([...base, { type: 'failed', error }]).failure).toEqual({ kind: 'request', error });
    // After a complete answer, the end of the stream changes nothing.
    const done = replay([...base, ...asEvents([{ type: 'done', message: answer }])]);
    expect(reduceChat(done, { type: 'ended' })).toBe(done);
  });

  it('ignores events that arrive after the answer ended', () => {
    const stopped = replay([{ type: 'ask', question: 'q' }, { type: 'stopped' }]);
    expect(reduceChat(stopped, { type: 'event', event: { type: 'delta', text: 'late' } })).toBe(stopped);
  });

  it('opens a past conversation to continue it, and starts a new one', () => {
    const opened = reduceChat(replay([{ type: 'ask', question: 'q' }]), { type: 'opened', conversationId: 3, messages: [message({ conversationId: 3 })] });
    expect(opened).toMatchObject({ conversationId: 3, pending: null, failure: null });
    expect(opened.messages).toHaveLength(1);
    expect(reduceChat(opened, { type: 'new' })).toEqual(NEW_CHAT);
  });

  it('finds the question an answer replied to', () => {
    const list = [message({ content: 'q1' }), answer, message({ content: 'q2' })];
    expect(questionOf(list, 1)).toBe('q1');
    expect(questionOf(list, 0)).toBeNull();
  });
});

describe('the answer’s links', () => {
  it('links what the daemon resolved, shown as Obsidian shows it, and keeps every other word', () => {
    const other: Citation = { target: 'Roadmap', path: 'Projects/Roadmap.md', title: 'Roadmap', passage: null };
    const parts = answerParts('See [[Roadmap#Beta|the beta]], [[会議の議事録]] and [[Roadmap#Beta]]; not [[Gone]].', [citation, other]);
    expect(parts).toEqual([
      { kind: 'text', text: 'See ' },
      { kind: 'link', text: 'the beta', citation: other },
      { kind: 'text', text: ', ' },
      { kind: 'link', text: '会議の議事録', citation },
      { kind: 'text', text: ' and ' },
      { kind: 'link', text: 'Roadmap > Beta', citation: other },
      { kind: 'text', text: '; not Gone.' },
    ]);
    expect(answerParts('No links.', [citation])).toEqual([{ kind: 'text', text: 'No links.' }]);
    expect(answerParts('', [])).toEqual([]);
    expect(answerParts('[[会議の議事録]]', [citation])).toEqual([{ kind: 'link', text: '会議の議事録', citation }]);
  });

  it('lists each cited note once, in order of first citation', () => {
    const again: Citation = { ...citation, target: '会議の議事録#x' };
    const other: Citation = { target: 'B', path: 'B.md', title: 'B', passage: null };
    expect(uniqueCitations([citation, other, again]).map((c) => c.path)).toEqual([citation.path, 'B.md']);
  });
});

describe('not configured', () => {
  it('is the daemon’s 409 librarian_not_configured, nothing else', () => {
    const body = (code: string) => ({ error: { code, message: 'Choose an assistant for the librarian.', requestId: 'r' } });
    const reason = { code: 'http-error' as const, url: 'u', status: 409, message: 'm' };
    expect(isNotConfigured(new DaemonError(reason, body('librarian_not_configured')))).toBe(true);
    expect(isNotConfigured(new DaemonError(reason, body('conflict')))).toBe(false);
    expect(isNotConfigured(new Error('librarian_not_configured'))).toBe(false);
  });
});
