/** Temporary vault folders, indexers over them, and database reads for the vault tests. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../src/db/database';
import { noteLinks, notes, obsidianIntegrationSettings, vaultIndexErrors } from '../../src/db/schema';
import { VaultIndexer } from '../../src/vault/indexer';
import { FakeWatcher, watchFolders } from '../../src/vault/watcher';

export interface TempVault {
  root: string;
  write(rel: string, content: string | Buffer): Promise<void>;
  remove(rel: string): Promise<void>;
  dispose(): Promise<void>;
}

export async function tempVault(files: Record<string, string | Buffer> = {}): Promise<TempVault> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'hisho-vault-'));
  const write = async (rel: string, content: string | Buffer) => {
    const abs = path.join(root, ...rel.split('/'));
    await mkdir(path.dirname(abs), { recursive: true });
    await writeFile(abs, content);
  };
  for (const [rel, content] of Object.entries(files)) await write(rel, content);
  return {
    root,
    write,
    remove: (rel) => rm(path.join(root, ...rel.split('/')), { recursive: true, force: true }),
    dispose: () => rm(root, { recursive: true, force: true }),
  };
}

export async function registerVaultRow(db: Db, root: string, extra: Partial<typeof obsidianIntegrationSettings.$inferInsert> = {}): Promise<number> {
  const [row] = await db
    .insert(obsidianIntegrationSettings)
    .values({ vaultPath: root, fileExtensions: ['.md'], ...extra })
    .returning({ id: obsidianIntegrationSettings.id });
  return row!.id;
}

/**
 * An indexer of the vault's Markdown files with the real watcher and short delays (so a test sees
 * a change within a fraction of a second), started and caught up with the folder; the test stops it.
 */
export async function startWatchedIndexer(db: Db, vaultId: number, root: string, excludedFolders: string[] = []): Promise<VaultIndexer> {
  const indexer = new VaultIndexer({ db, vaultId, root, filter: { fileExtensions: ['.md'], excludedFolders }, watch: watchFolders, debounceMs: 50, rootPollMs: 100 });
  await indexer.start();
  await indexer.idle();
  return indexer;
}

/** Indexes the vault's Markdown files once (a watcher that reports nothing) and stops: the index as the daemon would leave it. */
export async function indexOnce(db: Db, vaultId: number, root: string): Promise<void> {
  const indexer = new VaultIndexer({ db, vaultId, root, filter: { fileExtensions: ['.md'], excludedFolders: [] }, watch: new FakeWatcher().watch });
  await indexer.start();
  await indexer.idle();
  await indexer.stop();
}

export async function notePaths(db: Db, vaultId: number): Promise<string[]> {
  const rows = await db.select({ path: notes.path }).from(notes).where(eq(notes.vaultId, vaultId));
  return rows.map((r) => r.path).sort();
}

export async function noteByPath(db: Db, vaultId: number, p: string) {
  const [row] = await db.select().from(notes).where(sql`${notes.vaultId} = ${vaultId} AND ${notes.path} = ${p}`);
  return row;
}

/** Links as [source path, target as written, resolved path or null], sorted. */
export async function linkTable(db: Db, vaultId: number): Promise<Array<[string, string, string | null]>> {
  const rows = await db.execute(sql`
    SELECT s.path AS source, l.target, r.path AS resolved
    FROM ${noteLinks} l JOIN ${notes} s ON s.id = l.source_note_id LEFT JOIN ${notes} r ON r.id = l.resolved_note_id
    WHERE l.vault_id = ${vaultId} ORDER BY s.path, l.id`);
  const list = (Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows) as Array<{ source: string; target: string; resolved: string | null }>;
  return list.map((r) => [r.source, r.target, r.resolved]);
}

export async function generationOf(db: Db, vaultId: number): Promise<number> {
  const [row] = await db.select({ g: obsidianIntegrationSettings.indexGeneration }).from(obsidianIntegrationSettings).where(eq(obsidianIntegrationSettings.id, vaultId));
  return Number(row?.g ?? -1);
}

export async function errorRows(db: Db, vaultId: number) {
  return db
    .select({ path: vaultIndexErrors.path, severity: vaultIndexErrors.severity, message: vaultIndexErrors.message })
    .from(vaultIndexErrors)
    .where(eq(vaultIndexErrors.vaultId, vaultId))
    .orderBy(asc(vaultIndexErrors.path));
}

export { eventually } from '../helpers/poll';
