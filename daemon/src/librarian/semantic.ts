/**
 * Hybrid retrieval: the lexical retrieval (retrieve.ts) fused with a semantic search over the
 * vault's section vectors, so a question worded unlike its note (「リンクにマウスを乗せる」 for
 * 「ホバー」, "money back" for a refund) still finds it. Off, or with nothing embedded yet, it is
 * the lexical retrieval exactly.
 *
 * 1. The question is embedded (one call, at most QUESTION_TIMEOUT_MS, no retry) while the lexical
 *    retrieval runs. Any failure — timeout, 401, a server down — leaves the lexical result alone,
 *    and `semantic.status` says 'failed' with the sentence.
 * 2. Brute-force cosine over the vault's vectors in memory (vectors.ts); each note counts with its
 *    best section. Only sections at least MIN_COSINE[provider] alike count: below it a model's
 *    cosines are what unrelated texts reach, so a question the vault does not hold still finds
 *    nothing ("nothing relevant" keeps working).
 * 3. Reciprocal rank fusion (Σ 1/(60 + rank)) of the lexical passages' order and the semantic
 *    notes' order: a note both find comes first, a note only one finds keeps its place among the
 *    others; ranks, not scores, so the two scales never have to agree. RRF's k = 60 is the value of
 *    its authors (Cormack et al., 2009), used as is.
 * 4. A note found only by meaning gives the section that matched (source 'semantic'). The result is
 *    relevant when the lexical retrieval says so or a section passed the cosine threshold.
 */
import { asc, inArray } from 'drizzle-orm';
import type { AiProvider } from '../db/schema';
import { createEmbeddingModel, type EmbeddingModel } from '../ai/embedding';
import { AiError, aiErrorSentence } from '../ai/errors';
import type { SecretBox } from '../ai/secrets';
import type { Db } from '../db/database';
import { librarianAssistant, notes } from '../db/schema';
import type { Language } from '../../../shared/i18n';
import { chunkNote } from './chunks';
import { retrievePassages, type Retrieval, type RetrievedPassage, type RetrieveOptions } from './retrieve';
import { semanticState } from './semantic-settings';
import { nearestNotes, type VectorCache } from './vectors';

/** The question's embedding waits at most this long: the answer should not wait on it. */
export const QUESTION_TIMEOUT_MS = 5_000;
/** Notes taken from each ranking before the fusion. */
const POOL = 20;
const RRF_K = 60;

/**
 * The least cosine of a section that counts, by provider: OpenAI's text-embedding-3 puts unrelated
 * texts near 0–0.25 and a passage that answers a question near 0.4–0.6; Gemini's and the usual local
 * models (bge-m3, nomic-embed-text) run higher on every pair (unrelated 0.3–0.5). Starting values
 * from the models' published ranges, not measured on these vaults (docs/ai.md).
 */
export const MIN_COSINE: Record<Exclude<AiProvider, 'claude'>, number> = { openai: 0.35, gemini: 0.6, openai_compatible: 0.55 };

export type HybridPassage = Omit<RetrievedPassage, 'source'> & { source: RetrievedPassage['source'] | 'semantic' };

export interface SemanticOutcome {
  /** off: not enabled or not usable; not_ready: nothing embedded yet; used; failed: the question could not be embedded. */
  status: 'off' | 'not_ready' | 'used' | 'failed';
  error?: AiError;
}

export interface HybridRetrieval extends Omit<Retrieval, 'passages'> {
  passages: HybridPassage[];
  semantic: SemanticOutcome;
}

export interface SemanticSource {
  model: EmbeddingModel;
  minCosine: number;
  vectors: VectorCache;
}

/** What semantic search needs for a question, or undefined when it is off or cannot embed. */
export async function semanticSource(db: Db, secrets: SecretBox | undefined, vectors: VectorCache): Promise<SemanticSource | undefined> {
  const [row] = await db.select().from(librarianAssistant).orderBy(asc(librarianAssistant.id)).limit(1);
  if (!row?.embeddingEnabled) return undefined;
  const state = await semanticState(db, secrets, row);
  if (!state.config || state.config.provider === 'claude') return undefined;
  return {
    model: createEmbeddingModel(state.config, { policy: { timeoutMs: QUESTION_TIMEOUT_MS, maxRetries: 0 } }),
    minCosine: MIN_COSINE[state.config.provider],
    vectors,
  };
}

