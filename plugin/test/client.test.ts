import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import type { Health } from '../../shared/contracts/health';
import { format, MESSAGES, type Language } from '../../shared/i18n';
import { DaemonClient, DaemonError } from '../src/daemon/client';
import type { Translate } from '../src/i18n';
import { errorSentence } from '../src/views/librarian/error-text';

const TOKEN = 'test-token';
type Handler = (req: IncomingMessage, res: ServerResponse) => void;

let server: Server;
let baseUrl: string;
let handler: Handler;
const seen: { method: string; url: string; auth: string | undefined }[] = [];

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function health(overrides: Partial<Health> = {}): Health {
  return {
    status: 'ok',
    version: '0.1.0-test',
    uptimeSeconds: 3,
    database: { kind: 'pglite', state: 'ok' },
    cache: { kind: 'memory', state: 'ok' },
    ...overrides,
  };
}

/** Answers like the daemon: health without a token, 401 for a wrong token, 404 for unknown paths. */
function daemonLike(body: Health, status = 200): Handler {
  return (req, res) => {
    if (req.url === '/api/v1/health') return json(res, status, body);
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      return json(res, 401, { error: { code: 'unauthorized', message: 'Missing or invalid token', requestId: 'r1' } });
    }
    json(res, 404, { error: { code: 'not_found', message: 'Not found', requestId: 'r2' } });
  };
}

function client(token = TOKEN, timeoutMs = 2_000, url = baseUrl): DaemonClient {
  return new DaemonClient({ baseUrl: url, token, fetch, timeoutMs });
}

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', auth: req.headers.authorization });
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  seen.length = 0;
});

