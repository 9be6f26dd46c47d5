import { describe, expect, it } from 'vitest';
import type { SearchResult } from '../../shared/contracts/search';
import { en } from '../../shared/i18n/en';
import { format } from '../../shared/i18n';
import { DaemonError, queryString } from '../src/daemon/client';
import type { Translate } from '../src/i18n';
import { isLoopback } from '../src/daemon/loopback';
import { errorSentence } from '../src/views/librarian/error-text';
import { keyIntent, navigate } from '../src/views/librarian/nav';
import { EMPTY_QUERY, folderOf, hasQuery, normalizeTag, queryKey, searchParams, tagRows, type LibrarianQuery } from '../src/views/librarian/query';
import type { Schedule } from '../src/schedule';
import { SearchRunner, type FetchPage, type SearchPage, type SearchState } from '../src/views/librarian/search-runner';
import { snippetParts } from '../src/views/librarian/snippet';

const t: Translate = (key, vars) => format(en[key], vars);

describe('snippetParts', () => {
  it('splits the text into plain and marked runs, keeping every character once', () => {
    const text = '… 会議の議事録を書いた。次の会議は月曜';
    const parts = snippetParts({ text, highlights: [[2, 4], [5, 8], [15, 17]] });
    expect(parts).toEqual([
      { text: '… ', marked: false },
      { text: '会議', marked: true },
      { text: 'の', marked: false },
      { text: '議事録', marked: true },
      { text: 'を書いた。次の', marked: false },
      { text: '会議', marked: true },
      { text: 'は月曜', marked: false },
    ]);
    expect(parts.map((p) => p.text).join('')).toBe(text);
  });

  it('marks the whole text, and nothing when there are no highlights', () => {
    expect(snippetParts({ text: 'plan', highlights: [[0, 4]] })).toEqual([{ text: 'plan', marked: true }]);
    expect(snippetParts({ text: 'plan', highlights: [] })).toEqual([{ text: 'plan', marked: false }]);
    expect(snippetParts({ text: '', highlights: [] })).toEqual([]);
  });

  it('clamps ranges past the end, and skips empty, reversed or overlapping ones', () => {
    const text = 'alpha beta';
    const parts = snippetParts({ text, highlights: [[0, 5], [3, 4], [6, 6], [8, 7], [6, 99]] });
    expect(parts).toEqual([
      { text: 'alpha', marked: true },
      { text: ' ', marked: false },
      { text: 'beta', marked: true },
    ]);
    expect(parts.map((p) => p.text).join('')).toBe(text);
  });

  it('keeps surrogate pairs whole when the daemon marks them (UTF-16 offsets)', () => {
    const text = 'a 😀 b';
    expect(snippetParts({ text, highlights: [[2, 4]] })).toEqual([
      { text: 'a ', marked: false },
      { text: '😀', marked: true },
      { text: ' b', marked: false },
    ]);
  });
});

describe('query building', () => {
  const q = (patch: Partial<LibrarianQuery>): LibrarianQuery => ({ ...EMPTY_QUERY, ...patch });

  it('sends only what is set, trimmed, tags in the daemon’s form', () => {
    expect(searchParams(q({ text: '  会議の議事録 ' }), 0, undefined)).toEqual({ q: '会議の議事録', limit: 20, offset: 0 });
    expect(searchParams(q({ text: 'plan', tag: '#Project/Alpha, #work', folder: '/Meetings/', since: '2024-05-01' }), 40, '3')).toEqual({
      q: 'plan',
      tag: 'project/alpha,work',
      folder: 'Meetings',
      since: '2024-05-01',
      limit: 20,
      offset: 40,
      vault: '3',
    });
  });

  it('encodes the query string (Japanese, spaces, operators)', () => {
    expect(queryString({ q: '"会議 録" -draft tag:a/b', limit: 20, offset: 0, vault: undefined, tag: '  ' })).toBe(
      '?q=%22%E4%BC%9A%E8%AD%B0+%E9%8C%B2%22+-draft+tag%3Aa%2Fb&limit=20&offset=0',
    );
    expect(queryString({})).toBe('');
  });

  it('tells a query from nothing, and equal queries by key', () => {
    expect(hasQuery(EMPTY_QUERY)).toBe(false);
    expect(hasQuery(q({ text: '   ' }))).toBe(false);
    expect(hasQuery(q({ tag: 'work' }))).toBe(true);
    expect(queryKey(q({ text: 'plan ', tag: '#Work' }))).toBe(queryKey(q({ text: 'plan', tag: 'work' })));
    expect(queryKey(q({ text: 'plan' }))).not.toBe(queryKey(q({ text: 'plans' })));
    expect(normalizeTag(' #A , ,#b/C ')).toBe('a,b/c');
  });

  it('finds a note’s folder', () => {
    expect(folderOf('Note.md')).toBe('');
    expect(folderOf('Projects/2024/Plan.md')).toBe('Projects/2024');
  });

  it('lays nested tags out under their parents', () => {
    const rows = tagRows([
      { tag: 'project/beta', total: 1 },
      { tag: 'project', total: 3 },
      { tag: 'meeting', total: 2 },
      { tag: 'project/alpha/x', total: 1 },
      { tag: 'project/alpha', total: 2 },
    ]);
    expect(rows.map((r) => [r.tag, r.label, r.depth, r.total])).toEqual([
      ['meeting', 'meeting', 0, 2],
      ['project', 'project', 0, 3],
      ['project/alpha', 'alpha', 1, 2],
      ['project/alpha/x', 'x', 2, 1],
      ['project/beta', 'beta', 1, 1],
    ]);
  });
});

