import { constants } from 'node:fs';
import { access, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { openCache } from '../cache';
import { ConfigError, loadConfig, type Config } from '../config';
import { openDatabase, type Database } from '../db/database';
import { findMigrationsFolder } from '../db/migrations-folder';
import { packageRoot } from '../package-root';
import { processRunner, type CommandRunner } from '../service/executor';
import { daemonState, type DaemonState } from '../service/health';
import { manifestPath, statusCommand } from '../service/plan';
import type { ServiceContext, ServiceManifest } from '../service/types';
import { VERSION } from '../version';
import { readManifest } from './service';

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
  /** What to do when it failed. */
  fix?: string;
}

/** What the doctor looks at; everything defaults to this process and machine. Tests inject their own. */
export interface DoctorOptions {
  env?: Record<string, string | undefined>;
  platform?: string;
  nodeVersion?: string;
  /** Runs the service manager's status command. */
  runner?: CommandRunner;
  /** The drizzle/ folder whose meta/_journal.json lists the migrations this version expects. */
  migrationsFolder?: string;
  /** The folder holding the built plugin (main.js). */
  pluginRoot?: string;
}

const MIN_NODE = [20, 19] as const;

function checkNode(version: string): Check {
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

function portFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

function checkDiscovery(config: Config, daemon: DaemonState, serviceInstalled: boolean): Check {
  const name = 'Discovery file';
  const file = config.paths.discovery;
  switch (daemon.state) {
    case 'running':
      return { name, ok: true, detail: `${file} points at the running daemon ${daemon.url} (version ${daemon.version}, pid ${daemon.pid})` };
    case 'stale':
      return {
        name,
        ok: false,
        detail: `${file} is stale: it points at ${daemon.url} (pid ${daemon.pid}), but ${daemon.detail}`,
        fix: `The daemon stopped without cleaning up. Start it (${serviceInstalled ? '`hisho service start`' : '`hisho serve`'}); it replaces the file. Its logs are in ${config.paths.logs}`,
      };
    case 'absent':
      return serviceInstalled
        ? { name, ok: false, detail: `${file} is missing: the service is installed but the daemon is not running`, fix: `Run \`hisho service start\`, and look in ${config.paths.logs} if it stops again` }
        : { name, ok: true, detail: `none: the daemon is not running (the plugin finds it once \`hisho serve\` or the service runs)` };
  }
}

type Rows = Array<Record<string, unknown>>;
async function query(database: Database, statement: ReturnType<typeof sql>): Promise<Rows> {
  const result = (await database.db.execute(statement)) as unknown as { rows: Rows };
  return result.rows;
}

async function checkMigrations(database: Database, folder: string): Promise<Check> {
  const name = 'Migrations';
  let journal: { entries: Array<{ tag: string; when: number }> };
  try {
    journal = JSON.parse(await readFile(join(folder, 'meta', '_journal.json'), 'utf8')) as typeof journal;
  } catch (e) {
    return { name, ok: false, detail: `cannot read ${join(folder, 'meta', '_journal.json')}: ${(e as Error).message}`, fix: 'Reinstall Hisho (its drizzle/ folder is incomplete)' };
  }
  const exists = await query(database, sql`select to_regclass('drizzle.__drizzle_migrations') is not null as "exists"`);
  const applied = exists[0]?.exists ? (await query(database, sql`select created_at from drizzle.__drizzle_migrations`)).map((r) => Number(r.created_at)) : [];
  const expected = journal.entries.map((e) => e.when);
  // drizzle applies every journal entry newer than the newest applied one.
  const newest = applied.length ? Math.max(...applied) : -Infinity;
  const pending = journal.entries.filter((e) => e.when > newest);
  const unknown = applied.filter((when) => !expected.includes(when));
  if (unknown.length) {
    return {
      name,
      ok: false,
      detail: `the database has ${unknown.length} migration(s) this Hisho (${VERSION}) does not know: it was used by a newer version`,
      fix: 'Update Hisho to the version that last used this database',
    };
  }
  if (pending.length) {
    return {
      name,
      ok: false,
      detail: `${applied.length} of ${expected.length} applied; pending: ${pending.map((e) => e.tag).join(', ')}`,
      fix: 'Run `hisho migrate` (starting the daemon applies them too)',
    };
  }
  return { name, ok: true, detail: `current (${applied.length} applied, the last ${journal.entries.at(-1)?.tag ?? 'none'})` };
}

async function checkVaults(database: Database): Promise<Check> {
  const name = 'Vault folders';
  const table = await query(database, sql`select to_regclass('public.obsidian_integration_settings') is not null as "exists"`);
  if (!table[0]?.exists) return { name, ok: true, detail: 'not checked: the database has no vault settings table yet (run `hisho migrate`)' };
  const rows = await query(database, sql`select vault_path from obsidian_integration_settings where is_enabled order by id`);
  if (rows.length === 0) return { name, ok: true, detail: 'none registered yet' };
  const problems: string[] = [];
  for (const row of rows) {
    const path = String(row.vault_path);
    const s = await stat(path).catch(() => undefined);
    if (!s) problems.push(`${path} does not exist`);
    else if (!s.isDirectory()) problems.push(`${path} is not a folder`);
    else if (!(await access(path, constants.R_OK | constants.X_OK).then(() => true, () => false))) problems.push(`${path} cannot be read`);
  }
  if (problems.length) {
    return { name, ok: false, detail: problems.join('; '), fix: 'Reconnect the vault where it is now (open it in Obsidian with the Hisho plugin), or give the daemon read access to the folder' };
  }
  return { name, ok: true, detail: rows.map((r) => String(r.vault_path)).join(', ') };
}

async function checkDatabase(config: Config, daemon: DaemonState, migrationsFolder: string): Promise<Check[]> {
  const name = 'Database';
  if (!config.databaseUrl && daemon.state === 'running') {
    return [
      { name, ok: true, detail: 'embedded (PGlite), in use by the running daemon' },
      { name: 'Migrations', ok: true, detail: 'applied by the running daemon at its start' },
      { name: 'Vault folders', ok: true, detail: 'not checked: the embedded database is in use by the running daemon (stop it to check)' },
    ];
  }
  let database: Database;
  try {
    database = await withTimeout(openDatabase({ url: config.databaseUrl, dataDir: config.paths.data }), 90_000, 'The database');
  } catch (e) {
    return [
      {
        name,
        ok: false,
        detail: (e as Error).message,
        fix: config.databaseUrl ? 'Start PostgreSQL (`docker compose up -d`) or correct DATABASE_URL' : `Check that ${config.paths.data} is readable and writable, and that no other program uses it`,
      },
    ];
  }
  try {
    await database.ping();
    const checks: Check[] = [{ name, ok: true, detail: database.kind === 'postgres' ? 'PostgreSQL server reachable' : `embedded (PGlite) in ${config.paths.data}` }];
    checks.push(await checkMigrations(database, migrationsFolder).catch((e: unknown) => ({ name: 'Migrations', ok: false, detail: (e as Error).message, fix: 'Run `hisho migrate`' })));
    checks.push(await checkVaults(database).catch((e: unknown) => ({ name: 'Vault folders', ok: false, detail: (e as Error).message, fix: 'Run `hisho migrate`' })));
    return checks;
  } finally {
    await database.close();
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

async function checkFile(name: string, path: string, fix: string, platform: string, privateFile = false): Promise<Check> {
  const s = await stat(path).catch(() => undefined);
  if (!s) return { name, ok: false, detail: `${path} is missing`, fix };
  if (privateFile && platform !== 'win32' && (s.mode & 0o077) !== 0) {
    return { name, ok: false, detail: `${path} can be read by other users`, fix: `chmod 600 "${path}"` };
  }
  return { name, ok: true, detail: path };
}

async function checkService(config: Config, manifest: ServiceManifest | undefined, daemon: DaemonState, options: Required<Pick<DoctorOptions, 'platform' | 'runner' | 'env'>>): Promise<Check> {
  const name = 'Service';
  if (!manifest) return { name, ok: true, detail: 'not installed (optional: `hisho service install` starts the daemon with the computer)' };
  const ctx: ServiceContext = {
    platform: options.platform === 'win32' || options.platform === 'darwin' ? options.platform : 'linux',
    paths: { node: manifest.node, entry: manifest.entry, home: config.home, logs: config.paths.logs, userHome: homedir() },
    env: {},
    user: { name: '', uid: process.getuid?.() },
    systemRoot: options.env.SystemRoot,
    version: VERSION,
    now: new Date().toISOString(),
  };
  const probe = statusCommand(manifest, ctx);
  const r = await options.runner.run(probe.argv);
  const managerRunning = probe.running(r);
  const running = managerRunning ?? daemon.state === 'running';
  const what = `${manifest.kind} (${manifest.name})`;
  if (r.code === 127) return { name, ok: false, detail: `installed as ${what}, but ${probe.argv[0]} is not available`, fix: 'Run `hisho service status` in a normal login session' };
  if (manifest.kind === 'windows-logon' && r.code !== 0) {
    return { name, ok: false, detail: `installed as ${what}, but its Run key value is missing`, fix: 'Run `hisho service install --force`' };
  }
  if (!running) return { name, ok: false, detail: `installed as ${what}, not running`, fix: `Run \`hisho service start\`; if it stops again, see the logs in ${config.paths.logs}` };
  return { name, ok: true, detail: `installed as ${what}, running` };
}

async function checkLogs(config: Config): Promise<Check> {
  const name = 'Logs';
  const dir = config.paths.logs;
  const probe = join(dir, `.doctor-${process.pid}`);
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await writeFile(probe, '');
    await rm(probe, { force: true });
    return { name, ok: true, detail: `${dir} is writable` };
  } catch (e) {
    return { name, ok: false, detail: `${dir} is not writable: ${(e as Error).message}`, fix: 'Make that folder writable for you, or set HISHO_LOG_DIR to another folder' };
  }
}

export async function collectChecks(options: DoctorOptions = {}): Promise<Check[]> {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const runner = options.runner ?? processRunner;
  const checks: Check[] = [checkNode(options.nodeVersion ?? process.versions.node)];
  let config: Config;
  try {
    config = loadConfig(env, platform as NodeJS.Platform);
    checks.push({ name: 'Config', ok: true, detail: `HISHO_HOME=${config.home}` });
  } catch (e) {
    const message = e instanceof ConfigError ? e.problems.join('; ') : (e as Error).message;
    checks.push({ name: 'Config', ok: false, detail: message, fix: 'Correct the values named above (environment or config.json)' });
    return checks;
  }
  let manifest: ServiceManifest | undefined;
  let manifestProblem: Check | undefined;
  try {
    manifest = await readManifest(manifestPath({ platform, paths: { home: config.home } }));
  } catch (e) {
    manifestProblem = { name: 'Service', ok: false, detail: (e as Error).message, fix: 'Remove the service by hand and delete that file' };
  }
  const daemon = await daemonState(config.paths.discovery);
  checks.push(checkDiscovery(config, daemon, manifest !== undefined));
  if (daemon.state !== 'running') {
    const free = config.port === 0 || (await portFree(config.port, config.host));
    checks.push({
      name: 'Port',
      ok: free,
      detail: free ? `${config.host}:${config.port} is free for the daemon` : `${config.host}:${config.port} is taken by another program`,
      fix: free ? undefined : 'Stop that program or set HISHO_PORT to another port',
    });
  }
  let migrationsFolder = options.migrationsFolder;
  try {
    migrationsFolder ??= findMigrationsFolder();
  } catch {
    migrationsFolder = 'drizzle'; // reported by the Migrations check: its journal cannot be read
  }
  checks.push(...(await checkDatabase(config, daemon, migrationsFolder)));
  checks.push(await checkCache(config));
  checks.push(await checkFile('Token', config.paths.token, 'Run `hisho token` (or start the daemon once) to create it', platform, true));
  checks.push(manifestProblem ?? (await checkService(config, manifest, daemon, { platform, runner, env })));
  checks.push(await checkLogs(config));
  checks.push(await checkFile('Plugin build', join(options.pluginRoot ?? packageRoot(), 'main.js'), 'Run `npm run build`', platform));
  return checks;
}

export async function runDoctor(out: (s: string) => void = (s) => process.stdout.write(s), options: DoctorOptions = {}): Promise<number> {
  const checks = await collectChecks(options);
  for (const c of checks) {
    out(`${c.ok ? '✓' : '✗'} ${c.name}: ${c.detail}\n`);
    if (!c.ok && c.fix) out(`    fix: ${c.fix}\n`);
  }
  const failed = checks.filter((c) => !c.ok).length;
  out(failed === 0 ? 'Everything looks fine.\n' : `${failed} problem(s) found.\n`);
  return failed === 0 ? 0 : 1;
}
