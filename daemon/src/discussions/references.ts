/**
 * Vault notes a turn may cite: the passages the librarian's retrieval finds for the discussion's
 * current topic (read as a question). A turn may cite only these, so every link it stores resolves;
 * when nothing in the vault is relevant, none are offered.
 *
 * The retrieval is the librarian's hybrid one (librarian/semantic.ts): with semantic search on and
 * the vault embedded, a note whose meaning is near the topic is offered even when it shares no word
 * with it; off, not ready, or when the topic cannot be embedded (a wrong key, a timeout), it is the
 * lexical retrieval exactly. The embedding waits at most QUESTION_TIMEOUT_MS and is never retried,
 * so a turn never fails on it and never waits long for it.
 */
import type { SecretBox } from '../ai/secrets';
import type { Db } from '../db/database';
import { retrieveHybrid, semanticSource, type SemanticOutcome } from '../librarian/semantic';
import type { VectorCache } from '../librarian/vectors';
import { resolveVault } from '../search/graph';
import { ApiError } from '../server/errors';

export interface NoteReference {
  path: string;
  title: string;
  /** The note's passage about the topic, on one line (it is shown in the prompt as a list item). */
  excerpt?: string;
}

/** What finding references reads: the index, the embedding assistant's key, and the daemon's one VectorCache (the embedder drops it when it writes). */
export interface ReferenceSources {
  db: Db;
  secrets?: SecretBox;
  vectors: VectorCache;
}

export interface FoundReferences {
  notes: NoteReference[];
  /** Whether semantic search took part; `failed` carries the error (the notes are then the lexical ones). */
  semantic: SemanticOutcome;
}

/** Notes offered per turn. */
export const REFERENCES_PER_TURN = 5;
/** Longest passage offered per note: enough to judge the note, short enough for every turn's prompt. */
export const REFERENCE_EXCERPT_CHARS = 600;

/**
 * Up to `limit` notes about `topic` in the vault (`vaultId`, or the only registered vault), each
 * with its best passage (for a note found only by meaning, the section that matched). No vault,
 * several vaults without a choice, or nothing relevant: no notes. `signal` cancels the topic's
 * embedding (the lexical notes are returned then).
 */
export async function findReferences(from: ReferenceSources, vaultId: number | null, topic: string, signal?: AbortSignal, limit = REFERENCES_PER_TURN): Promise<FoundReferences> {
  const { db } = from;
  let vault;
  try {
    vault = await resolveVault(db, vaultId === null ? undefined : String(vaultId));
  } catch (e) {
    if (e instanceof ApiError) return { notes: [], semantic: { status: 'off' } };
    throw e;
  }
  const r = await retrieveHybrid(
    db,
    { vaultId: vault.id, question: topic, limit, maxPassageChars: REFERENCE_EXCERPT_CHARS },
    await semanticSource(db, from.secrets, from.vectors),
    signal,
  );
  const notes = r.passages.map((p) => {
    const excerpt = p.text.replace(/\s+/g, ' ').trim();
    return excerpt ? { path: p.path, title: p.title, excerpt } : { path: p.path, title: p.title };
  });
  return { notes, semantic: r.semantic };
}
