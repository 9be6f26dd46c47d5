/**
 * File names written in NFD (as macOS writes them) in a real temporary folder, with the real
 * watcher: the note is read through its on-disk name, stored and searched under its NFC path, and
 * follows renames and deletes reported by the watcher with the on-disk name.
 */
import { readdir, rename } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseTargets, type TestDatabase } from '../helpers/databases';
import { parseQuery } from '../../src/search/query';
import { searchNotes } from '../../src/search/search';
import type { VaultIndexer } from '../../src/vault/indexer';
import { errorRows, eventually, noteByPath, notePaths, registerVaultRow, startWatchedIndexer, tempVault, type TempVault } from './helpers';

const NFC_NAME = '📘Templaterの普段使いテンプレートを再作成.md';
const NFD_NAME = NFC_NAME.normalize('NFD');
const NFD_FOLDER = 'ノート'.normalize('NFD');

describe.each(testDatabaseTargets())('NFD file names on $kind', (target) => {
  let database: TestDatabase;
  let vault: TempVault;
  let indexer: VaultIndexer;
  let vaultId: number;

  beforeAll(async () => {
    database = await target.open();
    vault = await tempVault({
      [NFD_NAME]: 'テンプレート本文 nfdbodyword',
      [`${NFD_FOLDER}/${'ガイド'.normalize('NFD')}.md`]: 'guide in an NFD folder',
      'plain.md': 'plain',
    });
    vaultId = await registerVaultRow(database.db, vault.root);
    indexer = await startWatchedIndexer(database.db, vaultId, vault.root);
  });
  afterAll(async () => {
    await indexer?.stop();
    await vault?.dispose();
    await database?.dispose();
  });

  const paths = () => notePaths(database.db, vaultId);

  it('the names really are NFD on disk', async () => {
    const names = await readdir(vault.root);
    expect(names).toContain(NFD_NAME);
    expect(names).not.toContain(NFC_NAME);
  });

  it('indexes them under their NFC path, searchable, with nothing failed', async () => {
    expect(await paths()).toEqual([NFC_NAME, 'plain.md', `ノート/ガイド.md`].sort());
    expect((await noteByPath(database.db, vaultId, NFC_NAME))?.body).toContain('nfdbodyword');
    const found = await searchNotes(database.db, vaultId, parseQuery({ q: 'nfdbodyword' }), 10, 0);
    expect(found.results.map((r) => r.path)).toEqual([NFC_NAME]);
    const ja = await searchNotes(database.db, vaultId, parseQuery({ q: 'テンプレート' }), 10, 0);
    expect(ja.results.map((r) => r.path)).toContain(NFC_NAME);
    expect(await errorRows(database.db, vaultId)).toEqual([]);
    expect(indexer.getProgress().failed).toBe(0);
  });

  it('an NFD file changed, added, renamed and deleted through the watcher', async () => {
    await vault.write(NFD_NAME, 'テンプレート本文 edited');
    await eventually(async () => (await noteByPath(database.db, vaultId, NFC_NAME))?.body === 'テンプレート本文 edited', 'change indexed');

    const added = 'メモ'.normalize('NFD');
    await vault.write(`${added}.md`, 'memo');
    await eventually(async () => (await paths()).includes('メモ.md'), 'NFD add indexed as NFC');

    const renamed = 'ポスト'.normalize('NFD');
    await rename(path.join(vault.root, `${added}.md`), path.join(vault.root, `${renamed}.md`));
    await eventually(async () => {
      const p = await paths();
      return p.includes('ポスト.md') && !p.includes('メモ.md');
    }, 'NFD rename applied');
    expect((await noteByPath(database.db, vaultId, 'ポスト.md'))?.body).toBe('memo');

    await vault.remove(`${renamed}.md`);
    await eventually(async () => !(await paths()).includes('ポスト.md'), 'NFD delete applied');
    expect(await errorRows(database.db, vaultId)).toEqual([]);
  });

  it('an NFD file renamed to its NFC spelling stays indexed', async () => {
    await rename(path.join(vault.root, NFD_NAME), path.join(vault.root, NFC_NAME));
    await vault.write(NFC_NAME, 'テンプレート本文 now NFC on disk');
    await eventually(async () => (await noteByPath(database.db, vaultId, NFC_NAME))?.body === 'テンプレート本文 now NFC on disk', 'indexed under NFC');
    await indexer.idle();
    expect(await paths()).toContain(NFC_NAME);
  });

  it('a folder with an NFD name added with notes inside, then removed', async () => {
    const folder = 'アーカイブ'.normalize('NFD');
    await vault.write(`${folder}/${'記録'.normalize('NFD')}.md`, 'archived');
    await eventually(async () => (await paths()).includes('アーカイブ/記録.md'), 'notes of the NFD folder indexed');
    await vault.remove(folder);
    await eventually(async () => !(await paths()).includes('アーカイブ/記録.md'), 'NFD folder removed');
  });

  it('a restart finds everything unchanged (nothing read again)', async () => {
    await indexer.stop();
    indexer = await startWatchedIndexer(database.db, vaultId, vault.root);
    expect(indexer.parses).toBe(0);
    expect(indexer.getProgress().failed).toBe(0);
  });
});
