/** One daemon per data folder: the lock file. */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireDataLock, DataFolderLockedError, isProcessAlive, LOCK_FILE_NAME } from '../../src/db/lock';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'hisho-lock-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  const pid = child.pid!;
  await new Promise((r) => child.on('exit', r));
  expect(isProcessAlive(pid)).toBe(false);
  return pid;
}

describe('acquireDataLock', () => {
  it('writes a lock file with our pid; a second acquire in the same folder fails clearly', async () => {
    const lock = await acquireDataLock(dir);
    const file = path.join(dir, LOCK_FILE_NAME);
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ pid: process.pid, hostname: os.hostname() });

    const e = await acquireDataLock(dir).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(DataFolderLockedError);
    const err = e as DataFolderLockedError;
    expect(err.ownerPid).toBe(process.pid);
    expect(err.dataDir).toBe(path.resolve(dir));
    expect(err.message).toMatch(/another Hisho daemon is already running/i);
    expect(err.message).toContain(path.resolve(dir));
    expect(err.message).toContain(String(process.pid));
    await lock.release();
  });

  it('release frees the folder; release twice is harmless', async () => {
    const lock = await acquireDataLock(dir);
    await lock.release();
    await lock.release();
    expect(existsSync(path.join(dir, LOCK_FILE_NAME))).toBe(false);
    const again = await acquireDataLock(dir);
    await again.release();
  });

  it('takes over a stale lock whose process is dead', async () => {
    const pid = await deadPid();
    const file = path.join(dir, LOCK_FILE_NAME);
    await writeFile(file, JSON.stringify({ pid, hostname: os.hostname(), token: 'old', startedAt: '' }));
    const lock = await acquireDataLock(dir);
    expect(JSON.parse(await readFile(file, 'utf8')).pid).toBe(process.pid);
    await lock.release();
  });

  it('takes over a stale lock holding a bare pid, and an old unreadable lock', async () => {
    const file = path.join(dir, LOCK_FILE_NAME);
    await writeFile(file, String(await deadPid()));
    const a = await acquireDataLock(dir);
    await a.release();

    await writeFile(file, '');
    const old = new Date(Date.now() - 60_000);
    const { utimes } = await import('node:fs/promises');
    await utimes(file, old, old);
    const b = await acquireDataLock(dir);
    expect(JSON.parse(await readFile(file, 'utf8')).pid).toBe(process.pid);
    await b.release();
  });

  it('refuses while the owner is another live process', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      await new Promise((r) => child.on('spawn', r));
      const file = path.join(dir, LOCK_FILE_NAME);
      await writeFile(file, JSON.stringify({ pid: child.pid, hostname: os.hostname(), token: 'theirs', startedAt: '' }));
      const e = await acquireDataLock(dir).catch((err: unknown) => err);
      expect(e).toBeInstanceOf(DataFolderLockedError);
      expect((e as DataFolderLockedError).ownerPid).toBe(child.pid);
      expect((e as Error).message).toContain(`process ${child.pid}`);
      // The other owner's lock is left alone.
      expect(JSON.parse(await readFile(file, 'utf8')).token).toBe('theirs');
    } finally {
      child.kill();
    }
  });

  it('a freshly created lock that is still empty counts as taken (its owner is writing it)', async () => {
    await writeFile(path.join(dir, LOCK_FILE_NAME), '');
    await expect(acquireDataLock(dir)).rejects.toBeInstanceOf(DataFolderLockedError);
  });

  it('release does not delete a lock that now belongs to someone else', async () => {
    const lock = await acquireDataLock(dir);
    const file = path.join(dir, LOCK_FILE_NAME);
    await writeFile(file, JSON.stringify({ pid: process.pid, hostname: os.hostname(), token: 'other', startedAt: '' }));
    await lock.release();
    expect(existsSync(file)).toBe(true);
  });

  it('isProcessAlive: ourselves yes, a dead pid no, nonsense no', async () => {
    expect(isProcessAlive(process.pid)).toBe(true);
    expect(isProcessAlive(await deadPid())).toBe(false);
    expect(isProcessAlive(0)).toBe(false);
    expect(isProcessAlive(-5)).toBe(false);
  });

  it('creates the folder if missing', async () => {
    const nested = path.join(dir, 'a', 'b');
    const lock = await acquireDataLock(nested);
    expect(existsSync(path.join(nested, LOCK_FILE_NAME))).toBe(true);
    await lock.release();
  });
});
