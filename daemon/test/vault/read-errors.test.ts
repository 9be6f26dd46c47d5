/**
 * A file that was listed but cannot be read (here: readFile fails with ENOENT or EIO, as an NFD name
 * opened by its NFC spelling did) is reported in vault_index_errors and counted as failed, never
 * dropped silently; it is indexed once it reads again.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { testDatabaseTargets, type TestDatabase } from '../helpers/databases';
import { VaultIndexer } from '../../src/vault/indexer';
import { FakeWatcher } from '../../src/vault/watcher';
import { errorRows, notePaths, registerVaultRow, tempVault } from './helpers';

const failing = new Map<string, string>();

vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  const readFile = (async (file: Parameters<typeof actual.readFile>[0], ...rest: unknown[]) => {
    for (const [needle, code] of failing) {
      if (String(file).includes(needle)) throw Object.assign(new Error(`${code}: simulated`), { code });
    }
    return (actual.readFile as (...a: unknown[]) => unknown)(file, ...rest);
  }) as typeof actual.readFile;
  return { ...actual, readFile, default: { ...actual, readFile } };
});

describe.each(testDatabaseTargets())('read failures on $kind', (target) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await target.open();
  });
  afterAll(async () => {
    await database?.dispose();
  });

  it('a listed file whose read fails is reported, counted as failed, and indexed once readable', async () => {
    const vault = await tempVault({ 'ok.md': 'ok', 'vanishing.md': 'v', 'broken.md': 'b' });
    failing.set('vanishing.md', 'ENOENT');
    failing.set('broken.md', 'EIO');
    const vaultId = await registerVaultRow(database.db, vault.root);
    const fake = new FakeWatcher();
    const i = new VaultIndexer({ db: database.db, vaultId, root: vault.root, filter: { fileExtensions: ['.md'], excludedFolders: [] }, watch: fake.watch, debounceMs: 20, rootPollMs: 50 });
    try {
      await i.start();
      await i.idle();
      expect(await notePaths(database.db, vaultId)).toEqual(['ok.md']);
      const errors = await errorRows(database.db, vaultId);
      expect(errors.map((e) => [e.path, e.severity])).toEqual([
        ['broken.md', 'error'],
        ['vanishing.md', 'error'],
      ]);
      expect(errors[1]!.message).toMatch(/Cannot read the file: .*ENOENT/);
      expect(i.getProgress().failed).toBe(2);

      failing.clear();
      fake.emit(vault.root, { type: 'change', path: `${vault.root}/vanishing.md` });
      fake.emit(vault.root, { type: 'change', path: `${vault.root}/broken.md` });
      await i.idle();
      expect(await notePaths(database.db, vaultId)).toEqual(['broken.md', 'ok.md', 'vanishing.md']);
      expect(await errorRows(database.db, vaultId)).toEqual([]);
      expect(i.getProgress().failed).toBe(0);
    } finally {
      failing.clear();
      await i.stop();
      await vault.dispose();
    }
  });
});
