/**
 * The vault index in the database: batched writes of notes, links and per-file errors, link
 * resolution in SQL, and the index generation, which every write bumps in its own transaction.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/database';
import { noteLinks, notes, obsidianIntegrationSettings, vaultIndexErrors, type VaultIndexErrorSeverity } from '../db/schema';
import { searchDocument } from '../search/document';
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

/** Bound parameters per statement stay far below PostgreSQL's 65,535. */
const LINK_ROWS_PER_INSERT = 2_000;

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

function searchVector(note: ParsedNote) {
  const d = searchDocument(note);
  return sql`setweight(to_tsvector('simple', ${d.title}), 'A') || setweight(to_tsvector('simple', ${d.meta}), 'B') || setweight(to_tsvector('simple', ${d.tags}), 'C') || setweight(to_tsvector('simple', ${d.body}), 'D')`;
}

function noteProblemText(note: ParsedNote): string | null {
  const parts = [note.frontmatterError, ...(note.warnings ?? [])].filter((s): s is string => Boolean(s));
  return parts.length > 0 ? parts.join('; ') : null;
}

/**
 * Re-resolves the links written by `sourceIds` and every link whose file name is one of `names`,
 * the way Obsidian does: relative to the source's folder, then the vault path, then a path suffix,
 * then the shortest path with that name (same folder first); '' (same note) resolves to the source.
 */
async function resolveLinks(db: Db, vaultId: number, sourceIds: number[], names: string[]): Promise<void> {
  if (sourceIds.length === 0 && names.length === 0) return;
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
      WHERE l2.vault_id = ${vaultId}
        AND (l2.source_note_id = ANY(${sql.param(sourceIds)}::bigint[]) OR l2.target_name = ANY(${sql.param(names)}::text[]))
    ) AS r
    WHERE l.id = r.link_id AND l.resolved_note_id IS DISTINCT FROM r.target_id`);
}

/** Applies one batch in ONE transaction, with the vault's index generation bumped in it. */
export async function writeBatch(db: Db, vaultId: number, batch: BatchWrite): Promise<{ generation: number }> {
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

    for (const touch of batch.touches) {
      await t
        .update(notes)
        .set({ size: touch.size, mtime: new Date(touch.mtimeMs) })
        .where(and(eq(notes.vaultId, vaultId), eq(notes.path, touch.path)));
    }

    if (batch.upserts.length > 0) {
      const values = batch.upserts.map((u) => {
        const keys = noteLinkKeys(u.path);
        affectedNames.add(keys.linkName);
        return {
          vaultId,
          path: u.path,
          folder: folderOf(u.path),
          title: u.note.title,
          linkName: keys.linkName,
          linkPath: keys.linkPath,
          aliases: u.note.aliases,
          tags: u.note.tags,
          headings: u.note.headings,
          frontmatter: u.note.frontmatter,
          body: u.note.body,
          kind: u.note.kind,
          size: u.size,
          mtime: new Date(u.mtimeMs),
          contentHash: u.contentHash,
          searchVector: searchVector(u.note),
          indexedAt: sql`now()`,
          parseError: noteProblemText(u.note),
        };
      });
      const ex = (c: string) => sql.raw(`excluded."${c}"`);
      const written = await t
        .insert(notes)
        .values(values as unknown as (typeof notes.$inferInsert)[])
        .onConflictDoUpdate({
          target: [notes.vaultId, notes.path],
          set: {
            folder: ex('folder'),
            title: ex('title'),
            linkName: ex('link_name'),
            linkPath: ex('link_path'),
            aliases: ex('aliases'),
            tags: ex('tags'),
            headings: ex('headings'),
            frontmatter: ex('frontmatter'),
            body: ex('body'),
            kind: ex('kind'),
            size: ex('size'),
            mtime: ex('mtime'),
            contentHash: ex('content_hash'),
            searchVector: ex('search_vector'),
            indexedAt: ex('indexed_at'),
            parseError: ex('parse_error'),
          },
        })
        .returning({ id: notes.id, path: notes.path });
      const idByPath = new Map(written.map((w) => [w.path, w.id]));
      sourceIds = written.map((w) => w.id);
      await t.delete(noteLinks).where(inArray(noteLinks.sourceNoteId, sourceIds));
      const links = batch.upserts.flatMap((u) => {
        const sourceNoteId = idByPath.get(u.path)!;
        return u.note.links.map((l) => {
          const k = linkTargetKeys(u.path, l);
          return {
            vaultId,
            sourceNoteId,
            target: l.target,
            subpath: l.subpath ?? null,
            alias: l.alias ?? null,
            embed: l.embed,
            kind: l.kind,
            line: l.line,
            targetKey: k.key,
            targetName: k.name,
          };
        });
      });
      for (let i = 0; i < links.length; i += LINK_ROWS_PER_INSERT) {
        await t.insert(noteLinks).values(links.slice(i, i + LINK_ROWS_PER_INSERT));
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

    await resolveLinks(t, vaultId, sourceIds, [...affectedNames]);

    const [row] = await t
      .update(obsidianIntegrationSettings)
      .set({ indexGeneration: sql`${obsidianIntegrationSettings.indexGeneration} + 1` })
      .where(eq(obsidianIntegrationSettings.id, vaultId))
      .returning({ generation: obsidianIntegrationSettings.indexGeneration });
    return { generation: Number(row?.generation ?? 0) };
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