/** The outcome for the API: the status and, when it failed, the sentence in the user's language. */
export function semanticOutcomeToApi(outcome: SemanticOutcome, language: Language): { status: SemanticOutcome['status']; message: string | null } {
  return { status: outcome.status, message: outcome.error ? aiErrorSentence(outcome.error, language) : null };
}

/** `signal` cancels the question's embedding (an engine stopping); the lexical result is returned then, as on any failure. */
export async function retrieveHybrid(db: Db, options: RetrieveOptions, source: SemanticSource | undefined, signal?: AbortSignal): Promise<HybridRetrieval> {
  if (!source) return { ...(await retrievePassages(db, options)), semantic: { status: 'off' } };
  const vectors = await source.vectors.get(options.vaultId, source.model.id);
  if (vectors.chunkIndexes.length === 0) return { ...(await retrievePassages(db, options)), semantic: { status: 'not_ready' } };
  const limit = options.limit ?? 6;
  const [lexical, question] = await Promise.all([
    // A longer list than asked for: the fusion chooses among more (the ranking of the first ones is the same).
    retrievePassages(db, { ...options, limit: Math.max(limit, POOL) }),
    source.model.embed({ texts: [options.question], purpose: 'query', signal }).then(
      (r) => r.vectors[0]!,
      (e: unknown) => (e instanceof AiError ? e : new AiError({ kind: 'bad_response', who: source.model.id }, { cause: String(e) })),
    ),
  ]);
  if (question instanceof AiError) return { ...lexical, passages: lexical.passages.slice(0, limit), semantic: { status: 'failed', error: question } };
  if (question.length !== vectors.dimensions) {
    const error = new AiError({ kind: 'bad_response', who: source.model.id }, { cause: `question vector of ${question.length} numbers, notes of ${vectors.dimensions}` });
    return { ...lexical, passages: lexical.passages.slice(0, limit), semantic: { status: 'failed', error } };
  }
  const hits = nearestNotes(vectors, question, POOL).filter((h) => h.cosine >= source.minCosine);

  // The note the question is about stays first, as in the lexical retrieval.
  const pinned = lexical.passages.find((p) => p.source === 'note');
  const ranked = lexical.passages.filter((p) => p !== pinned);
  const fused = new Map<number, { score: number; passage?: HybridPassage; chunk?: number }>();
  ranked.forEach((p, i) => fused.set(p.noteId, { score: 1 / (RRF_K + i + 1), passage: p }));
  hits.forEach((h, i) => {
    if (h.noteId === pinned?.noteId) return;
    const known = fused.get(h.noteId);
    if (known) known.score += 1 / (RRF_K + i + 1);
    else fused.set(h.noteId, { score: 1 / (RRF_K + i + 1), chunk: h.chunkIndex });
  });
  const order = [...fused.entries()].sort((a, b) => b[1].score - a[1].score).slice(0, pinned ? limit - 1 : limit);
  const found = await sectionPassages(
    db,
    order.filter(([, f]) => !f.passage).map(([noteId, f]) => ({ noteId, chunk: f.chunk! })),
    options.maxPassageChars ?? 1200,
  );
  const passages: HybridPassage[] = order
    .map(([noteId, f]) => {
      const p = f.passage ?? found.get(noteId);
      return p ? { ...p, score: Math.round(f.score * 1e4) / 1e4 } : undefined;
    })
    .filter((p): p is HybridPassage => p !== undefined);
  return { ...lexical, passages: pinned ? [pinned, ...passages] : passages, relevant: lexical.relevant || hits.length > 0, semantic: { status: 'used' } };
}

/** The section each note was found by, as a passage. */
async function sectionPassages(db: Db, wanted: Array<{ noteId: number; chunk: number }>, maxChars: number): Promise<Map<number, HybridPassage>> {
  const out = new Map<number, HybridPassage>();
  if (wanted.length === 0) return out;
  const list = await db.select({ id: notes.id, path: notes.path, title: notes.title, body: notes.body }).from(notes).where(inArray(notes.id, wanted.map((w) => w.noteId)));
  for (const note of list) {
    const index = wanted.find((w) => w.noteId === note.id)!.chunk;
    const chunks = chunkNote(note.title, note.body);
    // The note changed since it was embedded and lost that section: its opening stands in.
    const chunk = chunks[index] ?? chunks[0]!;
    const text = chunk.section.length > maxChars ? `${chunk.section.slice(0, maxChars - 1).trim()}…` : chunk.section;
    out.set(note.id, { noteId: note.id, path: note.path, title: note.title, heading: chunk.heading, text, score: 0, source: 'semantic' });
  }
  return out;
}
