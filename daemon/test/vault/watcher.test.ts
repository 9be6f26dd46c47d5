/**
 * The real watcher (chokidar 5) driving the indexer over a real temporary folder: add, change,
 * delete, rename, folder rename, excluded folder, .obsidian and dot-folders ignored, symlink loops.
 * Assertions wait for the index to reach the expected state (no fixed sleeps).
 */
import { mkdir, rename, rm, symlink } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseTargets, type TestDatabase } from '../helpers/databases';
import { VaultIndexer } from '../../src/vault/indexer';
import { watchWithChokidar, type WatchEvent } from '../../src/vault/watcher';
import { eventually, noteByPath, notePaths, registerVaultRow, tempVault, type TempVault } from './helpers';

describe('watchWithChokidar', () => {
  it('reports add, change, unlink and folders; ignores what the filter says; survives a symlink loop', async () => {
    const vault = await tempVault({ 'a.md': 'a' });
    await mkdir(path.join(vault.root, 'loop'));
    await symlink(vault.root, path.join(vault.root, 'loop', 'back'));
    const events: WatchEvent[] = [];
    let ready = false;
    const close = watchWithChokidar(vault.root, { ignored: (abs) => abs.includes(`${path.sep}.obsidian`) }, (e) => {
      if (e.type === 'ready') ready = true;
      else events.push(e);
    });
    try {
      await eventually(() => ready, 'ready');
      await vault.write('b.md', 'b');
      await vault.write('.obsidian/workspace.json', '{}');
      await vault.write('a.md', 'a2');
      await vault.remove('b.md');
      await vault.write('dir/c.md', 'c');
      const has = (type: string, rel: string) => events.some((e) => e.type === type && e.path === path.join(vault.root, rel));
      await eventually(() => has('add', 'b.md') && has('change', 'a.md') && has('unlink', 'b.md') && has('addDir', 'dir'), 'events');
      expect(events.some((e) => e.path?.includes('.obsidian'))).toBe(false);
    } finally {
      await close();
      await vault.dispose();
    }
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
    indexer = new VaultIndexer({
      db: database.db,
      vaultId,
      root: vault.root,
      filter: { fileExtensions: ['.md'], excludedFolders: ['Private'] },
      watch: watchWithChokidar,
      debounceMs: 50,
      rootPollMs: 100,
    });
    await indexer.start();
    await indexer.idle();
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
});
