/**
 * The real watcher (one fs.watch per folder, or one recursive watch) over a real temporary folder,
 * alone and driving the indexer: add, change, delete, rename, folder add/rename/remove, excluded
 * folder, .obsidian and dot-folders ignored, symlink loops, the vault folder vanishing and coming back.
 * Assertions wait for the index to reach the expected state (no fixed sleeps).
 */
import { mkdir, readFile, readdir, readlink, rename, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseTargets, type TestDatabase } from '../helpers/databases';
import type { VaultIndexer } from '../../src/vault/indexer';
import { folderWatcher, type Watch, type WatchEvent } from '../../src/vault/watcher';
import { eventually, noteByPath, notePaths, registerVaultRow, startWatchedIndexer, tempVault, type TempVault } from './helpers';

/** The inotify watches this process holds (Linux): one line per watch in the fdinfo of each inotify fd. */
async function inotifyWatches(): Promise<number> {
  let n = 0;
  for (const fd of await readdir('/proc/self/fd')) {
    const target = await readlink(`/proc/self/fd/${fd}`).catch(() => '');
    if (target !== 'anon_inode:inotify') continue;
    const info = await readFile(`/proc/self/fdinfo/${fd}`, 'utf8').catch(() => '');
    n += info.split('\n').filter((l) => l.startsWith('inotify wd:')).length;
  }
  return n;
}

/** Starts a watcher on `root` and collects its events until closed. */
async function watching(watch: Watch, root: string, ignored: (abs: string, isDir: boolean | undefined) => boolean = () => false) {
  const events: WatchEvent[] = [];
  let ready = false;
  const close = watch(root, { ignored }, (e) => {
    if (e.type === 'ready') ready = true;
    else events.push(e);
  });
  await eventually(() => ready, 'ready');
  const has = (type: string, rel: string) => events.some((e) => e.type === type && e.path === path.join(root, ...rel.split('/')));
  return { events, has, close };
}

describe.each([
  { mode: 'one watch per folder', recursive: false },
  // On Linux, Node 20's recursive fs.watch is its own emulation; macOS and Windows use this mode natively.
  { mode: 'one recursive watch', recursive: true },
])('the folder watcher, $mode', ({ recursive }) => {
  const watch = folderWatcher(recursive);

  it('reports add, change, unlink and folders; ignores what the filter says; survives a symlink loop', async () => {
    const vault = await tempVault({ 'a.md': 'a' });
    await mkdir(path.join(vault.root, 'loop'));
    await symlink(vault.root, path.join(vault.root, 'loop', 'back'));
    const w = await watching(watch, vault.root, (abs) => abs.includes(`${path.sep}.obsidian`));
    try {
      await vault.write('b.md', 'b');
      await vault.write('.obsidian/workspace.json', '{}');
      await vault.write('a.md', 'a2');
      await vault.remove('b.md');
      await vault.write('dir/c.md', 'c');
      await eventually(() => w.has('add', 'b.md') && w.has('change', 'a.md') && w.has('unlink', 'b.md') && w.has('addDir', 'dir'), 'events');
      await vault.write('dir/d.md', 'd');
      await eventually(() => w.has('add', 'dir/d.md'), 'a file added in the new folder');
      expect(w.events.some((e) => e.path?.includes('.obsidian'))).toBe(false);
      expect(w.events.some((e) => e.type === 'error')).toBe(false);
    } finally {
      await w.close();
      await vault.dispose();
    }
  });

  it('folders: nested ones added at once, renamed, removed, deleted and created again under the same name', async () => {
    const vault = await tempVault({ 'Old/inner.md': 'inner', 'Old/Sub/deep.md': 'deep' });
    const w = await watching(watch, vault.root);
    try {
      await vault.write('New/A/B/c.md', 'c');
      await eventually(() => w.has('addDir', 'New') && w.has('addDir', 'New/A') && w.has('addDir', 'New/A/B'), 'nested folders reported');
      await vault.write('New/A/B/later.md', 'later');
      await eventually(() => w.has('add', 'New/A/B/later.md'), 'the deepest new folder is watched');

      await rename(path.join(vault.root, 'Old'), path.join(vault.root, 'Renamed'));
      await eventually(() => w.has('unlinkDir', 'Old') && w.has('addDir', 'Renamed') && w.has('addDir', 'Renamed/Sub'), 'folder renamed');
      await vault.write('Renamed/Sub/after.md', 'after');
      await eventually(() => w.has('add', 'Renamed/Sub/after.md'), 'the renamed folder is watched under its new name');

      await vault.remove('New');
      await eventually(() => w.has('unlinkDir', 'New'), 'folder removed');

      // The folder deleted and created again (its inode number may be reused): it is reported
      // added again once its new watch is in place (the consumer rescans it for files like again.md).
      w.events.length = 0;
      await vault.remove('Renamed/Sub');
      // Node 20's recursive watch on Linux (an emulation; the product uses it only where it is
      // native) can miss a folder created again before it saw the removal: seen once in a loaded
      // full run. The per-folder mode, Linux's own, is tested without the wait.
      if (recursive) await eventually(() => w.has('unlinkDir', 'Renamed/Sub'), 'the folder removed');
      await mkdir(path.join(vault.root, 'Renamed', 'Sub'));
      await vault.write('Renamed/Sub/again.md', 'again');
      await eventually(() => w.has('addDir', 'Renamed/Sub'), 'the folder created again is seen');
      w.events.length = 0;
      await vault.write('Renamed/Sub/again2.md', 'again2');
      await eventually(() => w.has('add', 'Renamed/Sub/again2.md'), 'the folder created again is watched');
    } finally {
      await w.close();
      await vault.dispose();
    }
  });

  it('the vault folder itself moved away: unlinkDir of the vault folder', async () => {
    const vault = await tempVault({ 'a.md': 'a', 'Sub/b.md': 'b' });
    const w = await watching(watch, vault.root);
    const away = `${vault.root}-away`;
    try {
      await rename(vault.root, away);
      await eventually(() => w.events.some((e) => e.type === 'unlinkDir' && e.path === vault.root), 'unlinkDir of the vault folder');
    } finally {
      await w.close();
      await rm(away, { recursive: true, force: true });
      await vault.dispose();
    }
  });
});

