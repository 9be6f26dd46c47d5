/**
 * Following the vault's index (the status bar and the Librarian pane): the SSE parser, the client's
 * streams against a real HTTP server that writes like the daemon does, IndexWatch (check, follow,
 * refresh once at the end, shared by several listeners) with a scripted source, and the status
 * bar's words for a run.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IndexProgress } from '../../shared/contracts/vaults';
import type { DisplayStatus } from '../src/connection';
import { DaemonClient, DaemonError } from '../src/daemon/client';
import { EventStreamParser } from '../src/daemon/event-stream';
import { I18n } from '../src/i18n';
import type { Schedule } from '../src/schedule';
import { indexStatusText } from '../src/status-text';
import { IndexWatch, watchWhileConnected, type IndexSource } from '../src/views/librarian/index-watch';

const progress = (patch: Partial<IndexProgress> = {}): IndexProgress => ({
  vaultId: 7,
  status: 'indexing',
  phase: 'indexing',
  seen: 100,
  indexed: 0,
  unchanged: 0,
  removed: 0,
  failed: 0,
  queued: 0,
  perSecond: 0,
  generation: 1,
  error: null,
  startedAt: '2026-01-01T00:00:00.000Z',
  lastSyncAt: null,
  ...patch,
});

describe('EventStreamParser', () => {
  it('gives each complete message once, however the text is cut', () => {
    const text = ': heartbeat\n\nevent: progress\ndata: {"a":1}\nid: 1\n\ndata: line one\ndata:line two\r\n\r\nevent: file-error\ndata: x\n\n';
    const expected = [
      { event: 'progress', data: '{"a":1}' },
      { event: 'message', data: 'line one\nline two' },
      { event: 'file-error', data: 'x' },
    ];
    for (let size = 1; size <= text.length; size++) {
      const parser = new EventStreamParser();
      const out = [];
      for (let i = 0; i < text.length; i += size) out.push(...parser.push(text.slice(i, i + size)));
      expect(out, `chunks of ${size}`).toEqual(expected);
    }
  });

  it('keeps an unfinished message until its blank line, and ignores events without data', () => {
    const parser = new EventStreamParser();
    expect(parser.push('event: progress\ndata: {}')).toEqual([]);
    expect(parser.push('\n')).toEqual([]);
    expect(parser.push('\n')).toEqual([{ event: 'progress', data: '{}' }]);
    expect(parser.push('event: nothing\n\n')).toEqual([]);
  });
});

describe('the client’s streams against a real HTTP server', () => {
  const TOKEN = 'stream-token';
  let server: Server;
  let baseUrl: string;
  let handler: (url: string, res: ServerResponse, auth: string | undefined) => void;
  const open = new Set<ServerResponse>();

  beforeAll(async () => {
    server = createServer((req, res) => {
      open.add(res);
      res.on('close', () => open.delete(res));
      handler(req.url ?? '', res, req.headers.authorization);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const client = (timeoutMs = 2_000) => new DaemonClient({ baseUrl, token: TOKEN, fetch, timeoutMs });
  const sse = (res: ServerResponse, event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\nid: 1\n\n`);

  it('vaultProgress: the progress events of the vault, parsed; other events and bad data skipped; ends with the stream', async () => {
    handler = (url, res, auth) => {
      if (auth !== `Bearer ${TOKEN}` || url !== '/api/v1/vaults/7/events') return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(': heartbeat\n\n');
      sse(res, 'progress', { type: 'progress', progress: progress({ indexed: 10 }) });
      sse(res, 'file-error', { type: 'file-error', vaultId: 7, path: 'a.md', severity: 'error', message: 'binary' });
      res.write('event: progress\ndata: {not json\n\n');
      sse(res, 'progress', { type: 'progress', progress: { vaultId: 7 } });
      // The last event cut in two writes.
      const last = `event: progress\ndata: ${JSON.stringify({ type: 'progress', progress: progress({ status: 'idle', phase: 'watching', indexed: 100 }) })}\n\n`;
      res.write(last.slice(0, 20));
      setTimeout(() => res.end(last.slice(20)), 20);
    };
    const seen: IndexProgress[] = [];
    for await (const p of client().vaultProgress(7, new AbortController().signal)) seen.push(p);
    expect(seen.map((p) => [p.status, p.indexed])).toEqual([
      ['indexing', 10],
      ['idle', 100],
    ]);
  });

  it('an aborted stream ends quietly, and the connection is closed', async () => {
    handler = (_url, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      sse(res, 'progress', { type: 'progress', progress: progress() });
    };
    const controller = new AbortController();
    const seen: IndexProgress[] = [];
    for await (const p of client().vaultProgress(7, controller.signal)) {
      seen.push(p);
      controller.abort();
    }
    expect(seen).toHaveLength(1);
    await expect.poll(() => open.size).toBe(0);
  });

  it('a quiet stream stays open past the client’s timeout; a server that never answers times out', async () => {
    handler = (_url, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.flushHeaders();
      setTimeout(() => {
        sse(res, 'progress', { type: 'progress', progress: progress({ indexed: 1 }) });
        res.end();
      }, 400);
    };
    const seen: IndexProgress[] = [];
    for await (const p of client(200).vaultProgress(7, new AbortController().signal)) seen.push(p);
    expect(seen.map((p) => p.indexed)).toEqual([1]);

    handler = () => undefined;
    const error = await (async () => {
      for await (const p of client(200).vaultProgress(7, new AbortController().signal)) void p;
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DaemonError);
    expect((error as DaemonError).reason).toMatchObject({ code: 'timeout' });
  });

  it('an error answer is a DaemonError with the daemon’s message', async () => {
    handler = (_url, res) => {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'not_found', message: 'Vault 7 not found', requestId: 'r1' } }));
    };
    const error = await (async () => {
      for await (const p of client().vaultProgress(7, new AbortController().signal)) void p;
    })().catch((e: unknown) => e);
    expect((error as DaemonError).reason).toMatchObject({ code: 'http-error', status: 404, message: 'Vault 7 not found' });
  });

  it('vaults() and folders() read their answers', async () => {
    handler = (url, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      if (url === '/api/v1/vaults') res.end(JSON.stringify({ items: [{ id: 7, path: '/v', status: 'indexing', progress: progress() }], total: 1 }));
      else if (url === '/api/v1/folders?vault=7') res.end(JSON.stringify({ folders: [{ folder: 'Projects', count: 1, total: 3 }] }));
      else res.end('{}');
    };
    expect(await client().vaults()).toMatchObject([{ id: 7, status: 'indexing', progress: { seen: 100 } }]);
    expect(await client().folders('7')).toEqual({ folders: [{ folder: 'Projects', count: 1, total: 3 }] });
  });
});

describe('IndexWatch', () => {
  /** A schedule the test runs by hand. */
  function manual() {
    const pending: Array<() => void> = [];
    const schedule: Schedule = (fn) => {
      pending.push(fn);
      return () => pending.splice(pending.indexOf(fn), 1);
    };
    return { schedule, pending, runNext: () => pending.shift()?.() };
  }

  /** A source whose current state is set by the test and whose streams the test writes to. */
  function scripted() {
    let now: IndexProgress | null | Error = null;
    const streams: Array<{ push: (p: IndexProgress) => void; end: () => void; aborted: () => boolean }> = [];
    const source: IndexSource = {
      current: () => (now instanceof Error ? Promise.reject(now) : Promise.resolve(now)),
      follow: (_vaultId, signal) => {
        const queue: Array<IndexProgress | null> = [];
        let wake: (() => void) | null = null;
        const put = (item: IndexProgress | null) => {
          queue.push(item);
          wake?.();
        };
        streams.push({ push: put, end: () => put(null), aborted: () => signal.aborted });
        signal.addEventListener('abort', () => put(null));
        return (async function* () {
          for (;;) {
            if (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
            wake = null;
            const item = queue.shift();
            if (!item) return;
            yield item;
          }
        })();
      },
    };
    return { source, streams, set: (p: IndexProgress | null | Error) => (now = p) };
  }

  const settle = () => new Promise((r) => setTimeout(r, 0));

  function watch() {
    const { source, streams, set } = scripted();
    const timers = manual();
    const shown: Array<number | null> = [];
    let finished = 0;
    let checks = 0;
    const counted: IndexSource = {
      current: (signal) => {
        checks++;
        return source.current(signal);
      },
      follow: (vaultId, signal) => source.follow(vaultId, signal),
    };
    const w = new IndexWatch(counted, timers.schedule, 1_000);
    w.subscribe((p) => shown.push(p ? p.indexed : null));
    w.onFinished(() => finished++);
    return { w, streams, set, timers, shown, finished: () => finished, checks: () => checks };
  }

  it('an idle vault: nothing shown, no stream, looked at again later', async () => {
    const t = watch();
    t.set(progress({ status: 'idle', phase: 'watching' }));
    t.w.start();
    await settle();
    expect(t.shown).toEqual([]);
    expect(t.streams).toHaveLength(0);
    expect(t.timers.pending).toHaveLength(1);
    t.w.stop();
    expect(t.timers.pending).toHaveLength(0);
  });

  it('an indexing vault: each progress shown, then, at the end, hidden and refreshed once; then checks resume', async () => {
    const t = watch();
    t.set(progress({ indexed: 5 }));
    t.w.start();
    await settle();
    expect(t.streams).toHaveLength(1);
    t.streams[0]!.push(progress({ indexed: 5 }));
    t.streams[0]!.push(progress({ indexed: 60 }));
    await settle();
    expect(t.shown).toEqual([5, 5, 60]);
    expect(t.finished()).toBe(0);
    t.streams[0]!.push(progress({ status: 'idle', phase: 'watching', indexed: 100 }));
    await settle();
    expect(t.shown).toEqual([5, 5, 60, null]);
    expect(t.finished()).toBe(1);
    expect(t.timers.pending).toHaveLength(1);

    // The next check finds the vault idle: nothing more happens.
    t.set(progress({ status: 'idle', phase: 'watching' }));
    t.timers.runNext();
    await settle();
    expect(t.streams).toHaveLength(1);
    expect(t.finished()).toBe(1);
    t.w.stop();
  });

  it('a run that ends between the check and the stream is still seen to its end (refreshed)', async () => {
    const t = watch();
    t.set(progress({ indexed: 99 }));
    t.w.start();
    await settle();
    t.streams[0]!.push(progress({ status: 'idle', phase: 'watching', indexed: 100 }));
    await settle();
    expect(t.finished()).toBe(1);
    expect(t.shown).toEqual([99, null]);
    t.w.stop();
  });

  it('a stream that closes mid-run (the daemon stopped): hidden, not refreshed, looked at again later', async () => {
    const t = watch();
    t.set(progress({ indexed: 1 }));
    t.w.start();
    await settle();
    t.streams[0]!.end();
    await settle();
    expect(t.shown).toEqual([1, null]);
    expect(t.finished()).toBe(0);
    expect(t.timers.pending).toHaveLength(1);
    t.w.stop();
  });

  it('a failed check is tried again later; stop() lets a followed run go and hides it', async () => {
    const t = watch();
    t.set(new Error('daemon away'));
    t.w.start();
    await settle();
    expect(t.timers.pending).toHaveLength(1);
    t.set(progress({ indexed: 3 }));
    t.timers.runNext();
    await settle();
    expect(t.streams).toHaveLength(1);
    t.w.stop();
    await settle();
    expect(t.streams[0]!.aborted()).toBe(true);
    expect(t.shown).toEqual([3, null]);
    expect(t.finished()).toBe(0);
    expect(t.timers.pending).toHaveLength(0);
  });

  it('no vault registered yet: nothing shown, looked at again later', async () => {
    const t = watch();
    t.w.start();
    await settle();
    expect(t.shown).toEqual([]);
    expect(t.timers.pending).toHaveLength(1);
    t.w.stop();
  });

  it('one watch, several listeners: each sees the progress and the end; a late one reads `progress`; an unsubscribed one hears nothing', async () => {
    const t = watch();
    const second: Array<number | null> = [];
    const unsubscribe = t.w.subscribe((p) => second.push(p ? p.indexed : null));
    let secondFinished = 0;
    t.w.onFinished(() => secondFinished++);
    t.set(progress({ indexed: 2 }));
    t.w.start();
    await settle();
    t.streams[0]!.push(progress({ indexed: 40 }));
    await settle();
    expect(t.w.progress?.indexed).toBe(40);
    unsubscribe();
    t.streams[0]!.push(progress({ indexed: 70 }));
    t.streams[0]!.push(progress({ status: 'idle', phase: 'watching', indexed: 100 }));
    await settle();
    expect(t.shown).toEqual([2, 40, 70, null]);
    expect(second).toEqual([2, 40]);
    expect(secondFinished).toBe(1);
    expect(t.w.progress).toBeNull();
    // One stream for all of them.
    expect(t.streams).toHaveLength(1);
    t.w.stop();
  });

  it('checkNow looks at once instead of at the next check; asked during a followed run, once it ends; before start, not at all', async () => {
    const t = watch();
    t.w.checkNow();
    expect(t.checks()).toBe(0);
    t.w.start();
    await settle();
    expect(t.checks()).toBe(1);
    // The vault was registered meanwhile and is being indexed: found at once, not after checkMs.
    t.set(progress({ indexed: 8 }));
    t.w.checkNow();
    await settle();
    expect(t.checks()).toBe(2);
    expect(t.timers.pending).toHaveLength(0);
    expect(t.shown).toEqual([8]);
    t.w.checkNow();
    await settle();
    expect(t.checks()).toBe(2);
    expect(t.streams).toHaveLength(1);
    // The run ends: the check asked for meanwhile happens now, not after checkMs.
    t.set(progress({ status: 'idle', phase: 'watching' }));
    t.streams[0]!.push(progress({ status: 'idle', phase: 'watching', indexed: 100 }));
    await settle();
    expect(t.checks()).toBe(3);
    expect(t.timers.pending).toHaveLength(1);
    t.w.stop();
  });

  it('a vault whose first run is about to begin (idle, starting) is followed: nothing shown until the run counts, then as usual', async () => {
    const t = watch();
    t.set(progress({ status: 'idle', phase: 'starting', seen: 0 }));
    t.w.start();
    await settle();
    expect(t.streams).toHaveLength(1);
    expect(t.shown).toEqual([]);
    t.streams[0]!.push(progress({ status: 'idle', phase: 'starting', seen: 0 }));
    t.streams[0]!.push(progress({ phase: 'scanning', seen: 0, indexed: 0 }));
    t.streams[0]!.push(progress({ indexed: 30 }));
    await settle();
    expect(t.shown).toEqual([0, 30]);
    expect(t.finished()).toBe(0);
    t.streams[0]!.push(progress({ status: 'idle', phase: 'watching', indexed: 100 }));
    await settle();
    expect(t.shown).toEqual([0, 30, null]);
    expect(t.finished()).toBe(1);
    t.w.stop();
  });

  it('watchWhileConnected: follows while connected, lets go when the daemon goes away, stops for good when ended', async () => {
    const t = watch();
    let status: DisplayStatus = { state: 'checking' };
    const listeners = new Set<(s: DisplayStatus) => void>();
    const monitor = {
      get status() {
        return status;
      },
      subscribe: (listener: (s: DisplayStatus) => void) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    };
    const announce = (next: DisplayStatus) => {
      status = next;
      for (const listener of listeners) listener(next);
    };
    t.set(progress({ indexed: 4 }));
    const end = watchWhileConnected(t.w, monitor);
    await settle();
    expect(t.checks()).toBe(0);
    announce({ state: 'connected', url: 'http://127.0.0.1:1', version: '1.0.0' });
    await settle();
    expect(t.shown).toEqual([4]);
    // A later health check says connected again: still the one stream.
    announce(status);
    await settle();
    expect(t.streams).toHaveLength(1);
    announce({ state: 'unreachable', reason: { code: 'refused', url: 'http://127.0.0.1:1' } });
    await settle();
    expect(t.streams[0]!.aborted()).toBe(true);
    expect(t.shown).toEqual([4, null]);
    end();
    expect(listeners.size).toBe(0);
    expect(t.timers.pending).toHaveLength(0);
  });
});

describe('the status bar’s words for an index run', () => {
  const i18n = (language: 'en' | 'ja') => {
    const i = new I18n(() => language);
    i.apply('auto');
    return i;
  };

  it('files done of files found, written with the language’s digit grouping, in English and Japanese', () => {
    const run = progress({ seen: 13_415, indexed: 1_000, unchanged: 234 });
    const en = indexStatusText(run, i18n('en').t, 'en');
    expect(en).toMatchObject({ kind: 'indexing', label: 'Hisho: indexing 1,234 / 13,415' });
    expect(en.detail).toContain('1,234 of 13,415 files');
    expect(indexStatusText(run, i18n('ja').t, 'ja').label).toBe('Hisho: 索引作成中 1,234 / 13,415');
  });

  it('while the files are still being found, no counts', () => {
    expect(indexStatusText(progress({ phase: 'scanning', seen: 50 }), i18n('en').t, 'en').label).toBe('Hisho: indexing…');
    expect(indexStatusText(progress({ seen: 0 }), i18n('ja').t, 'ja').label).toBe('Hisho: 索引作成中…');
  });
});
