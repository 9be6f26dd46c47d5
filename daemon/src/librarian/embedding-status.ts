/**
 * What `GET /librarian/embeddings` reads from the database for a vault and its embedding model:
 * the notes, those done (every section embedded or skipped), the vectors, and the sections the
 * model refused (with a sentence naming the last one).
 */
import { sql } from 'drizzle-orm';
import type { Language } from '../../../shared/i18n';
import type { Db } from '../db/database';
import { rows } from '../search/search';
import { message } from './settings';

export interface EmbeddingCounts {
  notes: number;
  embeddedNotes: number;
  chunks: number;
  skippedSections: number;
  lastSkipped: { path: string; heading: string | null; at: Date } | null;
}

/** `model` null (semantic search off or unusable): nothing counts as embedded. */
export async function embeddingCounts(db: Db, vaultId: number, model: string | null): Promise<EmbeddingCounts> {
  const source = sql`md5(n.path || n.content_hash)`;
  const [counts] = await rows<{ notes: number | string; embedded: number | string; chunks: number | string; skipped: number | string }>(
    db,
    sql`SELECT (SELECT count(*) FROM notes WHERE vault_id = ${vaultId}) AS notes,
               (SELECT count(*) FROM notes n WHERE n.vault_id = ${vaultId}
                  AND (EXISTS (SELECT 1 FROM note_embeddings e WHERE e.note_id = n.id AND e.model = ${model} AND e.source_hash = ${source})
                    OR EXISTS (SELECT 1 FROM note_embedding_skips s WHERE s.note_id = n.id AND s.model = ${model} AND s.source_hash = ${source}))) AS embedded,
               (SELECT count(*) FROM note_embeddings WHERE vault_id = ${vaultId} AND model = ${model}) AS chunks,
               (SELECT count(*) FROM note_embedding_skips WHERE vault_id = ${vaultId} AND model = ${model}) AS skipped`,
  );
  const [last] = await rows<{ path: string; heading: string | null; created_at: Date | string }>(
    db,
    sql`SELECT n.path, s.heading, s.created_at FROM note_embedding_skips s JOIN notes n ON n.id = s.note_id
        WHERE s.vault_id = ${vaultId} AND s.model = ${model} ORDER BY s.created_at DESC, s.id DESC LIMIT 1`,
  );
  return {
    notes: Number(counts?.notes ?? 0),
    embeddedNotes: Number(counts?.embedded ?? 0),
    chunks: Number(counts?.chunks ?? 0),
    skippedSections: Number(counts?.skipped ?? 0),
    lastSkipped: last ? { path: last.path, heading: last.heading, at: new Date(last.created_at) } : null,
  };
}

/** "The section “Spices” of Recipes/Curry.md is too long for the embedding model …", in `language`. */
export function skippedSentence(skipped: { path: string; heading: string | null }, language: Language): string {
  return skipped.heading === null
    ? message(language, 'librarian.semantic.skipped.untitled', { path: skipped.path })
    : message(language, 'librarian.semantic.skipped', { path: skipped.path, heading: skipped.heading });
}
