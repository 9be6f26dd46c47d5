import { chmod, cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { collectChecks, runDoctor, type DoctorOptions } from '../../src/cli/doctor';
import { migrateDatabase, openDatabase } from '../../src/db/database';
import { findMigrationsFolder } from '../../src/db/migrations-folder';
import { scriptedRunner } from '../service/fixtures';

/**
 * Each check fails in turn, by changing the environment and the files the doctor looks at — a
 * copy of a migrated HISHO_HOME — never by mocking its internals.
 */
describe('hisho doctor', () => {
  let root: string;
  let base: string;
  let vault: string;
  let pluginRoot: string;
  let home: string;
  let n = 0;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'hisho-doctor 山田 '));
    base = join(root, 'base');
    vault = join(root, 'My Vault 日記');
    pluginRoot = join(root, 'plugin');
    await mkdir(vault, { recursive: true });
    await mkdir(pluginRoot, { recursive: true });
    await writeFile(join(pluginRoot, 'main.js'), '');
    await mkdir(base, { recursive: true, mode: 0o700 });
    await writeFile(join(base, 'token'), 'a'.repeat(64), { mode: 0o600 });
    const database = await openDatabase({ dataDir: join(base, 'data') });
    try {
      await migrateDatabase(database);
      await database.db.execute(sql`insert into obsidian_integration_settings (vault_path) values (${vault})`);
    } finally {
      await database.close();
    }
  }, 120_000);
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });
  beforeEach(async () => {
    home = join(root, `home-${++n}`);
    await cp(base, home, { recursive: true });
  });

  const options = (extra: Partial<DoctorOptions> & { env?: Record<string, string> } = {}): DoctorOptions => ({
    platform: 'linux',
    nodeVersion: '20.19.0',
    runner: scriptedRunner([]),
    pluginRoot,
    ...extra,
    env: { HISHO_HOME: home, HISHO_PORT: '0', ...extra.env },
  });
  const failing = async (extra: Parameters<typeof options>[0] = {}) => {
    const checks = await collectChecks(options(extra));
    const failed = checks.filter((c) => !c.ok);
    for (const c of failed) expect(c.fix, c.name).toBeTruthy();
    return { names: failed.map((c) => c.name), byName: Object.fromEntries(checks.map((c) => [c.name, c])) };
  };

  it('passes every check on a healthy setup, and exits 0', async () => {
    let said = '';
    expect(await runDoctor((s) => (said += s), options())).toBe(0);
    expect(said.split('\n').map((l) => l.split(':')[0])).toEqual([
      '✓ Node.js',
      '✓ Config',
      '✓ Discovery file',
      '✓ Port',
      '✓ Database',
      '✓ Migrations',
      '✓ Vault folders',
      '✓ Cache',
      '✓ Token',
      '✓ Service',
      '✓ Logs',
      '✓ Plugin build',
      'Everything looks fine.',
      '',
    ]);
    expect(said).toContain(`✓ Vault folders: ${vault}`);
  });

  it('Node.js too old', async () => {
    const r = await failing({ nodeVersion: '18.20.4' });
    expect(r.names).toEqual(['Node.js']);
    expect(r.byName['Node.js']?.fix).toContain('20.19');
  });

  it('a bad config value stops there and names it', async () => {
    let said = '';
    expect(await runDoctor((s) => (said += s), options({ env: { HISHO_PORT: 'eighty' } }))).toBe(1);
    expect(said).toContain('✗ Config: HISHO_PORT="eighty": must be a number');
    expect(said).toContain('fix: Correct the values');
  });

  it('a stale discovery file', async () => {
    const closed = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const port = (s.address() as { port: number }).port;
        s.close(() => resolve(port));
      });
    });
    await writeFile(join(home, 'daemon.json'), JSON.stringify({ url: `http://127.0.0.1:${closed}`, pid: 999999, version: '0.1.0', startedAt: new Date().toISOString() }));
    const r = await failing();
    expect(r.names).toEqual(['Discovery file']);
    expect(r.byName['Discovery file']?.detail).toContain('is stale');
  });

  it('the port taken by another program', async () => {
    const server: Server = await new Promise((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => resolve(s));
    });
    try {
      const r = await failing({ env: { HISHO_PORT: String((server.address() as { port: number }).port) } });
      expect(r.names).toEqual(['Port']);
    } finally {
      server.close();
    }
  });

  it('a PostgreSQL server that does not answer', async () => {
    const r = await failing({ env: { DATABASE_URL: 'postgres://hisho:secret@127.0.0.1:1/hisho' } });
    expect(r.names).toEqual(['Database']);
    expect(r.byName.Database?.detail).not.toContain('secret');
    expect(r.byName.Database?.fix).toContain('DATABASE_URL');
  });

  it('migrations pending, and a database from a newer Hisho', async () => {
    const real = findMigrationsFolder();
    const journal = JSON.parse(await readFile(join(real, 'meta', '_journal.json'), 'utf8')) as { entries: Array<{ idx: number; tag: string; when: number }> };
    const write = async (name: string, entries: typeof journal.entries) => {
      const folder = join(root, name);
      await mkdir(join(folder, 'meta'), { recursive: true });
      await writeFile(join(folder, 'meta', '_journal.json'), JSON.stringify({ ...journal, entries }));
      return folder;
    };
    const ahead = await write('ahead', [...journal.entries, { idx: journal.entries.length, tag: '9999_future', when: Date.now() * 10 }]);
    const pending = await failing({ migrationsFolder: ahead });
    expect(pending.names).toEqual(['Migrations']);
    expect(pending.byName.Migrations?.detail).toContain('pending: 9999_future');
    expect(pending.byName.Migrations?.fix).toContain('hisho migrate');

    const behind = await write('behind', journal.entries.slice(0, -1));
    const newer = await failing({ migrationsFolder: behind });
    expect(newer.names).toEqual(['Migrations']);
    expect(newer.byName.Migrations?.detail).toContain('newer version');
  });

  it('a registered vault folder that is gone', async () => {
    await rm(vault, { recursive: true });
    try {
      const r = await failing();
      expect(r.names).toEqual(['Vault folders']);
      expect(r.byName['Vault folders']?.detail).toBe(`${vault} does not exist`);
    } finally {
      await mkdir(vault, { recursive: true });
    }
  });

  it('Redis that does not answer', async () => {
    const r = await failing({ env: { REDIS_URL: 'redis://127.0.0.1:1' } });
    expect(r.names).toEqual(['Cache']);
  });

  it('a token others can read', async () => {
    await chmod(join(home, 'token'), 0o644);
    const r = await failing();
    expect(r.names).toEqual(['Token']);
    expect(r.byName.Token?.fix).toBe(`chmod 600 "${join(home, 'token')}"`);
  });

  it('an installed service that is not running', async () => {
    await writeFile(
      join(home, 'service.json'),
      JSON.stringify({ kind: 'systemd-user', version: '0.1.0', installedAt: 'x', files: [], name: 'hisho.service', definition: 'x', logs: join(home, 'logs'), node: 'node', entry: 'x' }),
    );
    const runner = scriptedRunner([{ argv: ['systemctl', '--user', 'is-active', 'hisho.service'], result: { code: 3, stdout: 'inactive\n' } }]);
    const r = await failing({ runner });
    expect(r.names).toEqual(['Discovery file', 'Service']);
    expect(r.byName.Service?.fix).toContain('hisho service start');
  });

  it('a log folder that cannot be written', async () => {
    const file = join(home, 'not-a-folder');
    await writeFile(file, '');
    const r = await failing({ env: { HISHO_LOG_DIR: join(file, 'logs') } });
    expect(r.names).toEqual(['Logs']);
    expect(r.byName.Logs?.fix).toContain('HISHO_LOG_DIR');
  });

  it('the plugin not built', async () => {
    const r = await failing({ pluginRoot: root });
    expect(r.names).toEqual(['Plugin build']);
  });
});
