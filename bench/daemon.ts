/**
 * A real daemon in a child process (`node bin/hisho.mjs serve`: the bundle `npm run build` makes,
 * which the `hisho` command runs; run.ts builds it first), the way a user runs it, so its memory is
 * its own (no tsx in the process): HISHO_HOME is a fresh temp folder, HISHO_PORT=0, and
 * DATABASE_URL a fresh PostgreSQL database (or unset: embedded PGlite in HISHO_HOME/data).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { procMemory, sleep } from './stats';
import type { IndexProgress } from '../shared/contracts/vaults';
import { DAEMON_NODE_FLAGS } from '../daemon/src/service/node-flags';

const ROOT = path.resolve(import.meta.dirname, '..');

export interface DaemonEnv {
  home: string;
  databaseUrl?: string;
}

/** The daemon's own contract type, so the benchmark reads exactly what the API answers. */
export type VaultProgress = IndexProgress;

export interface SearchBody {
  results: Array<{ path: string; title: string; score: number }>;
  total: number;
}

/** Daemons started and not stopped yet (killed if the benchmark fails half-way). */
export const liveDaemons = new Set<DaemonProcess>();

/** Network failures seen (a keep-alive socket closed by the server as a request went out), retried. */
export const networkRetries: string[] = [];

async function fetchRetry(url: string, init: RequestInit, idempotent: boolean): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fetch(url, init);
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      if (!idempotent || attempt >= 3) throw new Error(`${init.method ?? 'GET'} ${url}: ${cause?.code ?? ''} ${cause?.message ?? String(e)}`, { cause: e });
      networkRetries.push(`${new URL(url).pathname}: ${cause?.code ?? cause?.message ?? String(e)}`);
      await sleep(50);
    }
  }
}

