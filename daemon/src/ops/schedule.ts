/**
 * The scheduled backup (design §9.1, daily), run inside the daemon: off by default; at a local time
 * of day; into a folder (default HISHO_HOME/backups); keeping the newest `keep` backups and none older
 * than `keepDays` (the newest is always kept). A computer that was off at that time gets its backup
 * shortly after the daemon starts when the newest one is more than a day old. Timers are unref'd and
 * stopped at shutdown; a failure is logged, and the previous backups stay.
 */
import { readdir, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Database } from '../db/drivers';
import type { Log } from '../log';
import { backupDatabase, backupFileName } from './backup';
import type { OpsMetrics } from './metrics';

export interface BackupSchedule {
  enabled: boolean;
  /** "HH:MM", local time. */
  time: string;
  /** How many scheduled backups to keep (at least 1). */
  keep: number;
  /** Delete scheduled backups older than this many days (0: no age limit). */
  keepDays: number;
  folder: string;
}

const SCHEDULED = /^hisho-\d{8}-\d{6}\.hisho-backup\.gz$/;
const DAY = 86_400_000;

/** The next local time `HH:MM` strictly after `now`. */
export function nextRunAt(now: Date, time: string): Date {
  const [h, m] = time.split(':').map((x) => Number.parseInt(x, 10));
  const at = new Date(now);
  at.setHours(h ?? 3, m ?? 0, 0, 0);
  if (at.getTime() <= now.getTime()) at.setDate(at.getDate() + 1);
  return at;
}

/** Scheduled backups in the folder (only files named by backupFileName()), newest first. */
export async function listBackups(folder: string): Promise<Array<{ file: string; mtimeMs: number }>> {
  let names: string[];
  try {
    names = await readdir(folder);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const out: Array<{ file: string; mtimeMs: number }> = [];
  for (const name of names.filter((n) => SCHEDULED.test(n)).sort().reverse()) {
    const file = path.join(folder, name);
    out.push({ file, mtimeMs: (await stat(file)).mtimeMs });
  }
  return out;
}

/** Deletes the scheduled backups beyond `keep` or older than `keepDays`; never the newest. Returns the deleted files. */
export async function pruneBackups(folder: string, keep: number, keepDays: number, now = Date.now()): Promise<string[]> {
  const all = await listBackups(folder);
  const deleted: string[] = [];
  for (const [i, b] of all.entries()) {
    if (i === 0) continue;
    const tooMany = i >= Math.max(1, keep);
    const tooOld = keepDays > 0 && now - b.mtimeMs > keepDays * DAY;
    if (tooMany || tooOld) {
      await unlink(b.file);
      deleted.push(b.file);
    }
  }
  return deleted;
}

export interface ScheduledBackups {
  /** Makes a scheduled backup now and prunes; resolves to the file, or undefined when it failed (logged). */
  runNow(): Promise<string | undefined>;
  /** When the next backup is due (undefined when off). */
  next(): Date | undefined;
  stop(): Promise<void>;
}

export function startBackupSchedule(options: {
  database: Database;
  schedule: BackupSchedule;
  log: Log;
  ops?: OpsMetrics;
  /** A missed daily backup runs this long after start (default 2 minutes). */
  catchUpDelayMs?: number;
  now?: () => Date;
}): ScheduledBackups {
  const { database, schedule, log, ops } = options;
  const now = options.now ?? (() => new Date());
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<string | undefined> = Promise.resolve(undefined);
  let stopped = false;
  let due: Date | undefined;

  const runNow = (): Promise<string | undefined> => {
    running = running.then(async () => {
      if (stopped) return undefined;
      const started = performance.now();
      const file = path.join(schedule.folder, backupFileName(now()));
      try {
        const result = await backupDatabase(database, file);
        const pruned = await pruneBackups(schedule.folder, schedule.keep, schedule.keepDays, now().getTime());
        ops?.record('backup', true, (performance.now() - started) / 1000);
        log('info', 'scheduled backup written', { file: result.file, bytes: result.bytes, pruned: pruned.length });
        return result.file;
      } catch (e) {
        ops?.record('backup', false, (performance.now() - started) / 1000);
        log('error', 'scheduled backup failed (earlier backups are kept)', { error: e instanceof Error ? e.message : String(e) });
        return undefined;
      }
    });
    return running;
  };

  const arm = (at: Date) => {
    if (stopped) return;
    due = at;
    // setTimeout holds at most ~24.8 days; a day is far below that.
    timer = setTimeout(() => {
      void runNow().then(() => arm(nextRunAt(now(), schedule.time)));
    }, Math.max(0, at.getTime() - now().getTime()));
    timer.unref();
  };

  if (schedule.enabled) {
    void listBackups(schedule.folder)
      .then((existing) => {
        const newest = existing[0];
        const missed = !newest || now().getTime() - newest.mtimeMs > DAY;
        const regular = nextRunAt(now(), schedule.time);
        const catchUp = new Date(now().getTime() + (options.catchUpDelayMs ?? 120_000));
        arm(missed && catchUp < regular ? catchUp : regular);
      })
      .catch((e: unknown) => {
        log('warn', 'cannot read the backup folder', { folder: schedule.folder, error: e instanceof Error ? e.message : String(e) });
        arm(nextRunAt(now(), schedule.time));
      });
  }

  return {
    runNow,
    next: () => due,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running.catch(() => undefined);
    },
  };
}
