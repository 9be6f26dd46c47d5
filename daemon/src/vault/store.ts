/**
 * The vault index in the database: batched writes of notes, links and per-file errors, link
 * resolution in SQL, and the index generation, which every write bumps in its own transaction.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/database';
import { noteLinks, notes, obsidianIntegrationSettings, vaultIndexErrors, type VaultIndexErrorSeverity } from '../db/schema';
import { searchDocument, type SearchDocument } from '../search/document';
import type { ParsedNote } from './note';
import { folderOf, linkTargetKeys, noteLinkKeys } from './paths';

/** What the index knows of a file, to decide whether it changed (size + mtime, then the hash). */
export interface IndexedFile {
  size: number;
  /** Milliseconds since the epoch (whole). */
  mtimeMs: number;
  contentHash: string;
}

export interface NoteToWrite {
  path: string;
  size: number;
  mtimeMs: number;
  contentHash: string;
  note: ParsedNote;
  /** The search document (tokenized text), when already computed. */
  doc?: SearchDocument;
}

export interface FileProblem {
  path: string;
  severity: VaultIndexErrorSeverity;
  message: string;
}

export interface BatchWrite {
  upserts: NoteToWrite[];
  /** Same bytes, new size/mtime: only the stat columns change (no parse). */
  touches: Array<{ path: string; size: number; mtimeMs: number }>;
  deletes: string[];
  /** Problems of files in this batch (replace older ones of the same paths). */
  problems: FileProblem[];
  /** Paths of this batch whose old problems are gone. */
  clearProblems: string[];
}

function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

export async function loadIndexedFiles(db: Db, vaultId: number): Promise<Map<string, IndexedFile>> {
  const rows = await db
    .select({ path: notes.path, size: notes.size, mtime: notes.mtime, contentHash: notes.contentHash })
    .from(notes)
    .where(eq(notes.vaultId, vaultId));
  const out = new Map<string, IndexedFile>();
  for (const r of rows) out.set(r.path, { size: Number(r.size), mtimeMs: new Date(r.mtime).getTime(), contentHash: r.contentHash });
  return out;
}

/** Paths recorded as failed (not indexed) — they are retried when their size or mtime changes. */
export async function loadFailedFiles(db: Db, vaultId: number): Promise<Set<string>> {
  const rows = await db
    .select({ path: vaultIndexErrors.path })
    .from(vaultIndexErrors)
    .where(and(eq(vaultIndexErrors.vaultId, vaultId), eq(vaultIndexErrors.severity, 'error')));
  return new Set(rows.map((r) => r.path));
}

/** Paths of indexed notes under a folder (for a folder removed or renamed). */
export async function indexedPathsUnder(db: Db, vaultId: number, folder: string): Promise<string[]> {
  const rows = await db
    .select({ path: notes.path })
    .from(notes)
    .where(and(eq(notes.vaultId, vaultId), sql`(${notes.folder} = ${folder} OR starts_with(${notes.folder}, ${`${folder}/`}))`));
  return rows.map((r) => r.path);
}

function noteProblemText(note: ParsedNote): string | null {
  const parts = [note.frontmatterError, ...(note.warnings ?? [])].filter((s): s is string => Boolean(s));
  return parts.length > 0 ? parts.join('; ') : null;
}

/**
 * The GIN indexes of `notes` that a bulk load drops and rebuilds (their definitions must stay those of
 * the schema / drizzle/0005_vault_index.sql). Maintaining a GIN row by row roughly halves insert
 * throughput; building it once over the loaded rows costs a fraction of that.
 */
const BULK_DEFERRED_INDEXES = [
  { name: 'idx_notes_search_vector', create: sql`CREATE INDEX IF NOT EXISTS "idx_notes_search_vector" ON "notes" USING gin ("search_vector")` },
  { name: 'idx_notes_tags', create: sql`CREATE INDEX IF NOT EXISTS "idx_notes_tags" ON "notes" USING gin ("tags")` },
] as const;

/**
 * Bulk loads in progress in this process that dropped the GIN indexes: while one runs, nobody else
 * recreates them halfway (the last one to finish does).
 */
let bulkLoadsWithoutGin = 0;

/**
 * Starts a bulk load (a first index of a large vault): drops the GIN indexes of `notes` when the
 * table holds fewer rows than are about to be written (otherwise other vaults' searches would lose
 * their index for longer than it saves). Searches stay correct without them (the planner falls back
 * to scanning), only slower, and the rows are still searchable as soon as their batch commits.
 * Returns whether the indexes were dropped; the caller must then call endBulkLoad.
 */
