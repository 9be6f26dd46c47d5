/**
 * The vault's link and tag graph as the index stores it (notes, note_links): vault and note lookup,
 * backlinks, outgoing links, related notes, the tag list and unresolved links.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../db/database';
import { ApiError, notFound } from '../server/errors';
import { cjkQueryWords } from './query';
import { rows } from './search';
import { bigrams, pieces } from './tokenize';

export interface VaultRef {
  id: number;
  generation: number;
}

/** The vault by id or path; the only vault when none is given. Reads one indexed row. */
export async function resolveVault(db: Db, vault: string | undefined): Promise<VaultRef> {
  type R = { id: number | string; generation: number | string };
  let found: R[];
  if (vault === undefined || vault === '') {
    found = await rows<R>(db, sql`SELECT id, index_generation AS generation FROM obsidian_integration_settings ORDER BY id LIMIT 2`);
    if (found.length === 0) throw notFound('No vault is registered; a vault');
    if (found.length > 1) throw new ApiError(400, 'vault_required', 'Several vaults are registered: give vault (its id or path)');
  } else if (/^\d{1,15}$/.test(vault)) {
    found = await rows<R>(db, sql`SELECT id, index_generation AS generation FROM obsidian_integration_settings WHERE id = ${Number(vault)}`);
  } else {
    const p = vault.normalize('NFC').replace(/[\\/]+$/, '');
    found = await rows<R>(db, sql`SELECT id, index_generation AS generation FROM obsidian_integration_settings WHERE vault_path = ${p} OR vault_path = ${vault} LIMIT 1`);
  }
  const [row] = found;
  if (!row) throw notFound('Vault', vault);
  return { id: Number(row.id), generation: Number(row.generation) };
}

export interface NoteRow {
  id: number;
  path: string;
  title: string;
  tags: string[];
  aliases: string[];
}

/** A note of the vault by its vault-relative path (with or without ".md"), or 404. */
export async function findNote(db: Db, vaultId: number, path: string): Promise<NoteRow> {
  const p = path.normalize('NFC').replace(/\\/g, '/').replace(/^\/+/, '');
  const candidates = /\.md$/i.test(p) ? [p] : [p, `${p}.md`];
  const found = await rows<{ id: number | string; path: string; title: string; tags: string[]; aliases: string[] }>(
    db,
    sql`SELECT id, path, title, tags, aliases FROM notes WHERE vault_id = ${vaultId} AND path IN (${sql.join(candidates.map((c) => sql`${c}`), sql`, `)}) ORDER BY length(path) LIMIT 1`,
  );
  const [row] = found;
  if (!row) throw notFound('Note', p);
  return { ...row, id: Number(row.id) };
}

export async function backlinks(db: Db, note: NoteRow) {
  const list = await rows<{ path: string; title: string; line: number; alias: string | null; subpath: string | null; embed: boolean }>(
    db,
    sql`SELECT n.path, n.title, l.line, l.alias, l.subpath, l.embed FROM note_links l JOIN notes n ON n.id = l.source_note_id
        WHERE l.resolved_note_id = ${note.id} AND l.source_note_id <> ${note.id} ORDER BY n.path, l.line LIMIT 1000`,
  );
  return list.map((r) => ({ ...r, line: Number(r.line) }));
}

export async function outgoingLinks(db: Db, note: NoteRow) {
  const list = await rows<{ target: string; subpath: string | null; alias: string | null; embed: boolean; kind: string; line: number; rpath: string | null; rtitle: string | null }>(
    db,
    sql`SELECT l.target, l.subpath, l.alias, l.embed, l.kind, l.line, r.path AS rpath, r.title AS rtitle
        FROM note_links l LEFT JOIN notes r ON r.id = l.resolved_note_id
        WHERE l.source_note_id = ${note.id} ORDER BY l.line, l.id LIMIT 5000`,
  );
  return list.map(({ rpath, rtitle, ...r }) => ({ ...r, line: Number(r.line), resolved: rpath === null ? null : { path: rpath, title: rtitle ?? '' } }));
}

/** Words of the note's title and aliases as an OR tsquery: notes "about the same thing". */
function similarityQuery(note: NoteRow): string | null {
  const alts = new Set<string>();
  for (const text of [note.title, ...note.aliases].slice(0, 10)) {
    for (const p of pieces(text)) {
      if (p.kind === 'latin') {
        for (const part of p.parts) if (part.length >= 3 && !/^\d+$/.test(part)) alts.add(part);
      } else {
        for (const w of cjkQueryWords(p.text)) {
          if (w.weak || Array.from(w.text).length < 2) continue;
          const b = bigrams(w.text);
          alts.add(b.length === 1 ? b[0]! : `(${b.join(' <-> ')})`);
        }
      }
    }
  }
  return alts.size > 0 ? [...alts].slice(0, 16).join(' | ') : null;
}

