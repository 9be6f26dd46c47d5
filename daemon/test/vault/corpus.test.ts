/**
 * Indexes every vault of ../shared/corpus (real Obsidian vaults) on PGlite: no crash, every file
 * either indexed or listed as failed, and every parse problem reported. Skipped where the corpus
 * is absent. Times are printed, not asserted (the benchmark measures them).
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseTargets, type TestDatabase } from '../helpers/databases';
import { VaultIndexer } from '../../src/vault/indexer';
import { scanVault } from '../../src/vault/scan';
import { FakeWatcher } from '../../src/vault/watcher';
import { errorRows, notePaths, registerVaultRow } from './helpers';

const CORPUS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/corpus');
const present = existsSync(CORPUS);
const vaultNames = present ? readdirSync(CORPUS, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort() : [];

describe.skipIf(!present)('corpus vaults on PGlite', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await testDatabaseTargets().find((t) => t.kind === 'pglite')!.open();
  });
  afterAll(async () => {
    await database?.dispose();
  });

  it.each(vaultNames)('%s: indexed without a crash, every failure reported', { timeout: 600_000 }, async (name) => {
    const root = path.join(CORPUS, name);
    const filter = { fileExtensions: ['.md'], excludedFolders: [] };
    const onDisk = await scanVault(root, filter);
    const vaultId = await registerVaultRow(database.db, root);
    const indexer = new VaultIndexer({ db: database.db, vaultId, root, filter, watch: new FakeWatcher().watch });
    const started = Date.now();
    await indexer.start();
    await indexer.idle();
    const seconds = (Date.now() - started) / 1000;
    await indexer.stop();
    const indexed = await notePaths(database.db, vaultId);
    const problems = await errorRows(database.db, vaultId);
    const failed = problems.filter((p) => p.severity === 'error').map((p) => p.path);
    // Every file on disk is either a note in the index or a reported failure.
    expect(indexed.length + failed.length).toBe(onDisk.files.size);
    expect(indexer.getProgress().status).toBe('idle');
    // Every note whose frontmatter did not parse is listed.
    for (const p of problems) expect(p.message.length).toBeGreaterThan(0);
    if (name === 'kepano-vault') {
      const yaml = problems.filter((p) => p.path.startsWith('Templates/') && /YAML error/.test(p.message));
      expect(yaml.length).toBe(28);
    }
    console.log(
      `[corpus] ${name}: ${indexed.length} notes in ${seconds.toFixed(1)} s (${(indexed.length / seconds).toFixed(0)} notes/s), ` +
        `${failed.length} failed, ${problems.length - failed.length} warnings` +
        (problems.length ? `\n  ${problems.slice(0, 40).map((p) => `${p.severity} ${p.path}: ${p.message}`).join('\n  ')}` : ''),
    );
  });
});
