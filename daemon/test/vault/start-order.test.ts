/**
 * Start order: the watcher is started after the reconcile's scan, and files changed between that
 * scan and the watcher's 'ready' (which the watcher never reports) are caught by the second pass.
 * Also: a file whose read fails after it was listed is reported, never dropped silently; two files
 * whose names differ only in Unicode form are indexed once and the other is reported.
 */
import { writeFileSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseTargets, type TestDatabase } from '../helpers/databases';
import { VaultIndexer, type IndexPhase } from '../../src/vault/indexer';
import { FakeWatcher, type Watch } from '../../src/vault/watcher';
import { errorRows, noteByPath, notePaths, registerVaultRow, tempVault, type TempVault } from './helpers';

describe.each(testDatabaseTargets())('indexer start order on $kind', (target) => {
  let database: TestDatabase;
  let vault: TempVault | undefined;
  const indexers: VaultIndexer[] = [];

  beforeAll(async () => {
    database = await target.open();
  });
  afterAll(async () => {
    await database?.dispose();
  });
  afterEach(async () => {
    for (const i of indexers.splice(0)) await i.stop();
    await vault?.dispose();
    vault = undefined;
  });

  const makeIndexer = (root: string, vaultId: number, watch: Watch) => {
    const i = new VaultIndexer({ db: database.db, vaultId, root, filter: { fileExtensions: ['.md'], excludedFolders: [] }, watch, debounceMs: 20, rootPollMs: 50 });
    indexers.push(i);
    return i;
  };

  it('files written, changed and deleted between the scan and the watcher being ready are all caught', async () => {
    const v = (vault = await tempVault({ 'keep.md': 'keep', 'edit.md': 'before', 'gone.md': 'gone' }));
    const vaultId = await registerVaultRow(database.db, v.root);
    // First run: index the vault, then stop.
    const first = makeIndexer(v.root, vaultId, new FakeWatcher().watch);
    await first.start();
    await first.idle();
    await first.stop();
    indexers.splice(0);

    // Second run: the watcher is started after the scan; the changes below happen in the window
    // before its 'ready', and the fake watcher reports none of them.
    const fake = new FakeWatcher();
    let phaseAtWatch: IndexPhase | undefined;
    const watch: Watch = (root, options, onEvent) => {
      phaseAtWatch = second.getProgress().phase;
      writeFileSync(path.join(root, 'new.md'), 'written in the window');
      writeFileSync(path.join(root, 'edit.md'), 'edited in the window, longer');
      unlinkSync(path.join(root, 'gone.md'));
      return fake.watch(root, options, onEvent);
    };
    const second = makeIndexer(v.root, vaultId, watch);
    await second.start();
    await second.idle();
    expect(phaseAtWatch).toBe('watching'); // the reconcile was over when the watcher started
    expect(await notePaths(database.db, vaultId)).toEqual(['edit.md', 'keep.md', 'new.md']);
    expect((await noteByPath(database.db, vaultId, 'edit.md'))?.body).toBe('edited in the window, longer');
    expect(second.parses).toBe(2); // new.md and edit.md; keep.md is never read again
    expect(second.getProgress().status).toBe('idle');
  });

  it('nothing changed: the second pass reads nothing and the status stays idle', async () => {
    const v = (vault = await tempVault({ 'a.md': 'a', 'b.md': 'b' }));
    const vaultId = await registerVaultRow(database.db, v.root);
    const first = makeIndexer(v.root, vaultId, new FakeWatcher().watch);
    await first.start();
    await first.idle();
    await first.stop();
    const second = makeIndexer(v.root, vaultId, new FakeWatcher().watch);
    const statuses: string[] = [];
    await second.start();
    second.on((e) => {
      if (e.type === 'progress') statuses.push(e.progress.status);
    });
    await second.idle();
    expect(second.parses).toBe(0);
    expect(statuses.filter((s) => s !== 'idle')).toEqual([]);
  });

  it('the same name in NFC and NFD: indexed once (the NFC file), the other reported', async () => {
    const name = 'テンプレート.md';
    const v = (vault = await tempVault({ [name]: 'nfc twin', [name.normalize('NFD')]: 'nfd twin' }));
    const vaultId = await registerVaultRow(database.db, v.root);
    const i = makeIndexer(v.root, vaultId, new FakeWatcher().watch);
    await i.start();
    await i.idle();
    expect(await notePaths(database.db, vaultId)).toEqual([name]);
    expect((await noteByPath(database.db, vaultId, name))?.body).toBe('nfc twin');
    const errors = await errorRows(database.db, vaultId);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ path: name, severity: 'warning' });
    expect(errors[0]!.message).toMatch(/same name in another Unicode form/);
  });
});
