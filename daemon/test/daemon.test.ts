import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverySchema } from '../../shared/discovery';
import { loadConfig } from '../src/config';
import { startDaemon, type RunningDaemon } from '../src/daemon';
import { DataFolderLockedError } from '../src/db/lock';
import { VERSION } from '../src/version';

const quiet = () => undefined;

function rawRequest(url: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('the daemon over real HTTP (PGlite, in-process cache)', () => {
  let home: string;
  let daemon: RunningDaemon;
  let token: string;
  const config = () => loadConfig({ HISHO_HOME: home, HISHO_PORT: '0', HISHO_LOG_LEVEL: 'silent' });

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'hisho-daemon-'));
    daemon = await startDaemon(config(), quiet);
    token = (await readFile(join(home, 'token'), 'utf8')).trim();
  });
  afterAll(async () => {
    await daemon?.stop();
    await rm(home, { recursive: true, force: true });
  });

  it('listens on 127.0.0.1 only and writes the discovery file', async () => {
    expect(daemon.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const discovery = discoverySchema.parse(JSON.parse(await readFile(join(home, 'daemon.json'), 'utf8')));
    expect(discovery).toMatchObject({ url: daemon.url, pid: process.pid, version: VERSION });
  });

  it('creates a token only the user can read', async () => {
    expect(token.length).toBeGreaterThanOrEqual(40);
    if (process.platform !== 'win32') expect((await stat(join(home, 'token'))).mode & 0o777).toBe(0o600);
  });

  it('serves health without a token and the API with one', async () => {
    const health = await fetch(`${daemon.url}/api/v1/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', database: { kind: 'pglite', state: 'ok' }, cache: { kind: 'memory', state: 'ok' } });
    expect((await fetch(`${daemon.url}/api/v1/roles`)).status).toBe(401);
    const roles = await fetch(`${daemon.url}/api/v1/roles`, { headers: { authorization: `Bearer ${token}` } });
    expect(roles.status).toBe(200);
  });

  it('refuses a rebinding Host over the wire', async () => {
    const res = await rawRequest(`${daemon.url}/api/v1/roles`, { headers: { host: 'rebind.attacker.test', authorization: `Bearer ${token}` } });
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body).error.code).toBe('forbidden_host');
  });

  it('refuses a second daemon on the same folder with a clear message', async () => {
    const second = startDaemon(config(), quiet);
    await expect(second).rejects.toBeInstanceOf(DataFolderLockedError);
    await expect(second).rejects.toThrow(/already running/);
    // The first one is unharmed.
    expect((await fetch(`${daemon.url}/api/v1/health`)).status).toBe(200);
  });

  it('finishes an in-flight request at shutdown, then removes the discovery file and keeps the data', async () => {
    const { port } = new URL(daemon.url);
    const body = JSON.stringify({ name: 'in-flight', category: 'test' });
    // Send the headers and half the body, stop the daemon, then send the rest.
    const response = new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        { host: '127.0.0.1', port, path: '/api/v1/roles', method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.write(body.slice(0, 10));
      setTimeout(() => {
        stopping = daemon.stop();
        setTimeout(() => req.end(body.slice(10)), 200);
      }, 100);
    });
    let stopping: Promise<void> | undefined;
    expect(await response).toBe(201);
    await stopping;
    expect(existsSync(join(home, 'daemon.json'))).toBe(false);
    await expect(fetch(`${daemon.url}/api/v1/health`)).rejects.toThrow();

    // Restart on the same folder: the role written during shutdown is there.
    daemon = await startDaemon(config(), quiet);
    const roles = await (await fetch(`${daemon.url}/api/v1/roles?limit=500`, { headers: { authorization: `Bearer ${token}` } })).json();
    expect(roles.items.map((r: { name: string }) => r.name)).toContain('in-flight');
  });
});

describe('hisho serve as a process', () => {
  it('starts, answers, and exits cleanly on SIGTERM', async () => {
    const home = await mkdtemp(join(tmpdir(), 'hisho-proc-'));
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', 'daemon/src/cli/main.ts', 'serve'], {
        env: { ...process.env, HISHO_HOME: home, HISHO_PORT: '0', HISHO_LOG_LEVEL: 'silent', DATABASE_URL: '', REDIS_URL: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      const discoveryFile = join(home, 'daemon.json');
      for (let i = 0; i < 600 && !existsSync(discoveryFile); i++) await new Promise((r) => setTimeout(r, 100));
      expect(existsSync(discoveryFile), output).toBe(true);
      const { url } = discoverySchema.parse(JSON.parse(await readFile(discoveryFile, 'utf8')));
      expect((await (await fetch(`${url}/api/v1/health`)).json()).version).toBe(VERSION);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(existsSync(discoveryFile)).toBe(false);
      expect(output).toContain('listening on');
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  }, 90_000);
});
