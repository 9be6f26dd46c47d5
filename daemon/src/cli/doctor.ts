import { stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { openCache } from '../cache';
import { ConfigError, loadConfig, type Config } from '../config';
import { openDatabase } from '../db/database';
import { readDiscovery } from '../discovery';
import { packageRoot } from '../package-root';

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
  /** What to do when it failed. */
  fix?: string;
}

const MIN_NODE = [20, 19] as const;

function checkNode(version = process.versions.node): Check {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const ok = major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]);
  return { name: 'Node.js', ok, detail: `v${version}`, fix: ok ? undefined : `Install Node.js ${MIN_NODE.join('.')} or newer` };
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

async function runningDaemon(config: Config): Promise<{ url: string; version: string } | undefined> {
  const found = await readDiscovery(config.paths.discovery);
  if (!found) return undefined;
  try {
    const res = await withTimeout(fetch(`${found.url}/api/v1/health`), 2000, 'The daemon');
    return res.ok ? { url: found.url, version: found.version } : undefined;
  } catch {
    return undefined;
  }
}

async function checkDatabase(config: Config, daemonUp: boolean): Promise<Check> {
  const name = 'Database';
  if (!config.databaseUrl && daemonUp) return { name, ok: true, detail: 'embedded (PGlite), in use by the running daemon' };
  try {
    const database = await withTimeout(openDatabase({ url: config.databaseUrl, dataDir: config.paths.data }), 90_000, 'The database');
    try {
      await database.ping();
      return { name, ok: true, detail: database.kind === 'postgres' ? 'PostgreSQL server reachable' : `embedded (PGlite) in ${config.paths.data}` };
    } finally {
      await database.close();
    }
  } catch (e) {
    return {
      name,
      ok: false,
      detail: (e as Error).message,
      fix: config.databaseUrl ? 'Start PostgreSQL (`docker compose up -d`) or correct DATABASE_URL' : `Check that ${config.paths.data} is readable and writable`,
    };
  }
}

async function checkCache(config: Config): Promise<Check> {
  const name = 'Cache';
  if (!config.redisUrl) return { name, ok: true, detail: 'in-process (REDIS_URL not set)' };
  const cache = await openCache({ url: config.redisUrl });
  try {
    // Give a fresh connection a moment to become ready.
    for (let i = 0; i < 20 && cache.state() !== 'ok'; i++) await new Promise((r) => setTimeout(r, 100));
    const ok = cache.state() === 'ok';
    return { name, ok, detail: ok ? 'Redis reachable' : 'Redis is not reachable', fix: ok ? undefined : 'Start Redis (`docker compose up -d`) or correct REDIS_URL; Hisho still works without it, degraded' };
  } finally {
    await cache.close();
  }
}

function portFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

async function checkFile(name: string, path: string, fix: string, privateFile = false): Promise<Check> {
  const s = await stat(path).catch(() => undefined);
  if (!s) return { name, ok: false, detail: `${path} is missing`, fix };
  if (privateFile && process.platform !== 'win32' && (s.mode & 0o077) !== 0) {
    return { name, ok: false, detail: `${path} can be read by other users`, fix: `chmod 600 "${path}"` };
  }
  return { name, ok: true, detail: path };
}

export async function collectChecks(): Promise<Check[]> {
  const checks: Check[] = [checkNode()];
  let config: Config;
  try {
    config = loadConfig();
    checks.push({ name: 'Config', ok: true, detail: `HISHO_HOME=${config.home}` });
  } catch (e) {
    const message = e instanceof ConfigError ? e.problems.join('; ') : (e as Error).message;
    checks.push({ name: 'Config', ok: false, detail: message, fix: 'Correct the values named above (environment or config.json)' });
    return checks;
  }
  const daemon = await runningDaemon(config);
  if (daemon) {
    checks.push({ name: 'Daemon', ok: true, detail: `running at ${daemon.url} (version ${daemon.version})` });
  } else {
    const free = config.port === 0 || (await portFree(config.port, config.host));
    checks.push({
      name: 'Port',
      ok: free,
      detail: free ? `${config.host}:${config.port} is free; the daemon is not running` : `${config.host}:${config.port} is taken by another program`,
      fix: free ? undefined : 'Stop that program or set HISHO_PORT to another port',
    });
  }
  checks.push(await checkDatabase(config, daemon !== undefined));
  checks.push(await checkCache(config));
  checks.push(await checkFile('Token', config.paths.token, 'Run `hisho token` (or start the daemon once) to create it', true));
  checks.push(await checkFile('Plugin build', join(packageRoot(), 'main.js'), 'Run `npm run build`'));
  return checks;
}

export async function runDoctor(out: (s: string) => void = (s) => process.stdout.write(s)): Promise<number> {
  const checks = await collectChecks();
  for (const c of checks) {
    out(`${c.ok ? '✓' : '✗'} ${c.name}: ${c.detail}\n`);
    if (!c.ok && c.fix) out(`    fix: ${c.fix}\n`);
  }
  const failed = checks.filter((c) => !c.ok).length;
  out(failed === 0 ? 'Everything looks fine.\n' : `${failed} problem(s) found.\n`);
  return failed === 0 ? 0 : 1;
}