describe.runIf(process.platform === 'linux')('the folder watcher on Linux', () => {
  it('holds one inotify watch per folder, not one per file, and none for ignored folders', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 40; i++) files[`${i % 2 ? 'A' : 'B'}/note ${i}.md`] = `note ${i}`;
    files['.obsidian/plugins/x/main.js'] = '';
    files['Private/secret.md'] = 'secret';
    const vault = await tempVault(files);
    const before = await inotifyWatches();
    const w = await watching(folderWatcher(false), vault.root, (abs) => abs.includes(`${path.sep}.`) || abs.includes(`${path.sep}Private`));
    try {
      expect((await inotifyWatches()) - before).toBe(3); // the vault, A and B
    } finally {
      await w.close();
      await vault.dispose();
    }
    expect(await inotifyWatches()).toBe(before);
  });
});

describe.each(testDatabaseTargets())('indexer with the real watcher on $kind', (target) => {
  let database: TestDatabase;
  let vault: TempVault;
  let indexer: VaultIndexer;
  let vaultId: number;

  beforeAll(async () => {
    database = await target.open();
    vault = await tempVault({
      'keep.md': 'keep [[moved]]',
      'Folder/inner.md': 'inner',
      'Folder/Sub/deep.md': 'deep',
    });
    vaultId = await registerVaultRow(database.db, vault.root, { excludedFolders: ['Private'] });
    indexer = await startWatchedIndexer(database.db, vaultId, vault.root, ['Private']);
  });
  afterAll(async () => {
    await indexer?.stop();
    await vault?.dispose();
    await database?.dispose();
  });

  const paths = () => notePaths(database.db, vaultId);

  it('starts with the files on disk', async () => {
    expect(await paths()).toEqual(['Folder/Sub/deep.md', 'Folder/inner.md', 'keep.md']);
  });

  it('add, change, delete', async () => {
    await vault.write('new.md', 'new note');
    await eventually(async () => (await paths()).includes('new.md'), 'new.md added');
    await vault.write('new.md', 'new note, edited');
    await eventually(async () => (await noteByPath(database.db, vaultId, 'new.md'))?.body === 'new note, edited', 'new.md changed');
    await vault.remove('new.md');
    await eventually(async () => !(await paths()).includes('new.md'), 'new.md deleted');
  });

  it('rename a note (links re-resolve to the new name)', async () => {
    await vault.write('old name.md', 'x');
    await eventually(async () => (await paths()).includes('old name.md'), 'old name.md added');
    await rename(path.join(vault.root, 'old name.md'), path.join(vault.root, 'moved.md'));
    await eventually(async () => {
      const p = await paths();
      return p.includes('moved.md') && !p.includes('old name.md');
    }, 'renamed');
  });

  it('rename a folder: every note under it moves', async () => {
    await rename(path.join(vault.root, 'Folder'), path.join(vault.root, 'Renamed'));
    await eventually(async () => (await paths()).join() === 'Renamed/Sub/deep.md,Renamed/inner.md,keep.md,moved.md', 'folder renamed');
  });

  it('excluded folders, .obsidian, .trash and dot-folders are never indexed', async () => {
    await vault.write('Private/secret.md', 'secret');
    await vault.write('.obsidian/plugins/x.md', 'config');
    await vault.write('.trash/old.md', 'trash');
    await vault.write('.hidden/note.md', 'hidden');
    await vault.write('visible.md', 'marker written last');
    await eventually(async () => (await paths()).includes('visible.md'), 'marker indexed');
    await indexer.idle();
    const p = await paths();
    expect(p.filter((x) => /Private|\.obsidian|\.trash|\.hidden/.test(x))).toEqual([]);
  });

  it('a removed folder removes its notes', async () => {
    await rm(path.join(vault.root, 'Renamed'), { recursive: true });
    await eventually(async () => !(await paths()).some((x) => x.startsWith('Renamed/')), 'folder removed');
  });

  it('the vault folder moved away → error, index kept; moved back → recovers, indexes what changed, watches again', async () => {
    const before = await paths();
    const away = `${vault.root}-away`;
    await rename(vault.root, away);
    await eventually(() => indexer.getProgress().status === 'error', 'error status');
    expect(indexer.getProgress().error).toMatch(/does not exist/);
    expect(await paths()).toEqual(before);
    await writeFile(path.join(away, 'while away.md'), 'written while away');
    await rename(away, vault.root);
    await eventually(async () => (await paths()).includes('while away.md'), 'recovered and reconciled');
    await eventually(() => indexer.getProgress().status === 'idle', 'idle again');
    await vault.write('after recovery.md', 'after');
    await eventually(async () => (await paths()).includes('after recovery.md'), 'watched again');
  });
});
