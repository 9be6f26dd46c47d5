/**
 * Starts a real Hisho daemon for end-to-end tests: a fresh HISHO_HOME, a free port, PGlite and the
 * in-process cache. Reused by every e2e test; stop() ends it with SIGTERM and removes the folder.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const DAEMON_ENTRY = join(REPO_ROOT, 'daemon/src/cli/main.ts');

export interface RunningDaemon {
  url: string;
  token: string;
  home: string;
  pid: number;
  /** Everything the daemon printed so far (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

export interface StartDaemonOptions {
  /** Extra environment; DATABASE_URL and REDIS_URL are removed unless given here. */
  env?: Record<string, string>;
  timeoutMs?: number;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

export async function startDaemon(options: StartDaemonOptions = {}): Promise<RunningDaemon> {
  if (!existsSync(DAEMON_ENTRY)) throw new Error(`the daemon entry ${DAEMON_ENTRY} does not exist yet`);
  const home = await mkdtemp(join(tmpdir(), 'hisho-e2e-'));
  const env: Record<string, string | undefined> = { ...process.env, HISHO_HOME: home, HISHO_PORT: '0', HISHO_LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  Object.assign(env, options.env);

  const child = spawn(process.execPath, ['--import', 'tsx', DAEMON_ENTRY, 'serve'], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not start the daemon process');

  const stop = async (): Promise<void> => {
    if (!exited(child)) {
      const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timedOut = await Promise.race([done.then(() => false), sleep(10_000).then(() => true)]);
      if (timedOut && !exited(child)) {
        child.kill('SIGKILL');
        await done;
      }
    }
    await rm(home, { recursive: true, force: true });
  };

  // daemon.json appears once the daemon listens (PGlite's first start takes a few seconds).
  const discoveryFile = join(home, 'daemon.json');
  const deadline = Date.now() + (options.timeoutMs ?? 90_000);
  while (!existsSync(discoveryFile)) {
    if (exited(child)) {
      await stop();
      throw new Error(`the daemon exited (${child.exitCode ?? child.signalCode}) before writing daemon.json:\n${output}`);
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the daemon did not write ${discoveryFile} in time:\n${output}`);
    }
    await sleep(100);
  }
  // The file is written whole, but read until it parses in case we caught it mid-write.
  let discovery: { url: string } | undefined;
  for (let i = 0; i < 20 && !discovery; i++) {
    try {
      discovery = JSON.parse(await readFile(discoveryFile, 'utf8')) as { url: string };
    } catch {
      await sleep(50);
    }
  }
  if (!discovery) throw new Error(`could not parse ${discoveryFile}`);
  const token = (await readFile(join(home, 'token'), 'utf8')).trim();
  return { url: discovery.url.replace(/\/+$/, ''), token, home, pid, output: () => output, stop };
}

/** Calls the daemon's API as the test's own check of what the plugin did; throws on a status other than 2xx. */
export async function daemonApi<T>(daemon: RunningDaemon | undefined, method: string, path: string, body?: unknown): Promise<T> {
  if (!daemon) throw new Error('no daemon');
  const response = await fetch(`${daemon.url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${daemon.token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

interface VaultState {
  path: string;
  status: string;
  notesIndexed: number;
  error?: string | null;
}

/** Waits until the daemon has indexed `notes` notes of the vault at `vaultPath` (the plugin registers it). */
export async function waitForVaultIndexed(daemon: RunningDaemon, vaultPath: string, notes: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = (await daemonApi<{ items: VaultState[] }>(daemon, 'GET', '/vaults')).items.find((v) => v.path === vaultPath);
    if (found?.status === 'error') throw new Error(`the vault failed to index: ${found.error ?? ''}`);
    if (found?.status === 'idle' && found.notesIndexed === notes) return;
    if (Date.now() > deadline) throw new Error(`the vault was not indexed in time: ${JSON.stringify(found)}\n${daemon.output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