export async function beginBulkLoad(db: Db, incoming: number): Promise<boolean> {
  const rows = rowsOf<{ n: number | string }>(await db.execute(sql`SELECT count(*) AS n FROM (SELECT 1 FROM notes LIMIT ${incoming}) AS x`));
  if (Number(rows[0]?.n ?? 0) >= incoming) return false;
  bulkLoadsWithoutGin++;
  try {
    // One statement each: PGlite refuses several statements in one execute.
    for (const ix of BULK_DEFERRED_INDEXES) await db.execute(sql.raw(`DROP INDEX IF EXISTS "${ix.name}"`));
  } catch (e) {
    bulkLoadsWithoutGin--;
    throw e;
  }
  return true;
}

/**
 * Recreates any missing GIN index of `notes` (after a bulk load, and at every reconcile: a daemon
 * stopped in the middle of a bulk load left them dropped). Skipped while a bulk load of this
 * process still runs without them. A no-op when they exist.
 */
export async function ensureSearchIndexes(db: Db): Promise<void> {
  if (bulkLoadsWithoutGin > 0) return;
  for (const ix of BULK_DEFERRED_INDEXES) {
    // Looked up first: CREATE INDEX IF NOT EXISTS would take a lock on notes even when it exists.
    const [found] = rowsOf<{ oid: unknown }>(await db.execute(sql`SELECT to_regclass(${ix.name}) AS oid`));
    if (found?.oid == null) await db.execute(ix.create);
  }
}

/** Ends a bulk load begun with beginBulkLoad → true: the last one rebuilds the GIN indexes. */
export async function endBulkLoad(db: Db): Promise<void> {
  bulkLoadsWithoutGin = Math.max(0, bulkLoadsWithoutGin - 1);
  await ensureSearchIndexes(db);
}

/**
 * Re-resolves links the way Obsidian does: relative to the source's folder, then the vault path, then
 * a path suffix, then the shortest path with that name (same folder first); '' (same note) resolves
 * to the source. `scope` 'vault' re-resolves every link of the vault (once, after a bulk load);
 * otherwise the links written by `sourceIds` and every link whose file name is one of `names`.
 */
async function resolveLinks(db: Db, vaultId: number, scope: 'vault' | { sourceIds: number[]; names: string[] }): Promise<void> {
  let which;
  if (scope === 'vault') {
    which = sql``;
  } else {
    if (scope.sourceIds.length === 0 && scope.names.length === 0) return;
    which = sql`AND (l2.source_note_id = ANY(${sql.param(scope.sourceIds)}::bigint[]) OR l2.target_name = ANY(${sql.param(scope.names)}::text[]))`;
  }
  await db.execute(sql`
    UPDATE note_links AS l SET resolved_note_id = r.target_id
    FROM (
      SELECT l2.id AS link_id,
        CASE WHEN l2.target_key = '' THEN l2.source_note_id ELSE (
          SELECT n.id FROM notes n
          WHERE n.vault_id = l2.vault_id AND n.link_name = l2.target_name
            AND (l2.target_key = l2.target_name
              OR n.link_path = l2.target_key
              OR right(n.link_path, length(l2.target_key) + 1) = '/' || l2.target_key
              OR n.link_path = left(s.link_path, length(s.link_path) - length(s.link_name)) || l2.target_key)
          ORDER BY
            (n.link_path = left(s.link_path, length(s.link_path) - length(s.link_name)) || l2.target_key) DESC,
            (n.link_path = l2.target_key) DESC,
            (n.folder = s.folder) DESC,
            length(n.path), n.path
          LIMIT 1
        ) END AS target_id
      FROM note_links l2 JOIN notes s ON s.id = l2.source_note_id
      WHERE l2.vault_id = ${vaultId} ${which}
    ) AS r
    WHERE l.id = r.link_id AND l.resolved_note_id IS DISTINCT FROM r.target_id`);
}

async function bumpGeneration(t: Db, vaultId: number): Promise<number> {
  const [row] = await t
    .update(obsidianIntegrationSettings)
    .set({ indexGeneration: sql`${obsidianIntegrationSettings.indexGeneration} + 1` })
    .where(eq(obsidianIntegrationSettings.id, vaultId))
    .returning({ generation: obsidianIntegrationSettings.indexGeneration });
  return Number(row?.generation ?? 0);
}

export interface WriteOptions {
  /**
   * 'batch' (default): the links this batch touches are resolved in its transaction.
   * 'deferred': links are written unresolved; the caller runs resolveVaultLinks once at the end
   * (a bulk load: per-batch resolution would re-resolve the same links batch after batch).
   */
  links?: 'batch' | 'deferred';
}

/**
 * Applies one batch in ONE transaction, with the vault's index generation bumped in it.
 *
 * Rows go in as one INSERT … SELECT FROM unnest(…) per table, with ONE array parameter per column:
 * node-postgres and PGlite then parse a handful of parameters instead of tens of thousands, and
 * PostgreSQL plans one small statement (several times faster than a multi-row VALUES list).
 */
