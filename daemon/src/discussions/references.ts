/**
 * Vault notes a turn may cite: found by searching the index with the topic. One small function so
 * the librarian's retrieval can replace its inside later; callers only rely on getting notes that
 * exist in the index now (a turn may cite only these, so every link it stores resolves).
 */
import type { Db } from '../db/database';
import { ApiError } from '../server/errors';
import { resolveVault } from '../search/graph';
import { parseQuery, QueryError } from '../search/query';
import { searchNotes } from '../search/search';

export interface NoteReference {
  path: string;
  title: string;
  excerpt?: string;
}

/** Notes offered per turn. */
export const REFERENCES_PER_TURN = 5;

/** The topic as plain words: query syntax (quotes, -exclusions, key:value) would change its meaning. */
function plainWords(text: string): string[] {
  return text
    .normalize('NFKC')
    .replace(/["“”:*()<>=]/g, ' ')
    .split(/\s+/)
    .map((w) => w.replace(/^-+/, ''))
    .filter((w) => w.length > 1);
}

/**
 * Up to `limit` notes about `topic` in the vault (`vaultId`, or the only registered vault): all
 * words first; when that finds too little, the longest words one by one. No vault, several vaults
 * without a choice, or nothing searchable: no notes.
 */
export async function findReferences(db: Db, vaultId: number | null, topic: string, limit = REFERENCES_PER_TURN): Promise<NoteReference[]> {
  let vault;
  try {
    vault = await resolveVault(db, vaultId === null ? undefined : String(vaultId));
  } catch (e) {
    if (e instanceof ApiError) return [];
    throw e;
  }
  const words = plainWords(topic);
  const queries = [words.join(' '), ...[...words].sort((a, b) => b.length - a.length).slice(0, 3)];
  const found = new Map<string, NoteReference>();
  for (const q of queries) {
    if (found.size >= limit || !q) break;
    let parsed;
    try {
      parsed = parseQuery({ q });
    } catch (e) {
      if (e instanceof QueryError) continue;
      throw e;
    }
    if (parsed.tsquery === null) continue;
    const page = await searchNotes(db, vault.id, parsed, limit, 0);
    for (const hit of page.results) {
      if (found.size < limit && !found.has(hit.path)) found.set(hit.path, { path: hit.path, title: hit.title, excerpt: hit.snippet.text });
    }
  }
  return [...found.values()];
}
