/**
 * Vault notes a turn may cite: the passages the librarian's retrieval finds for the discussion's
 * current topic (read as a question). A turn may cite only these, so every link it stores resolves;
 * when nothing in the vault is relevant, none are offered.
 */
import type { Db } from '../db/database';
import { retrievePassages } from '../librarian/retrieve';
import { resolveVault } from '../search/graph';
import { ApiError } from '../server/errors';

export interface NoteReference {
  path: string;
  title: string;
  /** The note's passage about the topic, on one line (it is shown in the prompt as a list item). */
  excerpt?: string;
}

/** Notes offered per turn. */
export const REFERENCES_PER_TURN = 5;
/** Longest passage offered per note: enough to judge the note, short enough for every turn's prompt. */
export const REFERENCE_EXCERPT_CHARS = 600;

/**
 * Up to `limit` notes about `topic` in the vault (`vaultId`, or the only registered vault), each
 * with its best passage. No vault, several vaults without a choice, or nothing relevant: no notes.
 */
export async function findReferences(db: Db, vaultId: number | null, topic: string, limit = REFERENCES_PER_TURN): Promise<NoteReference[]> {
  let vault;
  try {
    vault = await resolveVault(db, vaultId === null ? undefined : String(vaultId));
  } catch (e) {
    if (e instanceof ApiError) return [];
    throw e;
  }
  const { passages } = await retrievePassages(db, { vaultId: vault.id, question: topic, limit, maxPassageChars: REFERENCE_EXCERPT_CHARS });
  return passages.map((p) => {
    const excerpt = p.text.replace(/\s+/g, ' ').trim();
    return excerpt ? { path: p.path, title: p.title, excerpt } : { path: p.path, title: p.title };
  });
}
