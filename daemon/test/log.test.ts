import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLog, createLogger, prettyLine, redact, redactString } from '../src/log';
import type { AppEnv } from '../src/server/route';
import { requestLog } from '../src/server/request-log';

const SECRET = 's3cr3t-VALUE-9f8e7d';

describe('logs', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hisho-log-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function readLogFiles(): Promise<string> {
    const names = (await readdir(dir)).filter((n) => n.endsWith('.log')).sort();
    return (await Promise.all(names.map((n) => readFile(join(dir, n), 'utf8')))).join('');
  }

  it('writes JSON lines to a rotated file in the folder, with secrets and note text redacted', async () => {
    const logger = await createLogger({ level: 'debug', console: false, file: { dir } });
    logger.log('info', `connecting to postgres://hisho:${SECRET}@127.0.0.1:5432/hisho`, {
      headers: { Authorization: `Bearer ${SECRET}`, accept: 'application/json' },
      token: SECRET,
      apiKey: SECRET,
      openai_api_key: SECRET,
      password: SECRET,
      nested: { providerKey: SECRET, redisUrl: `redis://:${SECRET}@localhost:6379`, list: [`postgresql://u:${SECRET}@h/db`] },
      content: `# My diary ${SECRET}`,
      query: `?q=x&token=${SECRET}`,
      count: 3,
      hasToken: true,
    });
    logger.log('error', `Authorization: Bearer ${SECRET} rejected; api_key=${SECRET}`);
    logger.log('debug', 'debug line', { error: new Error(`failed for redis://user:${SECRET}@h:1`) });
    await logger.close();

    const names = await readdir(dir);
    expect(names).toEqual(['hisho.1.log']);
    const text = await readLogFiles();
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain('My diary');
    const lines = text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({
      level: 30,
      msg: 'connecting to postgres://hisho:***@127.0.0.1:5432/hisho',
      headers: { Authorization: '[redacted]', accept: 'application/json' },
      token: '[redacted]',
      apiKey: '[redacted]',
      openai_api_key: '[redacted]',
      password: '[redacted]',
      nested: { providerKey: '[redacted]', redisUrl: 'redis://:***@localhost:6379', list: ['postgresql://u:***@h/db'] },
      content: '[omitted]',
      query: '?q=x&token=***',
      count: 3,
      hasToken: true,
    });
    expect(typeof lines[0]?.time).toBe('string');
    expect(lines[1]?.msg).toBe('Authorization: Bearer *** rejected; api_key=***');
    expect(lines[2]).toMatchObject({ level: 20, error: { message: 'failed for redis://user:***@h:1' } });
  });

  it('respects the level and rotates by size, keeping the configured number of files', async () => {
    const logger = await createLogger({ level: 'warn', console: false, file: { dir, sizeMb: 1, files: 3 } });
    logger.log('info', 'not written');
    const filler = 'x'.repeat(10_000);
    // 4.5 MB in batches, as a running daemon writes: pino-roll rolls between writes.
    for (let batch = 0; batch < 45; batch++) {
      for (let i = 0; i < 10; i++) logger.log('warn', `line ${batch}.${i}`, { filler });
      await new Promise((r) => setTimeout(r, 20));
    }
    await logger.close();
    await new Promise((r) => setTimeout(r, 50));
    const names = (await readdir(dir)).sort();
    expect(names).toHaveLength(3);
    for (const n of names) expect(n).toMatch(/^hisho\.\d+\.log$/);
    expect(await readLogFiles()).not.toContain('not written');
  });

  it('prints readable lines on a terminal and JSON otherwise', async () => {
    const tty = Object.assign(new PassThrough(), { isTTY: true });
    let said = '';
    tty.on('data', (c: Buffer) => (said += c.toString()));
    const pretty = await createLogger({ level: 'info', console: tty });
    pretty.log('info', 'daemon listening', { url: 'http://127.0.0.1:1', token: SECRET });
    await pretty.close();
    expect(said).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO {2}daemon listening url=http:\/\/127\.0\.0\.1:1 token=\[redacted\]\n$/);

    const lines: string[] = [];
    const json = createLog('info', (l) => lines.push(l));
    json('debug', 'hidden');
    json('warn', 'careful', { password: SECRET });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ level: 40, msg: 'careful', password: '[redacted]' });
    expect(prettyLine('not json')).toBe('not json\n');
  });

  it('redacts strings and objects on their own', () => {
    expect(redactString('postgres://user:pass@host/db and postgres://user@host/db')).toBe('postgres://user:***@host/db and postgres://user@host/db');
    expect(redactString('password: hunter2, secret=abc')).toBe('password: ***, secret=***');
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(redact(cyclic)).toEqual({ a: 1, self: '[circular]' });
  });

  it('logs each request: method, route, path without the query, status, duration, request id', async () => {
    const lines: string[] = [];
    const app = new Hono<AppEnv>();
    app.use('*', requestId({ generator: () => 'req-1' }));
    app.use('*', requestLog(createLog('debug', (l) => lines.push(l))));
    app.get('/api/v1/notes/:id', (c) => c.json({ ok: true }));
    app.get('/api/v1/health', (c) => c.json({ ok: true }));
    await app.request(`/api/v1/notes/42?q=${encodeURIComponent('秘密の日記')}&token=${SECRET}`, { headers: { Authorization: `Bearer ${SECRET}` } });
    await app.request('/api/v1/health');
    const [first, second] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(first).toMatchObject({ level: 30, msg: 'request', method: 'GET', route: '/api/v1/notes/:id', path: '/api/v1/notes/42', status: 200, requestId: 'req-1' });
    expect(typeof first?.durationMs).toBe('number');
    expect(second).toMatchObject({ level: 20, path: '/api/v1/health' });
    expect(lines.join('')).not.toContain(SECRET);
    expect(lines.join('')).not.toContain('秘密');
  });
});