export class DaemonProcess {
  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
    readonly token: string,
    readonly spawnedAt: number,
    readonly listeningAt: number,
    private readonly stderr: () => string,
  ) {}

  get pid(): number {
    return this.child.pid!;
  }

  /** Spawns the daemon and resolves once it listens (it prints its URL). */
  static async start(env: DaemonEnv, extraEnv: Record<string, string> = {}): Promise<DaemonProcess> {
    const spawnedAt = performance.now();
    const childEnv: Record<string, string> = {
      ...(process.env as Record<string, string>),
      HISHO_HOME: env.home,
      HISHO_PORT: '0',
      HISHO_LOG_LEVEL: 'warn',
      ...extraEnv,
    };
    delete childEnv.DATABASE_URL;
    delete childEnv.REDIS_URL;
    delete childEnv.HISHO_VAULT;
    if (env.databaseUrl) childEnv.DATABASE_URL = env.databaseUrl;
    Object.assign(childEnv, extraEnv);
    // With the flags every launcher gives the daemon (daemon/src/service/node-flags.ts): the benchmark measures what users run.
    const child = spawn(process.execPath, [...DAEMON_NODE_FLAGS, 'bin/hisho.mjs', 'serve'], { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr!.on('data', (d: Buffer) => {
      err = (err + d.toString()).slice(-8000);
    });
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the daemon did not start within 120 s:\n${err}`)), 120_000);
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the daemon exited (${code}) before listening:\n${err}`));
      });
    });
    const listeningAt = performance.now();
    const token = (await readFile(path.join(env.home, 'token'), 'utf8')).trim();
    const d = new DaemonProcess(child, url, token, spawnedAt, listeningAt, () => err);
    liveDaemons.add(d);
    return d;
  }

  async api<T>(method: string, route: string, body?: unknown): Promise<{ status: number; body: T }> {
    const res = await fetchRetry(`${this.url}/api/v1${route}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    }, method === 'GET');
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: res.status, body: parsed as T };
  }

  async register(dir: string): Promise<number> {
    const r = await this.api<{ id: number }>('POST', '/vaults', { path: dir });
    if (r.status >= 300) throw new Error(`POST /vaults ${dir}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.id;
  }

  async progress(vaultId: number): Promise<VaultProgress> {
    const r = await this.api<VaultProgress>('GET', `/vaults/${vaultId}/progress`);
    if (r.status !== 200) throw new Error(`GET /vaults/${vaultId}/progress: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }

  async vault(vaultId: number): Promise<{ notesIndexed: number; filesFailed: number; warnings: number; status: string }> {
    const r = await this.api<{ notesIndexed: number; filesFailed: number; warnings: number; status: string }>('GET', `/vaults/${vaultId}`);
    return r.body;
  }

  /**
   * Files on disk reported in a warning rather than indexed or failed: the twins named by "Another
   * file has the same name in another Unicode form" (the indexer keeps one of the two).
   */
  async filesWarned(vaultId: number): Promise<number> {
    let count = 0;
    for (let offset = 0; ; offset += 100) {
      const r = await this.api<{ items: Array<{ message: string }>; total: number }>('GET', `/vaults/${vaultId}/errors?severity=warning&limit=100&offset=${offset}`);
      if (r.status !== 200) throw new Error(`GET /vaults/${vaultId}/errors: ${r.status} ${JSON.stringify(r.body)}`);
      for (const item of r.body.items) count += item.message.match(/same name in another Unicode form/g)?.length ?? 0;
      if (r.body.items.length < 100 || offset + 100 >= r.body.total) return count;
    }
  }

  /** Polls progress until the vault has finished a run (status idle, phase watching) after `since` (ms, performance clock). */
  async waitIdle(vaultId: number, timeoutMs = 600_000, pollMs = 25): Promise<{ at: number; progress: VaultProgress; phases: Record<string, number> }> {
    const t0 = performance.now();
    const deadline = t0 + timeoutMs;
    const phases: Record<string, number> = {};
    for (;;) {
      const p = await this.progress(vaultId);
      const at = performance.now();
      phases[p.phase] ??= Math.round(at - t0);
      if (p.status === 'idle' && p.phase === 'watching' && p.queued === 0) return { at, progress: p, phases };
      if (p.status === 'error') throw new Error(`vault ${vaultId} is in error: ${p.error}`);
      if (at > deadline) throw new Error(`vault ${vaultId} not idle after ${timeoutMs} ms: ${JSON.stringify(p)}`);
      await sleep(pollMs);
    }
  }

  /** One search through HTTP; returns the elapsed ms (fetch to body parsed) and the body. */
  async search(vaultId: number, q: string, limit = 10): Promise<{ ms: number; status: number; body: SearchBody }> {
    const params = new URLSearchParams({ q, limit: String(limit), vault: String(vaultId) });
    const t0 = performance.now();
    const res = await fetchRetry(`${this.url}/api/v1/search?${params}`, { headers: { authorization: `Bearer ${this.token}` } }, true);
    const body = (await res.json()) as SearchBody;
    return { ms: performance.now() - t0, status: res.status, body };
  }

  /** The librarian's passages for a question (GET /librarian/passages): note paths best first, and the elapsed ms. */
  async passages(vaultId: number, q: string, limit = 5): Promise<{ ms: number; status: number; paths: string[]; relevant: boolean }> {
    const params = new URLSearchParams({ q, limit: String(limit), vault: String(vaultId) });
    const t0 = performance.now();
    const res = await fetchRetry(`${this.url}/api/v1/librarian/passages?${params}`, { headers: { authorization: `Bearer ${this.token}` } }, true);
    const body = (await res.json()) as { passages?: Array<{ path: string }>; relevant?: boolean };
    return { ms: performance.now() - t0, status: res.status, paths: (body.passages ?? []).map((p) => p.path.normalize('NFC')), relevant: body.relevant === true };
  }

  memory() {
    return procMemory(this.pid);
  }

  /** SIGTERM and wait for the exit. */
  async stop(): Promise<void> {
    liveDaemons.delete(this);
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    const t = setTimeout(() => this.child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(t);
  }

  lastStderr(): string {
    return this.stderr();
  }
}

/** Samples a process's memory in the background; VmHWM is already a peak, the samples catch RSS. */
export function sampleMemory(pid: number, everyMs = 250) {
  let peakRss = 0;
  let hwm = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const m = await procMemory(pid);
      if (!m) break;
      peakRss = Math.max(peakRss, m.rssMb);
      hwm = Math.max(hwm, m.hwmMb);
      await sleep(everyMs);
    }
  })();
  return {
    async stop() {
      const m = await procMemory(pid);
      if (m) {
        peakRss = Math.max(peakRss, m.rssMb);
        hwm = Math.max(hwm, m.hwmMb);
      }
      stopped = true;
      await loop;
      return { hwmMb: hwm, peakRssSampledMb: peakRss };
    },
  };
}

/** A fresh PostgreSQL database created from an admin URL; drop() removes it. */
export async function freshPostgres(adminUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `hisho_bench_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = async (sqlText: string) => {
    const c = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 10_000 });
    c.on('error', () => {});
    await c.connect();
    try {
      await c.query(sqlText);
    } finally {
      await c.end().catch(() => undefined);
    }
  };
  await admin(`CREATE DATABASE "${name}" ENCODING 'UTF8' TEMPLATE template0`);
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return { url: u.toString(), drop: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}