export interface RelatedHit {
  path: string;
  title: string;
  score: number;
  reasons: Array<'link' | 'backlink' | 'tag' | 'text'>;
  sharedTags: string[];
}

export async function relatedNotes(db: Db, vaultId: number, note: NoteRow, limit: number): Promise<RelatedHit[]> {
  const hits = new Map<number, RelatedHit>();
  const add = (id: number, path: string, title: string, reason: RelatedHit['reasons'][number], score: number) => {
    let h = hits.get(id);
    if (!h) hits.set(id, (h = { path, title, score: 0, reasons: [], sharedTags: [] }));
    if (!h.reasons.includes(reason)) h.reasons.push(reason);
    h.score += score;
    return h;
  };
  type Ref = { id: number | string; path: string; title: string };
  const out = await rows<Ref>(
    db,
    sql`SELECT DISTINCT r.id, r.path, r.title FROM note_links l JOIN notes r ON r.id = l.resolved_note_id
        WHERE l.source_note_id = ${note.id} AND r.id <> ${note.id} LIMIT 500`,
  );
  for (const r of out) add(Number(r.id), r.path, r.title, 'link', 3);
  const back = await rows<Ref>(
    db,
    sql`SELECT DISTINCT n.id, n.path, n.title FROM note_links l JOIN notes n ON n.id = l.source_note_id
        WHERE l.resolved_note_id = ${note.id} AND n.id <> ${note.id} LIMIT 500`,
  );
  for (const r of back) add(Number(r.id), r.path, r.title, 'backlink', 3);

  if (note.tags.length > 0) {
    const tags = note.tags.slice(0, 50);
    const tagArray = sql`ARRAY[${sql.join(tags.map((t) => sql`${t}`), sql`, `)}]::text[]`;
    // Rare tags say more than common ones: each shared tag weighs 2 / log2(2 + notes with it).
    const shared = await rows<Ref & { shared: string[]; weight: number | string }>(
      db,
      sql`WITH freq AS (
            SELECT t.tag, count(*) AS c FROM notes n, unnest(n.tags) AS t(tag)
            WHERE n.vault_id = ${vaultId} AND n.tags && ${tagArray} AND t.tag = ANY(${tagArray}) GROUP BY t.tag)
          SELECT n.id, n.path, n.title, array_agg(f.tag ORDER BY f.tag) AS shared, sum(2 / log(2, 2 + f.c)) AS weight
          FROM notes n JOIN LATERAL unnest(n.tags) AS t(tag) ON true JOIN freq f ON f.tag = t.tag
          WHERE n.vault_id = ${vaultId} AND n.id <> ${note.id} AND n.tags && ${tagArray}
          GROUP BY n.id, n.path, n.title ORDER BY weight DESC, n.path LIMIT 200`,
    );
    for (const r of shared) add(Number(r.id), r.path, r.title, 'tag', Number(r.weight)).sharedTags = r.shared;
  }

  const tsq = similarityQuery(note);
  if (tsq) {
    const similar = await db.transaction(async (tx) => {
      await tx.execute(sql`SELECT set_config('enable_seqscan', 'off', true), set_config('jit', 'off', true)`);
      return rows<Ref & { score: number | string }>(
        tx,
        sql`WITH m AS (
              SELECT n.id FROM notes n WHERE n.vault_id = ${vaultId} AND n.id <> ${note.id}
                AND n.search_vector @@ to_tsquery('simple', ${tsq}) ORDER BY n.mtime DESC LIMIT 500)
            SELECT n.id, n.path, n.title, ts_rank(n.search_vector, to_tsquery('simple', ${tsq})) AS score
            FROM m JOIN notes n ON n.id = m.id ORDER BY score DESC, n.path LIMIT 30`,
      );
    });
    for (const r of similar) add(Number(r.id), r.path, r.title, 'text', Math.min(2, Number(r.score) * 2));
  }

  return [...hits.values()]
    .map((h) => ({ ...h, score: Math.round(h.score * 1000) / 1000 }))
    .sort((a, b) => b.score - a.score || a.path.localeCompare(b.path))
    .slice(0, limit);
}

