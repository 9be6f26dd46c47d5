/**
 * The answer's `[[links]]`, checked against the index after the model has finished: a link to a
 * note of the vault stays and becomes a citation (with the passage the note was given with); a
 * link to a note that does not exist is turned into plain text and reported. The librarian never
 * shows a link to a note it made up.
 */
import { sql } from 'drizzle-orm';
import type { Citation, Passage } from '../../../shared/contracts/librarian';
import type { Db } from '../db/database';
import { rows } from '../search/search';
import { linkTargetKeys } from '../vault/paths';

/** `[[target#sub|alias]]` and `![[…]]`; no newline or bracket inside. */
const LINK_RE = /(!?)\[\[([^[\]\n|#]*)(#[^[\]\n|]*)?(?:\|([^[\]\n]*))?\]\]/g;

export interface WikiLink {
  /** The whole match, e.g. "[[Note#Part|shown]]". */
  raw: string;
  target: string;
  alias: string | null;
}

export function wikiLinks(text: string): WikiLink[] {
  return [...text.matchAll(LINK_RE)].map((m) => ({ raw: m[0], target: m[2]!.trim(), alias: m[4]?.trim() || null }));
}

export interface CheckedAnswer {
  /** The answer with every link to a missing note replaced by its text. */
  text: string;
  citations: Citation[];
  /** Targets of the links that were removed, as written, without duplicates. */
  removedLinks: string[];
}

interface NoteRef {
  id: number;
  path: string;
  title: string;
  linkName: string;
  linkPath: string;
}

/** The notes each link key names (file name or path, case-insensitive, without ".md"). */
async function notesByName(db: Db, vaultId: number, names: string[]): Promise<NoteRef[]> {
  if (names.length === 0) return [];
  const list = await rows<{ id: number | string; path: string; title: string; link_name: string; link_path: string }>(
    db,
    sql`SELECT id, path, title, link_name, link_path FROM notes WHERE vault_id = ${vaultId} AND link_name = ANY(ARRAY[${sql.join(names.map((n) => sql`${n}`), sql`, `)}]::text[])
        ORDER BY length(path), path`,
  );
  return list.map((r) => ({ id: Number(r.id), path: r.path, title: r.title, linkName: r.link_name, linkPath: r.link_path }));
}

/**
 * Resolves every link of the answer against the vault (as Obsidian does: by file name, or by path
 * when one is written; among several notes of that name the one given as a passage, else the
 * shortest path) and unlinks the ones that match no note.
 */
export async function checkCitations(db: Db, vaultId: number, answer: string, passages: Passage[]): Promise<CheckedAnswer> {
  const links = wikiLinks(answer);
  const keyed = links.map((l) => ({ link: l, ...linkTargetKeys('', { target: l.target }) }));
  const candidates = await notesByName(db, vaultId, [...new Set(keyed.map((k) => k.name).filter(Boolean))]);
  const passageOf = new Map(passages.map((p) => [p.noteId, p]));
  const resolve = (key: string, name: string): NoteRef | undefined => {
    const matching = candidates.filter((n) => n.linkName === name && (key === name || n.linkPath === key || n.linkPath.endsWith(`/${key}`)));
    return matching.find((n) => passageOf.has(n.id)) ?? matching[0];
  };

  const citations = new Map<number, Citation>();
  const removed = new Set<string>();
  const unlinked = new Map<string, string>();
  for (const { link, key, name } of keyed) {
    const note = key ? resolve(key, name) : undefined;
    if (!note) {
      removed.add(link.target || link.raw);
      unlinked.set(link.raw, link.alias ?? link.target);
      continue;
    }
    if (!citations.has(note.id)) citations.set(note.id, { target: link.target, path: note.path, title: note.title, passage: passageOf.get(note.id) ?? null });
  }
  let text = answer;
  for (const [raw, plain] of unlinked) text = text.split(raw).join(plain);
  return { text, citations: [...citations.values()], removedLinks: [...removed] };
}

/**
 * How each passage's note is linked in the prompt: `[[Title]]`, or `[[Folder/Title]]` when
 * another note of the vault has the same name (Obsidian would resolve the bare name elsewhere).
 */
export async function linkTargetsOf(db: Db, vaultId: number, passages: Passage[]): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  if (passages.length === 0) return out;
  const ids = sql.join(passages.map((p) => sql`${p.noteId}`), sql`, `);
  const list = await rows<{ id: number | string; path: string; title: string; twins: number | string }>(
    db,
    sql`SELECT n.id, n.path, n.title, (SELECT count(*) FROM notes o WHERE o.vault_id = n.vault_id AND o.link_name = n.link_name) AS twins
        FROM notes n WHERE n.vault_id = ${vaultId} AND n.id IN (${ids})`,
  );
  for (const r of list) out.set(Number(r.id), Number(r.twins) > 1 ? r.path.replace(/\.md$/i, '') : r.title);
  return out;
}