describe('keyboard navigation', () => {
  it('moves down and up, wrapping at both ends', () => {
    let s = -1;
    s = navigate(s, { type: 'down', count: 3 });
    expect(s).toBe(0);
    s = navigate(s, { type: 'down', count: 3 });
    s = navigate(s, { type: 'down', count: 3 });
    expect(s).toBe(2);
    expect(navigate(s, { type: 'down', count: 3 })).toBe(0);
    expect(navigate(0, { type: 'up', count: 3 })).toBe(2);
    expect(navigate(-1, { type: 'up', count: 3 })).toBe(2);
    expect(navigate(2, { type: 'up', count: 3 })).toBe(1);
  });

  it('selects nothing in an empty list, and recovers when the list shrank', () => {
    expect(navigate(1, { type: 'down', count: 0 })).toBe(-1);
    expect(navigate(1, { type: 'up', count: 0 })).toBe(-1);
    expect(navigate(7, { type: 'down', count: 3 })).toBe(0);
    expect(navigate(7, { type: 'up', count: 3 })).toBe(2);
    expect(navigate(2, { type: 'clear' })).toBe(-1);
    expect(navigate(-1, { type: 'select', index: 4 })).toBe(4);
  });

  it('reads keys, and ignores them while an IME is composing', () => {
    expect(keyIntent('ArrowDown', false, false)).toBe('down');
    expect(keyIntent('ArrowUp', false, false)).toBe('up');
    expect(keyIntent('Enter', false, false)).toBe('open');
    expect(keyIntent('Enter', true, false)).toBe('open-new-pane');
    expect(keyIntent('Escape', false, false)).toBe('clear');
    expect(keyIntent('a', false, false)).toBeNull();
    expect(keyIntent('Enter', false, true)).toBeNull();
  });
});