describe('daemon client against a real HTTP server', () => {
  it('reports a healthy daemon as connected with its version', async () => {
    handler = daemonLike(health());
    expect(await client().checkConnection()).toEqual({ state: 'connected', url: baseUrl, version: '0.1.0-test' });
    expect(seen[0]).toEqual({ method: 'GET', url: '/api/v1/health', auth: undefined });
    expect(seen[1]?.auth).toBe(`Bearer ${TOKEN}`);
  });

  it('reports a degraded daemon with what is down', async () => {
    handler = daemonLike(health({ status: 'degraded', cache: { kind: 'redis', state: 'down' } }));
    expect(await client().checkConnection()).toEqual({
      state: 'connected',
      url: baseUrl,
      version: '0.1.0-test',
      degraded: ['cache'],
    });
  });

  it('reads a 503 that carries a health body (database down) as degraded, not as an error', async () => {
    handler = daemonLike(health({ status: 'down', database: { kind: 'pglite', state: 'down' } }), 503);
    expect(await client().checkConnection()).toMatchObject({ state: 'connected', degraded: ['database'] });
  });

  it('reports a refused token as unauthorized', async () => {
    handler = daemonLike(health());
    expect(await client('wrong').checkConnection()).toEqual({ state: 'unauthorized', url: baseUrl });
  });

  it('turns a 500 with the error shape into an http-error reason with its message', async () => {
    handler = (_req, res) =>
      json(res, 500, { error: { code: 'internal', message: 'Database exploded', requestId: 'req-42' } });
    expect(await client().checkConnection()).toEqual({
      state: 'unreachable',
      reason: { code: 'http-error', url: baseUrl, status: 500, message: 'Database exploded', errorCode: 'internal', requestId: 'req-42' },
    });
  });

  it('copes with a 500 whose body is not JSON', async () => {
    handler = (_req, res) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('oops');
    };
    const status = await client().checkConnection();
    expect(status).toMatchObject({ state: 'unreachable', reason: { code: 'http-error', status: 500 } });
  });

  it('reports a 200 with an unexpected body as a bad response', async () => {
    handler = (_req, res) => json(res, 200, { hello: 'world' });
    expect(await client().checkConnection()).toMatchObject({ state: 'unreachable', reason: { code: 'bad-response' } });
  });

  it('reports connection refused', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const url = `http://127.0.0.1:${port}`;
    expect(await client(TOKEN, 2_000, url).checkConnection()).toEqual({ state: 'unreachable', reason: { code: 'refused', url } });
  });

  it('gives up after the timeout', async () => {
    handler = () => {
      /* never answers */
    };
    const started = Date.now();
    expect(await client(TOKEN, 300).checkConnection()).toEqual({
      state: 'unreachable',
      reason: { code: 'timeout', url: baseUrl, seconds: 0.3 },
    });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('keeps the daemon and token but not the timeout in a client made withTimeout', async () => {
    handler = () => {
      /* never answers */
    };
    expect(await client(TOKEN, 60_000).withTimeout(300).checkConnection()).toEqual({
      state: 'unreachable',
      reason: { code: 'timeout', url: baseUrl, seconds: 0.3 },
    });
    handler = daemonLike(health());
    seen.length = 0;
    expect(await client(TOKEN, 300).withTimeout(2_000).checkConnection()).toMatchObject({ state: 'connected', url: baseUrl });
    expect(seen[1]?.auth).toBe(`Bearer ${TOKEN}`);
  });

  it('times out a body that never finishes, too', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"status":');
    };
    expect(await client(TOKEN, 300).checkConnection()).toMatchObject({ state: 'unreachable', reason: { code: 'timeout' } });
  });

  it('request() sends the token and JSON, parses the answer, and throws DaemonError with the error body', async () => {
    handler = (req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        if (req.url === '/api/v1/echo') return json(res, 200, { got: JSON.parse(body) as unknown });
        json(res, 409, { error: { code: 'conflict', message: 'Illegal transition', requestId: 'r9' } });
      });
    };
    const echoed = await client().request('POST', '/api/v1/echo', z.object({ got: z.object({ a: z.number() }) }), { a: 1 });
    expect(echoed).toEqual({ got: { a: 1 } });
    expect(seen[0]?.auth).toBe(`Bearer ${TOKEN}`);
    const error = await client()
      .request('POST', '/api/v1/other', z.object({}), {})
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DaemonError);
    expect((error as DaemonError).body?.error.code).toBe('conflict');
    expect((error as DaemonError).reason).toMatchObject({ code: 'http-error', status: 409, message: 'Illegal transition' });
  });

  it('words a 503 database_unavailable as the database being away, in the user language, and any other 503 as before', async () => {
    const message = 'The daemon cannot reach its database right now and keeps retrying; try again in a few seconds';
    handler = (_req, res) => {
      res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '5' });
      res.end(JSON.stringify({ error: { code: 'database_unavailable', message, requestId: 'r503' } }));
    };
    const error = await client()
      .request('GET', '/api/v1/workflows', z.object({}))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DaemonError);
    const { reason } = error as DaemonError;
    expect(reason).toEqual({ code: 'http-error', url: baseUrl, status: 503, message, errorCode: 'database_unavailable', requestId: 'r503' });
    const t = (language: Language): Translate => (key, vars) => format(MESSAGES[language][key], vars);
    expect(errorSentence(error, t('en'))).toBe("Hisho's database is not reachable; it will retry.");
    expect(errorSentence(error, t('ja'))).toBe('Hisho のデータベースに接続できません。自動的に再試行します。');

    // A 503 for something else (a cancelled model call) keeps the daemon's words.
    handler = (_req, res) => json(res, 503, { error: { code: 'cancelled', message: 'The request was cancelled', requestId: 'r2' } });
    const other = await client()
      .request('GET', '/api/v1/workflows', z.object({}))
      .catch((e: unknown) => e);
    expect(errorSentence(other, t('en'))).toBe(format(MESSAGES.en['connection.unreachable'], { reason: format(MESSAGES.en['reason.http-error'], { status: 503, message: 'The request was cancelled' }) }));
  });
});
