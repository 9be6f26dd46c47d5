import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { verifyBackupFile } from '../../src/ops/format';
import { OpsMetrics } from '../../src/ops/metrics';
import { listBackups, nextRunAt, pruneBackups, startBackupSchedule } from '../../src/ops/schedule';
import { testDatabaseTargets, type TestDatabase } from '../helpers/databases';

/** Opening PGlite databases (WASM) is slow on a loaded machine (2 shared cores). */
const HEAVY_MS = 180_000;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'hisho-schedule-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('schedule and retention', () => {
  it('next run: later today, or tomorrow once the time has passed (local time)', () => {
    expect(nextRunAt(new Date(2025, 0, 31, 2, 0), '03:00')).toEqual(new Date(2025, 0, 31, 3, 0));
    expect(nextRunAt(new Date(2025, 0, 31, 3, 0), '03:00')).toEqual(new Date(2025, 1, 1, 3, 0));
    expect(nextRunAt(new Date(2025, 11, 31, 23, 59), '00:30')).toEqual(new Date(2026, 0, 1, 0, 30));
  });

  it('keeps the newest `keep`, drops those older than `keepDays`, never the newest, never other files', async () => {
    const folder = path.join(dir, 'retention');
    await mkdir(folder);
    const now = new Date(2025, 5, 30, 12, 0).getTime();
    const names: string[] = [];
    for (let day = 1; day <= 10; day++) {
      const name = `hisho-202506${String(day).padStart(2, '0')}-030000.hisho-backup.gz`;
      names.push(name);
      await writeFile(path.join(folder, name), 'x');
      const t = new Date(2025, 5, day, 3, 0);
      await utimes(path.join(folder, name), t, t);
    }
    await writeFile(path.join(folder, 'before-upgrade.hisho-backup.gz'), 'mine');
    await writeFile(path.join(folder, 'notes.txt'), 'mine');

    expect(await pruneBackups(folder, 7, 0, now)).toHaveLength(3);
    expect((await listBackups(folder)).map((b) => path.basename(b.file))).toEqual(names.slice(3).reverse());
    // Older than 25 days (mtime June 4 and 5 from June 30): gone, even within `keep`.
    await pruneBackups(folder, 7, 25, now);
    expect((await listBackups(folder)).map((b) => path.basename(b.file))).toEqual(names.slice(5).reverse());
    // Everything is too old: the newest stays anyway.
    await pruneBackups(folder, 7, 1, new Date(2026, 0, 1).getTime());
    expect((await readdir(folder)).sort()).toEqual(['before-upgrade.hisho-backup.gz', 'hisho-20250610-030000.hisho-backup.gz', 'notes.txt']);
  }, HEAVY_MS);
});

describe('the scheduled backup inside the daemon', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    const [lite] = testDatabaseTargets();
    if (!lite) throw new Error('no PGlite target');
    database = await lite.open();
  });
  afterAll(async () => {
    await database?.dispose();
  });

  it('is off by default', async () => {
    const config = loadConfig({ HISHO_HOME: path.join(dir, 'home') });
    expect(config.backup).toEqual({ enabled: false, time: '03:00', keep: 7, keepDays: 30, folder: path.join(dir, 'home', 'backups') });
    const s = startBackupSchedule({ database, schedule: config.backup, log: () => undefined });
    expect(s.next()).toBeUndefined();
    await s.stop();
  }, HEAVY_MS);

  it('catches up a missed backup soon after start, prunes, reports, and stops', async () => {
    const folder = path.join(dir, 'scheduled');
    const ops = new OpsMetrics();
    const logs: string[] = [];
    const s = startBackupSchedule({
      database,
      schedule: { enabled: true, time: '03:00', keep: 2, keepDays: 0, folder },
      log: (level, message) => logs.push(`${level} ${message}`),
      ops,
      catchUpDelayMs: 20,
    });
    const deadline = Date.now() + 120_000;
    while ((await listBackups(folder)).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const [first] = await listBackups(folder);
    expect(first).toBeDefined();
    await s.stop();
    await verifyBackupFile(first?.file as string);
    expect(ops.lastRun.get('backup')?.ok).toBe(true);
    expect(logs).toContain('info scheduled backup written');
    // The next one is tomorrow's (or today's) 03:00.
    expect(s.next()?.getHours()).toBe(3);
  }, HEAVY_MS);

  it('a failing backup is logged and keeps the earlier backups', async () => {
    const blocker = path.join(dir, 'not-a-folder');
    await writeFile(blocker, 'x');
    const logs: string[] = [];
    const ops = new OpsMetrics();
    const s = startBackupSchedule({
      database,
      schedule: { enabled: false, time: '03:00', keep: 2, keepDays: 0, folder: blocker },
      log: (level, message, extra) => logs.push(`${level} ${message} ${JSON.stringify(extra)}`),
      ops,
    });
    expect(await s.runNow()).toBeUndefined();
    await s.stop();
    expect(logs.some((l) => l.startsWith('error scheduled backup failed'))).toBe(true);
    expect(ops.lastRun.get('backup')?.ok).toBe(false);
  }, HEAVY_MS);
});

describe('config: backup', () => {
  it('names every bad value', async () => {
    const home = path.join(dir, 'bad-config');
    await mkdir(home, { recursive: true });
    await writeFile(path.join(home, 'config.json'), JSON.stringify({ backup: { enabled: 'yes', time: '25:00', keep: 0, keepDays: -1, extra: 1 } }));
    let message = '';
    try {
      loadConfig({ HISHO_HOME: home });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/"backup": unknown key\(s\) extra|backup.*extra/);
    expect(message).toMatch(/"backup\.enabled": must be true or false/);
    expect(message).toMatch(/"backup\.time": must be a time of day as "HH:MM"/);
    expect(message).toMatch(/"backup\.keep": must be between 1 and 1000/);
    expect(message).toMatch(/"backup\.keepDays": must be between 0 \(no limit\) and 3650/);
    await writeFile(path.join(home, 'config.json'), JSON.stringify({ backup: { enabled: true, time: '22:15', keep: 3, keepDays: 0, folder: 'snapshots' } }));
    expect(loadConfig({ HISHO_HOME: home }).backup).toEqual({ enabled: true, time: '22:15', keep: 3, keepDays: 0, folder: path.join(home, 'snapshots') });
  }, HEAVY_MS);
});