describe('SearchRunner', () => {
  const result = (path: string): SearchResult => ({ path, title: path, score: 1, snippet: { text: path, highlights: [] }, tags: [], mtime: '2024-01-01T00:00:00Z' });
  const q = (text: string): LibrarianQuery => ({ ...EMPTY_QUERY, text });
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const timers: Schedule = (fn, ms) => {
    const id = setTimeout(fn, ms);
    return () => clearTimeout(id);
  };

  /** A daemon stand-in answering after `delay(query)` ms, honouring aborts like fetch does. */
  function daemon(delay: (text: string) => number) {
    const calls: { text: string; offset: number; aborted: () => boolean }[] = [];
    const fetchPage: FetchPage = (query, offset, signal) => {
      calls.push({ text: query.text, offset, aborted: () => signal.aborted });
      return new Promise<SearchPage>((resolve, reject) => {
        const timer = setTimeout(() => {
          const all = [1, 2, 3, 4, 5].map((i) => result(`${query.text}-${i}.md`));
          resolve({ results: all.slice(offset, offset + 2), total: all.length, totalExact: true });
        }, delay(query.text));
        signal.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(new DOMException('aborted', 'AbortError'));
        });
      });
    };
    return { calls, fetchPage };
  }

  it('debounces typing into one request for the last text', async () => {
    const { calls, fetchPage } = daemon(() => 1);
    const states: SearchState[] = [];
    const runner = new SearchRunner(fetchPage, (s) => states.push(s), timers, 30);
    for (const text of ['p', 'pl', 'pla', 'plan']) {
      runner.update(q(text));
      await sleep(5);
    }
    await sleep(80);
    expect(calls.map((c) => c.text)).toEqual(['plan']);
    expect(runner.current.results.map((r) => r.path)).toEqual(['plan-1.md', 'plan-2.md']);
    expect(runner.current.loading).toBe(false);
    expect(states[0]?.loading).toBe(true);
  });

  it('aborts the request a newer query replaces and never shows the older answer', async () => {
    // The first query answers slowly, the second fast: the slow answer must not win.
    const { calls, fetchPage } = daemon((text) => (text === 'slow' ? 60 : 5));
    const shown: string[][] = [];
    const runner = new SearchRunner(fetchPage, (s) => shown.push(s.results.map((r) => r.path)), timers, 1);
    runner.update(q('slow'));
    await sleep(15);
    runner.update(q('fast'));
    await sleep(100);
    expect(calls.map((c) => c.text)).toEqual(['slow', 'fast']);
    expect(calls[0]?.aborted()).toBe(true);
    expect(shown.flat().some((p) => p.startsWith('slow'))).toBe(false);
    expect(runner.current.results[0]?.path).toBe('fast-1.md');
  });

  it('drops a late answer even when the fetch ignores the abort', async () => {
    const late: FetchPage = (query) => new Promise((r) => setTimeout(() => r({ results: [result(`${query.text}.md`)], total: 1, totalExact: true }), query.text === 'old' ? 50 : 1));
    const runner = new SearchRunner(late, () => {}, timers, 1);
    runner.update(q('old'));
    await sleep(10);
    runner.update(q('new'));
    await sleep(80);
    expect(runner.current.results.map((r) => r.path)).toEqual(['new.md']);
  });

  it('pages with loadMore until every match is shown, and clears for an empty query', async () => {
    const { calls, fetchPage } = daemon(() => 1);
    const runner = new SearchRunner(fetchPage, () => {}, timers, 1);
    runner.update(q('x'));
    await sleep(20);
    runner.loadMore();
    await sleep(20);
    runner.loadMore();
    await sleep(20);
    runner.loadMore(); // all 5 shown: nothing more to ask
    await sleep(20);
    expect(calls.map((c) => c.offset)).toEqual([0, 2, 4]);
    expect(runner.current.results).toHaveLength(5);
    runner.update(q(''));
    expect(runner.current.query).toBeNull();
    expect(runner.current.results).toEqual([]);
  });

  it('keeps the error of a failed search, and retries', async () => {
    let fail = true;
    const fetchPage: FetchPage = async (query) => {
      if (fail) throw new DaemonError({ code: 'http-error', url: 'http://127.0.0.1:1', status: 400, message: 'q is too long: at most 1000 characters' });
      return { results: [result(`${query.text}.md`)], total: 1, totalExact: true };
    };
    const runner = new SearchRunner(fetchPage, () => {}, timers, 1);
    runner.update(q('x'));
    await sleep(20);
    expect(errorSentence(runner.current.error, t)).toBe('q is too long: at most 1000 characters');
    fail = false;
    runner.retry();
    await sleep(20);
    expect(runner.current.error).toBeNull();
    expect(runner.current.results).toHaveLength(1);
  });
});

describe('errorSentence', () => {
  it('uses the connection message when the daemon cannot be reached', () => {
    const sentence = errorSentence(new DaemonError({ code: 'refused', url: 'http://127.0.0.1:48765' }), t);
    expect(sentence).toBe(format(en['connection.unreachable'], { reason: format(en['reason.refused'], { url: 'http://127.0.0.1:48765' }) }));
    expect(errorSentence(new DaemonError({ code: 'unauthorized', url: 'x' }), t)).toBe(en['connection.unauthorized']);
    expect(errorSentence(new Error('boom'), t)).toBe(en['notice.error.unknown']);
  });
});

describe('isLoopback', () => {
  it('registers the vault only with a daemon on this computer', () => {
    expect(isLoopback('http://127.0.0.1:48765')).toBe(true);
    expect(isLoopback('http://localhost:1/daemon')).toBe(true);
    expect(isLoopback('http://[::1]:48765')).toBe(true);
    expect(isLoopback('https://hisho.example.com')).toBe(false);
    expect(isLoopback('not a url')).toBe(false);
  });
});
