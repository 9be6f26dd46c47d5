import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionMonitor, type DisplayStatus } from '../src/connection';
import { I18n } from '../src/i18n';
import { statusText, statusTooltip } from '../src/status-text';

let server: Server;
let url: string;
let healthCalls = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/api/v1/health') {
      healthCalls++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'degraded', version: '9.9.9', uptimeSeconds: 1, database: { kind: 'pglite', state: 'ok' }, cache: { kind: 'redis', state: 'down' } }));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('ConnectionMonitor', () => {
  it('starts as checking, joins checks asked for at the same time, and tells subscribers', async () => {
    const monitor = new ConnectionMonitor({ overrides: () => ({ daemonUrl: url, token: 't' }), host: null, fetch });
    expect(monitor.status).toEqual({ state: 'checking' });
    const seen: DisplayStatus[] = [];
    const off = monitor.subscribe((s) => seen.push(s));
    const [a, b] = await Promise.all([monitor.check(), monitor.check()]);
    expect(a).toBe(b);
    expect(healthCalls).toBe(1);
    expect(seen).toEqual([{ state: 'connected', url, version: '9.9.9', degraded: ['cache'] }]);
    off();
    await monitor.check();
    expect(seen).toHaveLength(1);
    expect(healthCalls).toBe(2);
  });

  it('reports discovery problems as unreachable without calling anything', async () => {
    const monitor = new ConnectionMonitor({ overrides: () => ({ daemonUrl: '', token: '' }), host: null, fetch });
    expect(await monitor.check()).toEqual({ state: 'unreachable', reason: { code: 'not-running', path: 'daemon.json' } });
  });
});

describe('status words', () => {
  const en = new I18n(() => 'en');
  en.apply('en');
  const ja = new I18n(() => 'ja');
  ja.apply('ja');

  it('words every state in both languages', () => {
    const states: DisplayStatus[] = [
      { state: 'checking' },
      { state: 'connected', url, version: '1.0.0' },
      { state: 'connected', url, version: '1.0.0', degraded: ['database', 'cache'] },
      { state: 'unreachable', reason: { code: 'timeout', url, seconds: 5 } },
      { state: 'unauthorized', url },
    ];
    for (const i18n of [en, ja]) {
      for (const status of states) {
        const text = statusText(status, i18n.t);
        expect(text.label).toMatch(/^Hisho: /);
        expect(text.detail).not.toMatch(/\{\w+\}/);
        expect(statusTooltip(status, i18n.t)).not.toMatch(/\{\w+\}/);
      }
    }
    expect(statusText(states[1] as DisplayStatus, en.t).label).toBe('Hisho: connected · 1.0.0');
    expect(statusText(states[1] as DisplayStatus, ja.t).label).toBe('Hisho: 接続済み · 1.0.0');
    expect(statusText(states[2] as DisplayStatus, en.t).detail).toBe(
      'Connected to the daemon (1.0.0), with reduced service. The database is down. The cache is down.',
    );
    expect(statusText(states[3] as DisplayStatus, ja.t).detail).toContain('5 秒以内に応答しませんでした');
  });
});