export async function tagList(db: Db, vaultId: number) {
  const list = await rows<{ tag: string; count: number | string; total: number | string }>(
    db,
    sql`WITH nt AS (SELECT n.id, t.tag FROM notes n, unnest(n.tags) AS t(tag) WHERE n.vault_id = ${vaultId} AND t.tag <> ''),
        exact AS (SELECT tag, count(DISTINCT id) AS c FROM nt GROUP BY tag),
        anc AS (
          SELECT DISTINCT nt.id, array_to_string((string_to_array(nt.tag, '/'))[1:k], '/') AS tag
          FROM nt, generate_series(1, cardinality(string_to_array(nt.tag, '/'))) AS k)
        SELECT a.tag, coalesce(max(e.c), 0) AS count, count(*) AS total
        FROM anc a LEFT JOIN exact e ON e.tag = a.tag WHERE a.tag <> '' GROUP BY a.tag ORDER BY a.tag`,
  );
  return list.map((r) => ({ tag: r.tag, count: Number(r.count), total: Number(r.total) }));
}

/** The vault's folders (its root left out) with the notes directly in each and in each subtree; parents always listed. */
export async function folderList(db: Db, vaultId: number) {
  const list = await rows<{ folder: string; count: number | string; total: number | string }>(
    db,
    sql`WITH f AS (SELECT folder, count(*) AS c FROM notes WHERE vault_id = ${vaultId} AND folder <> '' GROUP BY folder),
        anc AS (
          SELECT array_to_string((string_to_array(f.folder, '/'))[1:k], '/') AS folder, f.folder AS own, f.c
          FROM f, generate_series(1, cardinality(string_to_array(f.folder, '/'))) AS k)
        SELECT folder, coalesce(sum(c) FILTER (WHERE own = folder), 0) AS count, sum(c) AS total FROM anc GROUP BY folder`,
  );
  return list
    .map((r) => ({ folder: r.folder, count: Number(r.count), total: Number(r.total) }))
    .sort((a, b) => (a.folder < b.folder ? -1 : a.folder > b.folder ? 1 : 0));
}

export async function unresolvedLinks(db: Db, vaultId: number, limit: number) {
  const list = await rows<{ target: string; count: number | string; sources: Array<{ path: string; line: number }> }>(
    db,
    sql`SELECT min(l.target) AS target, count(*) AS count,
               json_agg(json_build_object('path', n.path, 'line', l.line) ORDER BY n.path, l.line) AS sources
        FROM note_links l JOIN notes n ON n.id = l.source_note_id
        WHERE l.vault_id = ${vaultId} AND l.resolved_note_id IS NULL AND l.target_key <> ''
          AND (l.target_name !~ '\\.[A-Za-z0-9]{1,5}$' OR l.target_name ~* '\\.md$')
        GROUP BY l.target_key ORDER BY count(*) DESC, min(l.target) LIMIT ${limit}`,
  );
  return list.map((r) => ({
    target: r.target,
    count: Number(r.count),
    sources: (typeof r.sources === 'string' ? (JSON.parse(r.sources) as Array<{ path: string; line: number }>) : r.sources ?? []).slice(0, 20).map((s) => ({ path: s.path, line: Number(s.line) })),
  }));
}

export interface LinkNeighbour {
  /** The note the neighbour was found from. */
  fromId: number;
  id: number;
  /** 'link': fromId links to it; 'backlink': it links to fromId. */
  direction: 'link' | 'backlink';
}

/** The notes linked from and linking to each of `noteIds` (resolved links only, no self-links). */
export async function linkNeighbours(db: Db, noteIds: number[], perNote = 50): Promise<LinkNeighbour[]> {
  if (noteIds.length === 0) return [];
  const ids = sql`ARRAY[${sql.join(noteIds.map((id) => sql`${id}`), sql`, `)}]::bigint[]`;
  const list = await rows<{ from_id: number | string; id: number | string; direction: 'link' | 'backlink' }>(
    db,
    sql`SELECT x.from_id, x.id, x.direction FROM (
          SELECT DISTINCT l.source_note_id AS from_id, l.resolved_note_id AS id, 'link' AS direction FROM note_links l
          WHERE l.source_note_id = ANY(${ids}) AND l.resolved_note_id IS NOT NULL AND l.resolved_note_id <> l.source_note_id
          UNION
          SELECT DISTINCT l.resolved_note_id, l.source_note_id, 'backlink' FROM note_links l
          WHERE l.resolved_note_id = ANY(${ids}) AND l.resolved_note_id <> l.source_note_id) AS x
        JOIN notes n ON n.id = x.id
        -- By path, not id: which neighbours a note past perNote keeps must not depend on the order notes were indexed in.
        ORDER BY x.from_id, x.direction, n.path`,
  );
  const counts = new Map<number, number>();
  return list.flatMap((r) => {
    const from = Number(r.from_id);
    const n = counts.get(from) ?? 0;
    if (n >= perNote) return [];
    counts.set(from, n + 1);
    return [{ fromId: from, id: Number(r.id), direction: r.direction }];
  });
}