export async function writeBatch(db: Db, vaultId: number, batch: BatchWrite, options: WriteOptions = {}): Promise<{ generation: number }> {
  // Tokenizing is done before the transaction opens (the indexer already did it while the previous
  // batch was being written); whatever is left is done here, outside the transaction.
  const docs = batch.upserts.map((u) => u.doc ?? searchDocument(u.note));
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const affectedNames = new Set<string>();
    let sourceIds: number[] = [];

    if (batch.deletes.length > 0) {
      const gone = await t
        .delete(notes)
        .where(and(eq(notes.vaultId, vaultId), inArray(notes.path, batch.deletes)))
        .returning({ linkName: notes.linkName });
      for (const g of gone) affectedNames.add(g.linkName);
    }

    if (batch.touches.length > 0) {
      await t.execute(sql`
        UPDATE notes AS n SET size = u.size, mtime = u.mtime::timestamptz
        FROM unnest(${sql.param(batch.touches.map((x) => x.path))}::text[],
                    ${sql.param(batch.touches.map((x) => x.size))}::bigint[],
                    ${sql.param(batch.touches.map((x) => new Date(x.mtimeMs).toISOString()))}::text[]) AS u(path, size, mtime)
        WHERE n.vault_id = ${vaultId} AND n.path = u.path`);
    }

    if (batch.upserts.length > 0) {
      const col = <T>(f: (u: NoteToWrite, i: number) => T) => sql.param(batch.upserts.map(f));
      const keys = batch.upserts.map((u) => noteLinkKeys(u.path));
      for (const k of keys) affectedNames.add(k.linkName);
      // Every parameter is a text[] (or bigint[]) cast in the SELECT, so both drivers send plain
      // strings (their serialisers for jsonb[]/timestamptz[] parameters are not the same).
      // text[] columns (aliases, tags) travel as JSON text: a ragged array of arrays cannot be one
      // SQL array parameter.
      const written = rowsOf<{ id: number | string; path: string; inserted: boolean }>(
        await t.execute(sql`
        INSERT INTO notes AS n (vault_id, path, folder, title, link_name, link_path, aliases, tags, headings, frontmatter,
                                body, kind, size, mtime, content_hash, search_vector, indexed_at, parse_error)
        SELECT ${vaultId}, u.path, u.folder, u.title, u.link_name, u.link_path,
               ARRAY(SELECT jsonb_array_elements_text(u.aliases::jsonb)), ARRAY(SELECT jsonb_array_elements_text(u.tags::jsonb)),
               u.headings::jsonb, u.frontmatter::jsonb, u.body, u.kind, u.size, u.mtime::timestamptz, u.content_hash,
               setweight(to_tsvector('simple', u.d_title), 'A') || setweight(to_tsvector('simple', u.d_meta), 'B') ||
               setweight(to_tsvector('simple', u.d_tags), 'C') || setweight(to_tsvector('simple', u.d_body), 'D'),
               now(), u.parse_error
        FROM unnest(
          ${col((u) => u.path)}::text[], ${col((u) => folderOf(u.path))}::text[], ${col((u) => u.note.title)}::text[],
          ${col((_u, i) => keys[i]!.linkName)}::text[], ${col((_u, i) => keys[i]!.linkPath)}::text[],
          ${col((u) => JSON.stringify(u.note.aliases))}::text[], ${col((u) => JSON.stringify(u.note.tags))}::text[],
          ${col((u) => JSON.stringify(u.note.headings))}::text[],
          ${col((u) => (u.note.frontmatter == null ? null : JSON.stringify(u.note.frontmatter)))}::text[],
          ${col((u) => u.note.body)}::text[], ${col((u) => u.note.kind)}::text[], ${col((u) => u.size)}::bigint[],
          ${col((u) => new Date(u.mtimeMs).toISOString())}::text[], ${col((u) => u.contentHash)}::text[],
          ${col((_u, i) => docs[i]!.title)}::text[], ${col((_u, i) => docs[i]!.meta)}::text[],
          ${col((_u, i) => docs[i]!.tags)}::text[], ${col((_u, i) => docs[i]!.body)}::text[],
          ${col((u) => noteProblemText(u.note))}::text[]
        ) AS u(path, folder, title, link_name, link_path, aliases, tags, headings, frontmatter, body, kind, size, mtime,
               content_hash, d_title, d_meta, d_tags, d_body, parse_error)
        ON CONFLICT (vault_id, path) DO UPDATE SET
          folder = excluded.folder, title = excluded.title, link_name = excluded.link_name, link_path = excluded.link_path,
          aliases = excluded.aliases, tags = excluded.tags, headings = excluded.headings, frontmatter = excluded.frontmatter,
          body = excluded.body, kind = excluded.kind, size = excluded.size, mtime = excluded.mtime,
          content_hash = excluded.content_hash, search_vector = excluded.search_vector, indexed_at = excluded.indexed_at,
          parse_error = excluded.parse_error
        RETURNING n.id, n.path, (n.xmax = 0) AS inserted`),
      );
      const idByPath = new Map(written.map((w) => [w.path, Number(w.id)]));
      sourceIds = written.map((w) => Number(w.id));
      // Only notes that existed before (xmax ≠ 0: the ON CONFLICT branch updated them) can have old
      // links; a first index deletes nothing.
      const updatedIds = written.filter((w) => !w.inserted).map((w) => Number(w.id));
      if (updatedIds.length > 0) await t.delete(noteLinks).where(inArray(noteLinks.sourceNoteId, updatedIds));
      const links = batch.upserts.flatMap((u) => {
        const sourceNoteId = idByPath.get(u.path)!;
        return u.note.links.map((l) => ({ sourceNoteId, l, k: linkTargetKeys(u.path, l) }));
      });
      if (links.length > 0) {
        const lcol = <T>(f: (x: (typeof links)[number]) => T) => sql.param(links.map(f));
        await t.execute(sql`
          INSERT INTO note_links (vault_id, source_note_id, target, subpath, alias, embed, kind, line, target_key, target_name)
          SELECT ${vaultId}, u.* FROM unnest(
            ${lcol((x) => x.sourceNoteId)}::bigint[], ${lcol((x) => x.l.target)}::text[], ${lcol((x) => x.l.subpath ?? null)}::text[],
            ${lcol((x) => x.l.alias ?? null)}::text[], ${lcol((x) => x.l.embed)}::boolean[], ${lcol((x) => x.l.kind)}::text[],
            ${lcol((x) => x.l.line)}::integer[], ${lcol((x) => x.k.key)}::text[], ${lcol((x) => x.k.name)}::text[]
          ) AS u`);
      }
    }

    const cleared = [...new Set([...batch.clearProblems, ...batch.deletes])];
    if (cleared.length > 0) {
      await t.delete(vaultIndexErrors).where(and(eq(vaultIndexErrors.vaultId, vaultId), inArray(vaultIndexErrors.path, cleared)));
    }
    if (batch.problems.length > 0) {
      const byPath = new Map(batch.problems.map((p) => [p.path, p]));
      await t
        .insert(vaultIndexErrors)
        .values([...byPath.values()].map((p) => ({ vaultId, path: p.path, severity: p.severity, message: p.message })))
        .onConflictDoUpdate({
          target: [vaultIndexErrors.vaultId, vaultIndexErrors.path],
          set: { severity: sql.raw('excluded."severity"'), message: sql.raw('excluded."message"'), at: sql`now()` },
        });
    }

    if (options.links !== 'deferred') await resolveLinks(t, vaultId, { sourceIds, names: [...affectedNames] });

    return { generation: await bumpGeneration(t, vaultId) };
  });
}

