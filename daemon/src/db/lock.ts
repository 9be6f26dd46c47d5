/**
 * One daemon per data folder.
 *
 * PGlite does not lock its data folder: two processes on one folder silently lose writes. The daemon
 * holds this lock for its whole life. The lock file records the owner's pid; it is created exclusively
 * ('wx'), so only one process can create it. A lock left by a process that is gone (crash, power cut)
 * is taken over; a lock whose owner is alive makes acquireDataLock throw DataFolderLockedError.
 * Liveness uses process.kill(pid, 0) (signal 0 only checks; EPERM means the process exists but belongs
 * to someone else), which behaves the same on Windows, macOS and Linux.
 */
import { randomUUID } from 'node:crypto';
import { link, mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export const LOCK_FILE_NAME = 'hisho.lock';

interface LockContent {
  pid: number;
  hostname: string;
  token: string;
  startedAt: string;
}

export class DataFolderLockedError extends Error {
  override readonly name = 'DataFolderLockedError';
  constructor(
    readonly dataDir: string,
    readonly lockFile: string,
    readonly ownerPid: number | undefined,
    readonly ownerHost?: string,
  ) {
    const who =
      ownerPid === undefined
        ? 'a process that is starting right now'
        : ownerHost && ownerHost !== os.hostname()
          ? `process ${ownerPid} on computer "${ownerHost}"`
          : `process ${ownerPid}`;
    super(
      `Another Hisho daemon is already running with the data folder ${dataDir} (${who}). ` +
        `Only one daemon can use a data folder at a time: stop the other one first. ` +
        `If no Hisho daemon is running, delete the lock file ${lockFile} and start again.`,
    );
  }
}

export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function parse(text: string): LockContent | undefined {
  try {
    const v = JSON.parse(text) as Partial<LockContent>;
    if (typeof v.pid === 'number' && typeof v.token === 'string') {
      return { pid: v.pid, token: v.token, hostname: String(v.hostname ?? ''), startedAt: String(v.startedAt ?? '') };
    }
  } catch {
    // fall through
  }
  // Older/hand-written lock: a bare pid.
  const pid = Number.parseInt(text.trim(), 10);
  return Number.isInteger(pid) && pid > 0 && /^\d+$/.test(text.trim())
    ? { pid, token: '', hostname: '', startedAt: '' }
    : undefined;
}

async function readText(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** A lock file with no readable pid is being written by its creator unless it is older than this. */
const UNREADABLE_GRACE_MS = 10_000;

export async function acquireDataLock(dir: string): Promise<{ release(): Promise<void> }> {
  const dataDir = path.resolve(dir);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const lockFile = path.join(dataDir, LOCK_FILE_NAME);
  const mine: LockContent = {
    pid: process.pid,
    hostname: os.hostname(),
    token: randomUUID(),
    startedAt: new Date().toISOString(),
  };

  for (let attempt = 0; attempt < 10; attempt++) {
    try {
      const fh = await open(lockFile, 'wx', 0o600);
      try {
        await fh.writeFile(JSON.stringify(mine));
      } finally {
        await fh.close();
      }
      return { release: releaser(lockFile, mine.token) };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }

    const text = await readText(lockFile);
    if (text === undefined) continue; // released meanwhile: try again
    const owner = parse(text);
    if (!owner) {
      const age = await stat(lockFile).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      if (age < UNREADABLE_GRACE_MS) throw new DataFolderLockedError(dataDir, lockFile, undefined);
    } else if (owner.hostname && owner.hostname !== mine.hostname) {
      // Another computer (shared/synced folder): its pid cannot be checked from here.
      throw new DataFolderLockedError(dataDir, lockFile, owner.pid, owner.hostname);
    } else if (owner.pid === process.pid || isProcessAlive(owner.pid)) {
      throw new DataFolderLockedError(dataDir, lockFile, owner.pid, owner.hostname || undefined);
    }

    // Stale: move it aside atomically, then check we moved the stale file and not a fresh lock that
    // another starting daemon created after we read it.
    const aside = `${lockFile}.stale-${process.pid}-${mine.token}`;
    try {
      await rename(lockFile, aside);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw e;
    }
    const moved = await readText(aside);
    if (moved !== undefined && moved !== text) {
      // We took a live lock: put it back (link fails if yet another lock appeared) and give up.
      await link(aside, lockFile).catch(() => undefined);
      await unlink(aside).catch(() => undefined);
      const fresh = parse(moved);
      throw new DataFolderLockedError(dataDir, lockFile, fresh?.pid, fresh?.hostname || undefined);
    }
    await unlink(aside).catch(() => undefined);
  }
  throw new Error(`Could not take the lock ${lockFile}: it keeps changing (another Hisho daemon starting?)`);
}

function releaser(lockFile: string, token: string): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () =>
    (done ??= (async () => {
      const text = await readText(lockFile);
      // Only remove the file if it is still ours.
      if (text !== undefined && parse(text)?.token === token) {
        await unlink(lockFile).catch((e: NodeJS.ErrnoException) => {
          if (e.code !== 'ENOENT') throw e;
        });
      }
    })());
}
