/**
 * The vault indexer against a real database (PGlite; PostgreSQL too when HISHO_TEST_PG_URL is set)
 * and a real temporary folder, with a fake watcher: reconcile, link resolution, per-file errors,
 * the index generation, and a vault folder that disappears and comes back.
 */
import { rename, rm, utimes } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it } from 'vitest';
import { testDatabaseTargets, type TestDatabase } from '../helpers/databases';
import { sql } from 'drizzle-orm';
import { parseQuery } from '../../src/search/query';
import { searchNotes } from '../../src/search/search';
import { VaultIndexer } from '../../src/vault/indexer';
import { beginBulkLoad, endBulkLoad } from '../../src/vault/store';
import { FakeWatcher } from '../../src/vault/watcher';
import { errorRows, eventually, generationOf, linkTable, noteByPath, notePaths, registerVaultRow, tempVault, type TempVault } from './helpers';

const BINARY = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 37) % 256));

describe.each(testDatabaseTargets())('vault indexer on $kind', (target) => {
  let database: TestDatabase;
  let vault: TempVault;
  let fake: FakeWatcher;
  const indexers: VaultIndexer[] = [];

  beforeAll(async () => {
    database = await target.open();
  });
  afterAll(async () => {
    await database?.dispose();
  });
  beforeEach(() => {
    fake = new FakeWatcher();
  });
  afterEach(async () => {
    for (const i of indexers.splice(0)) await i.stop();
    await vault?.dispose();
  });

  const makeIndexer = (vaultId: number, extra: Partial<ConstructorParameters<typeof VaultIndexer>[0]> = {}) => {
    const i = new VaultIndexer({
      db: database.db,
      vaultId,
      root: vault.root,
      filter: { fileExtensions: ['.md'], excludedFolders: ['Private'] },
      watch: fake.watch,
      debounceMs: 20,
      rootPollMs: 50,
      batchSize: 3,
      ...extra,
    });
    indexers.push(i);
    return i;
  };

  it('indexes a vault: notes, ignored folders, links, per-file errors, generation', async () => {
    vault = await tempVault({
      'Home.md': '---\ntags: [start]\naliases: Index\n---\n# Home\nSee [[Note A]], [[sub/note b|B]], [[Missing]] and [[#Home]] #inline\n',
      'Note A.md': 'A body [[home]]\n',
      'sub/Note B.md': '---\ncreated: {{date}}\n---\nB body\n',
      'sub/deeper/Note C.md': '[C](../Note%20B.md)\n',
      'Private/Secret.md': 'excluded\n',
      '.obsidian/workspace.md': 'config\n',
      '.trash/Old.md': 'trash\n',
      'image.png': BINARY,
      'binary.md': BINARY,
      'Empty.md': '',
      'plain.txt': 'not a note with the default extensions',
    });
    const vaultId = await registerVaultRow(database.db, vault.root);
    const i = makeIndexer(vaultId);
    await i.start();
    await i.idle();
    expect(await notePaths(database.db, vaultId)).toEqual(['Empty.md', 'Home.md', 'Note A.md', 'sub/Note B.md', 'sub/deeper/Note C.md']);
    const home = await noteByPath(database.db, vaultId, 'Home.md');
    expect(home).toMatchObject({ title: 'Home', folder: '', aliases: ['Index'], tags: ['start', 'inline'], kind: 'markdown', parseError: null });
    expect(home!.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(String(home!.searchVector)).toContain("'home'");
    const b = await noteByPath(database.db, vaultId, 'sub/Note B.md');
    expect(b!.parseError).toMatch(/YAML error/);
    expect(b!.body).toBe('B body\n');
    expect(await linkTable(database.db, vaultId)).toEqual([
      ['Home.md', 'Note A', 'Note A.md'],
      ['Home.md', 'sub/note b', 'sub/Note B.md'],
      ['Home.md', 'Missing', null],
      ['Home.md', '', 'Home.md'],
      ['Note A.md', 'home', 'Home.md'],
      ['sub/deeper/Note C.md', '../Note B.md', 'sub/Note B.md'],
    ]);
    expect(await errorRows(database.db, vaultId)).toEqual([
      { path: 'binary.md', severity: 'error', message: expect.stringMatching(/binary/) },
      { path: 'sub/Note B.md', severity: 'warning', message: expect.stringMatching(/YAML error at line 2/) },
    ]);
    expect(await generationOf(database.db, vaultId)).toBeGreaterThanOrEqual(2); // 7 files, batches of 3
    const p = i.getProgress();
    expect(p).toMatchObject({ status: 'idle', phase: 'watching', seen: 6, indexed: 5, failed: 1, error: null });
    expect(p.lastSyncAt).not.toBeNull();
  });

  it('reconciles changes made while stopped; an unchanged note is never read or parsed again', async () => {
    vault = await tempVault({ 'keep.md': 'keep', 'edit.md': 'v1', 'gone.md': 'bye', 'touched.md': 'same bytes' });
    const vaultId = await registerVaultRow(database.db, vault.root);
    const first = makeIndexer(vaultId);
    await first.start();
    await first.idle();
    expect(first.parses).toBe(4);
    await first.stop();
    const genBefore = await generationOf(database.db, vaultId);

    // Restart with nothing changed: nothing parsed, nothing written, generation unchanged.
    const again = makeIndexer(vaultId);
    await again.start();
    await again.idle();
    expect(again.parses).toBe(0);
    expect(again.getProgress()).toMatchObject({ unchanged: 4, indexed: 0 });
    expect(await generationOf(database.db, vaultId)).toBe(genBefore);
    await again.stop();

    await vault.write('edit.md', 'version two, longer');
    await vault.remove('gone.md');
    await vault.write('new.md', 'fresh [[keep]]');
    const future = new Date(Date.now() + 60_000);
    await utimes(path.join(vault.root, 'touched.md'), future, future);
    const third = makeIndexer(vaultId);
    await third.start();
    await third.idle();
    expect(third.parses).toBe(2); // edit.md and new.md; touched.md is hashed, not parsed
    expect(await notePaths(database.db, vaultId)).toEqual(['edit.md', 'keep.md', 'new.md', 'touched.md']);
    expect((await noteByPath(database.db, vaultId, 'edit.md'))!.body).toBe('version two, longer');
    expect(Math.abs((await noteByPath(database.db, vaultId, 'touched.md'))!.mtime.getTime() - future.getTime())).toBeLessThanOrEqual(1);
    expect(await linkTable(database.db, vaultId)).toEqual([['new.md', 'keep', 'keep.md']]);
    expect(await generationOf(database.db, vaultId)).toBeGreaterThan(genBefore);
  });

  it('resolves links like Obsidian and re-resolves them as notes come and go', async () => {
    vault = await tempVault({
      'src.md': '[[Target]] [[target.md]] [[b/Target]] [[Later]] [[Dup]]',
      'a/b/Target.md': 'deep',
      'x/Dup.md': 'x',
      'zz/yy/Dup.md': 'longer path',
    });
    const vaultId = await registerVaultRow(database.db, vault.root);
    const i = makeIndexer(vaultId);
    await i.start();
    await i.idle();
    expect(await linkTable(database.db, vaultId)).toEqual([
      ['src.md', 'Target', 'a/b/Target.md'],
      ['src.md', 'target.md', 'a/b/Target.md'],
      ['src.md', 'b/Target', 'a/b/Target.md'],
      ['src.md', 'Later', null],
      ['src.md', 'Dup', 'x/Dup.md'],
    ]);
    // A note at the root named Target is a shorter path: the name-only links move to it.
    await vault.write('Target.md', 'root');
    await vault.write('Later.md', 'now exists');
    fake.emit(vault.root, { type: 'add', path: path.join(vault.root, 'Target.md') });
    fake.emit(vault.root, { type: 'add', path: path.join(vault.root, 'Later.md') });
    await eventually(async () => (await notePaths(database.db, vaultId)).includes('Later.md'), 'Later.md indexed');
    await i.idle();
    expect(await linkTable(database.db, vaultId)).toEqual([
      ['src.md', 'Target', 'Target.md'],
      ['src.md', 'target.md', 'Target.md'],
      ['src.md', 'b/Target', 'a/b/Target.md'],
      ['src.md', 'Later', 'Later.md'],
      ['src.md', 'Dup', 'x/Dup.md'],
    ]);
    // Deleting a target: its links fall back to the other note with that name, or become unresolved.
    await vault.remove('x/Dup.md');
    await vault.remove('Later.md');
    fake.emit(vault.root, { type: 'unlink', path: path.join(vault.root, 'x/Dup.md') });
    fake.emit(vault.root, { type: 'unlink', path: path.join(vault.root, 'Later.md') });
    await eventually(async () => !(await notePaths(database.db, vaultId)).includes('Later.md'), 'Later.md removed');
    await i.idle();
    const links = await linkTable(database.db, vaultId);
    expect(links).toContainEqual(['src.md', 'Dup', 'zz/yy/Dup.md']);
    expect(links).toContainEqual(['src.md', 'Later', null]);
  });

  const LINKED_VAULT = {
    'src.md': '[[Target]] [[target.md]] [[b/Target]] [[Later]] [[Dup]] [[#Self]] [[n7]]',
    'a/b/Target.md': 'deep [[Dup]]',
    'x/Dup.md': 'x [[../src]]',
    'zz/yy/Dup.md': 'longer path [[Target]]',
    ...Object.fromEntries(Array.from({ length: 8 }, (_, k) => [`many/n${k}.md`, `note ${k} [[n${(k + 1) % 8}]] [[Dup]] bulkword`])),
  };
  const indexExists = async (name: string) => {
    const r = await database.db.execute(sql`SELECT to_regclass(${name}) IS NOT NULL AS ok`);
    const rows = (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as Array<{ ok: boolean }>;
    return rows[0]!.ok;
  };

  it('a bulk load (links resolved once at the end) gives the same links as batch-by-batch resolution', async () => {
    vault = await tempVault(LINKED_VAULT);
    const other = await tempVault(LINKED_VAULT);
    try {
      const batchId = await registerVaultRow(database.db, vault.root);
      const byBatch = makeIndexer(batchId);
      await byBatch.start();
      await byBatch.idle();
      const bulkId = await registerVaultRow(database.db, other.root);
      const bulk = makeIndexer(bulkId, { root: other.root, bulkMinFiles: 2 });
      await bulk.start();
      await bulk.idle();
      const expected = await linkTable(database.db, batchId);
      expect(expected.filter(([, , r]) => r !== null).length).toBeGreaterThan(10);
      expect(await linkTable(database.db, bulkId)).toEqual(expected);
      // 4 batches of 3 files, then the link resolution: each in its own transaction with a bump.
      expect(await generationOf(database.db, bulkId)).toBe(5);
      expect(await indexExists('idx_notes_search_vector')).toBe(true);
      expect(await indexExists('idx_notes_tags')).toBe(true);
      const found = await searchNotes(database.db, bulkId, parseQuery({ q: 'bulkword' }), 20, 0);
      expect(found.total).toBe(8);
    } finally {
      await other.dispose();
    }
  });

  it('a bulk load cut short (status left "indexing") has every link resolved at the next start', async () => {
    vault = await tempVault(LINKED_VAULT);
    const vaultId = await registerVaultRow(database.db, vault.root);
    const first = makeIndexer(vaultId);
    await first.start();
    await first.idle();
    await first.stop();
    const expected = await linkTable(database.db, vaultId);
    // What a daemon killed between the last batch and the final resolution leaves behind.
    await database.db.execute(sql`UPDATE note_links SET resolved_note_id = NULL WHERE vault_id = ${vaultId}`);
    await database.db.execute(sql`UPDATE obsidian_integration_settings SET sync_status = 'indexing' WHERE id = ${vaultId}`);
    const again = makeIndexer(vaultId);
    await again.start();
    await again.idle();
    expect(again.parses).toBe(0);
    expect(await linkTable(database.db, vaultId)).toEqual(expected);
  });

  it('search works while the GIN indexes are dropped for a bulk load; a reconcile rebuilds missing ones', async () => {
    vault = await tempVault(LINKED_VAULT);
    const vaultId = await registerVaultRow(database.db, vault.root);
    const i = makeIndexer(vaultId);
    await i.start();
    await i.idle();
    await i.stop();
    expect(await beginBulkLoad(database.db, 1_000_000_000)).toBe(true);
    try {
      expect(await indexExists('idx_notes_search_vector')).toBe(false);
      const found = await searchNotes(database.db, vaultId, parseQuery({ q: 'bulkword' }), 20, 0);
      expect(found.total).toBe(8);
    } finally {
      await endBulkLoad(database.db);
    }
    expect(await indexExists('idx_notes_search_vector')).toBe(true);
    // A daemon stopped in the middle of a bulk load left them dropped: the next reconcile rebuilds them.
    await database.db.execute(sql`DROP INDEX idx_notes_search_vector`);
    await database.db.execute(sql`DROP INDEX idx_notes_tags`);
    const again = makeIndexer(vaultId);
    await again.start();
    await again.idle();
    expect(await indexExists('idx_notes_search_vector')).toBe(true);
    expect(await indexExists('idx_notes_tags')).toBe(true);
  });

  it('a rename reported as add then unlink (or the reverse) moves the note; debounced bursts parse once', async () => {
    vault = await tempVault({ 'old.md': 'content [[x]]', 'x.md': 'x' });
    const vaultId = await registerVaultRow(database.db, vault.root);
    const i = makeIndexer(vaultId);
    await i.start();
    await i.idle();
    await rename(path.join(vault.root, 'old.md'), path.join(vault.root, 'new.md'));
    fake.emit(vault.root, { type: 'add', path: path.join(vault.root, 'new.md') });
    fake.emit(vault.root, { type: 'unlink', path: path.join(vault.root, 'old.md') });
    await eventually(async () => (await notePaths(database.db, vaultId)).join() === 'new.md,x.md', 'rename applied');
    const before = i.parses;
    for (let k = 0; k < 5; k++) fake.emit(vault.root, { type: 'change', path: path.join(vault.root, 'x.md') });
    await vault.write('x.md', 'x changed');
    fake.emit(vault.root, { type: 'change', path: path.join(vault.root, 'x.md') });
    await eventually(async () => (await noteByPath(database.db, vaultId, 'x.md'))?.body === 'x changed', 'change indexed');
    await i.idle();
    expect(i.parses - before).toBe(1);
  });

  it('vault folder disappears → status error with the reason, index kept → folder back → recovers', async () => {
    vault = await tempVault({ 'a.md': 'a' });
    const vaultId = await registerVaultRow(database.db, vault.root);
    const i = makeIndexer(vaultId);
    await i.start();
    await i.idle();
    const moved = `${vault.root}-away`;
    await rename(vault.root, moved);
    fake.emit(vault.root, { type: 'unlinkDir', path: vault.root });
    await eventually(() => i.getProgress().status === 'error', 'error status');
    expect(i.getProgress().error).toMatch(/cannot be read: the folder does not exist/);
    expect(await notePaths(database.db, vaultId)).toEqual(['a.md']);
    await rename(moved, vault.root);
    await vault.write('b.md', 'written while away');
    await eventually(async () => (await notePaths(database.db, vaultId)).includes('b.md'), 'recovered and reconciled');
    await eventually(() => i.getProgress().status === 'idle', 'idle again');
    expect(i.getProgress().error).toBeNull();
    await rm(moved, { recursive: true, force: true });
  });

  it('a vault registered on a missing folder is in error from the start, without crashing', async () => {
    vault = await tempVault();
    const vaultId = await registerVaultRow(database.db, path.join(vault.root, 'missing'));
    const i = new VaultIndexer({ db: database.db, vaultId, root: path.join(vault.root, 'missing'), filter: { fileExtensions: ['.md'], excludedFolders: [] }, watch: fake.watch, rootPollMs: 50 });
    indexers.push(i);
    await i.start();
    expect(i.getProgress().status).toBe('error');
  });
});