/**
 * The end of a bulk load: every link of the vault resolved in one statement, with a generation bump
 * in the same transaction (cached searches and graph answers made while links were unresolved are
 * never served again).
 */
export async function resolveVaultLinks(db: Db, vaultId: number): Promise<{ generation: number }> {
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    await resolveLinks(t, vaultId, 'vault');
    return { generation: await bumpGeneration(t, vaultId) };
  });
}

/** Empties a vault's index (a forced full reindex starts from nothing). Bumps the generation. */
export async function clearVaultIndex(db: Db, vaultId: number): Promise<void> {
  await db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    await t.delete(notes).where(eq(notes.vaultId, vaultId));
    await t.delete(vaultIndexErrors).where(eq(vaultIndexErrors.vaultId, vaultId));
    await t
      .update(obsidianIntegrationSettings)
      .set({ indexGeneration: sql`${obsidianIntegrationSettings.indexGeneration} + 1` })
      .where(eq(obsidianIntegrationSettings.id, vaultId));
  });
}

export interface VaultCounts {
  notes: number;
  failed: number;
  warnings: number;
}

export async function vaultCounts(db: Db, vaultId: number): Promise<VaultCounts> {
  const rows = rowsOf<{ notes: number | string; failed: number | string; warnings: number | string }>(
    await db.execute(sql`
      SELECT (SELECT count(*) FROM notes WHERE vault_id = ${vaultId}) AS notes,
             (SELECT count(*) FROM vault_index_errors WHERE vault_id = ${vaultId} AND severity = 'error') AS failed,
             (SELECT count(*) FROM vault_index_errors WHERE vault_id = ${vaultId} AND severity = 'warning') AS warnings`),
  );
  const r = rows[0];
  return { notes: Number(r?.notes ?? 0), failed: Number(r?.failed ?? 0), warnings: Number(r?.warnings ?? 0) };
}
