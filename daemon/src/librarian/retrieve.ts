/**
 * Retrieval for the librarian (and any feature that answers from the vault): a natural-language
 * question → the passages of the vault's notes that answer it. Independent of HTTP.
 *
 * 1. The question becomes terms (question.ts): content words only, English stems as prefixes,
 *    Japanese cut by the segmenter; each its own tsquery.
 * 2. Each term is weighed by how rare it is in the vault (BM25's idf, from GIN-index counts), so
 *    "note" in a vault of notes weighs little and "carbonara" a lot.
 * 3. Candidates are the notes holding any informative term (OR, not AND: a long question still
 *    matches notes that hold most of it); each is scored by the weighted, saturated ts_rank of each
 *    term (ts_rank weighs the title 1.0, aliases and headings 0.4, tags 0.2, body 0.1: the title
 *    boost) with BM25's length normalisation, plus a bonus for a title or alias made of question
 *    words ("graph view" in "how do I filter the graph view?").
 * 4. Related-note expansion: the best notes' link neighbours (outgoing links and backlinks) are
 *    reinforced when they match too, and fill the passages when the search found too few.
 * 5. Each of the best notes gives one passage: its best-matching section (passage.ts), at most
 *    maxChars; the notes are ranked again with what their passage and its heading hold, and a
 *    note linked from one of the best passages inherits part of its score.
 *
 * Relevance: a note's coverage is the share of the question's term weight it holds. When no note
 * reaches RELEVANCE_THRESHOLD the vault holds nothing relevant and no passage is returned (the
 * librarian then says so instead of asking the model). See docs/ai.md for the measured figures.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/database';
import { linkNeighbours } from '../search/graph';
import { rows } from '../search/search';
import { normalizeText } from '../search/tokenize';
import { wikiLinks } from './citations';
import { extractPassage, hasTerm, type WeightedTerm } from './passage';
import { questionTerms } from './question';

/** A note counts as relevant when it holds at least this share of the question's term weight. */
export const RELEVANCE_THRESHOLD = 0.4;
/** Notes below this share are not passed on even when another note is relevant (noise). */
export const MIN_PASSAGE_COVERAGE = 0.25;
/** Terms found in more than this share of the vault's notes do not select candidates (they still score). */
const COMMON_TERM_SHARE = 0.35;
/** Candidate notes scored per question. */
const MAX_CANDIDATES = 2000;

/** The knobs of the ranking (the evaluation in bench/retrieval measures them). */
export interface RetrievalTuning {
  /** The weight of a term no note holds, as a share of the weight of a term one note holds. */
  unknownTermShare: number;
  /** ts_rank saturation K: a term adds idf · r / (r + K·norm); one body hit ≈ 0.06, a title hit ≈ 0.6. */
  rankSaturation: number;
  /** BM25's b: how much a note's length (in distinct index terms) damps its ranks. */
  lengthB: number;
  /** What a title (or alias) made of the question's words adds (see nameMatch). */
  titleWeight: number;
  /** How many of the best notes have their links followed, and how much a neighbour inherits. */
  expandFrom: number;
  linkShare: number;
  /** The best notes ranked again with their best passage, and what the passage and its heading add (times their share of the term weight). */
  rerankPool: number;
  passageWeight: number;
  headingWeight: number;
  /** What a note linked from one of the best passages inherits of that passage's score. */
  anchorShare: number;
}

export const DEFAULT_TUNING: Readonly<RetrievalTuning> = Object.freeze({
  unknownTermShare: 0.5,
  rankSaturation: 0.1,
  lengthB: 1,
  titleWeight: 0.5,
  expandFrom: 3,
  linkShare: 0.1,
  rerankPool: 20,
  passageWeight: 0.6,
  headingWeight: 0.3,
  anchorShare: 0.1,
});
/** Characters of a body searched for its passage. */
const MAX_BODY_READ = 100_000;

export type PassageSource = 'search' | 'link' | 'backlink' | 'note';

export interface RetrievedPassage {
  noteId: number;
  path: string;
  title: string;
  heading: string | null;
  text: string;
  score: number;
  source: PassageSource;
}

export interface RetrieveOptions {
  vaultId: number;
  question: string;
  /** Passages to return (default 6). */
  limit?: number;
  /** Follow the links of the best notes (default true). */
  expandLinks?: boolean;
  /** Longest passage (default 1200 characters). */
  maxPassageChars?: number;
  /** The note the question is about: its passage comes first, and the retrieval is relevant whatever the search finds. */
  noteId?: number;
  /** Other ranking knobs than DEFAULT_TUNING (the evaluation tries them). */
  tuning?: Partial<RetrievalTuning>;
}

export interface Retrieval {
  passages: RetrievedPassage[];
  /** False when nothing reached the relevance threshold (passages is then empty). */
  relevant: boolean;
  /** The terms searched for, with their weights (for logs and the evaluation). */
  terms: WeightedTerm[];
}

interface Candidate {
  id: number;
  path: string;
  title: string;
  aliases: string[];
  /** The weighted, saturated ranks as a share of the question's term weight, plus the name bonus. */
  score: number;
  /** Share of the question's term weight the note holds. */
  coverage: number;
  source: PassageSource;
}

/** BM25's inverse document frequency: rare terms weigh more; never negative. */
function idf(total: number, df: number): number {
  return Math.log(1 + (total - df + 0.5) / (df + 0.5));
}

const tsq = (q: string) => sql`to_tsquery('simple', ${q})`;

async function termWeights(db: Db, vaultId: number, question: string, tune: RetrievalTuning): Promise<{ total: number; terms: Array<WeightedTerm & { df: number }> }> {
  const terms = questionTerms(question);
  if (terms.length === 0) return { total: 0, terms: [] };
  return db.transaction(async (tx) => {
    // Index scans only (as the search does): counting must not read every vector.
    await tx.execute(sql`SELECT set_config('enable_seqscan', 'off', true), set_config('jit', 'off', true)`);
    const counts = terms.map(
      (t, i) => sql`(SELECT count(*) FROM (SELECT 1 FROM notes n WHERE n.vault_id = ${vaultId} AND n.search_vector @@ ${tsq(t.query)} LIMIT 100000) AS c) AS ${sql.raw(`df${i}`)}`,
    );
    const [row] = await rows<Record<string, number | string>>(
      tx,
      sql`SELECT (SELECT count(*) FROM notes n WHERE n.vault_id = ${vaultId}) AS total, ${sql.join(counts, sql`, `)}`,
    );
    const total = Number(row?.total ?? 0);
    return {
      total,
      terms: terms.map((t, i) => {
        const df = Number(row?.[`df${i}`] ?? 0);
        // A word the vault never uses is a paraphrase as often as a sign of another subject:
        // it weighs like a rare word, not like the rarest there could be.
        return { ...t, df, weight: df > 0 ? idf(total, df) : tune.unknownTermShare * idf(total, 1) };
      }),
    };
  });
}

/**
 * How well the note's name matches the question: the share of the question's term weight found in
 * the title or an alias, times how much of that name the question covers (a question holding every
 * word of "Graph view" says more than one holding "view").
 */
function nameMatch(names: string[], terms: WeightedTerm[], weightSum: number): number {
  let best = 0;
  for (const name of names) {
    const normalized = normalizeText(name);
    const found = terms.filter((t) => hasTerm(normalized, t));
    if (found.length === 0) continue;
    const share = found.reduce((s, t) => s + t.weight, 0) / weightSum;
    const words = questionTerms(name);
    const covered = words.length === 0 ? 1 : words.filter((w) => terms.some((t) => hasTerm(normalizeText(w.text), t) || hasTerm(normalizeText(t.text), w))).length / words.length;
    best = Math.max(best, share * (0.5 + 0.5 * covered));
  }
  return best;
}

async function scoreCandidates(db: Db, vaultId: number, terms: WeightedTerm[], where: SQL, tune: RetrievalTuning): Promise<Candidate[]> {
  const weightSum = terms.reduce((s, t) => s + t.weight, 0);
  // ts_rank alone is not a match test: it scores a phrase's words even where they are not a phrase.
  const ranks = terms.map((t, i) => sql`CASE WHEN n.search_vector @@ ${tsq(t.query)} THEN ts_rank(n.search_vector, ${tsq(t.query)}) ELSE 0 END AS ${sql.raw(`r${i}`)}`);
  const list = await rows<Record<string, unknown> & { id: number | string; path: string; title: string; aliases: string[]; len: number | string }>(
    db,
    sql`SELECT n.id, n.path, n.title, n.aliases, length(n.search_vector) AS len, ${sql.join(ranks, sql`, `)} FROM notes n WHERE n.vault_id = ${vaultId} AND ${where}`,
  );
  const avgLength = list.reduce((s, r) => s + Number(r.len), 0) / Math.max(1, list.length) || 1;
  return list.map((r) => {
    // BM25's length normalisation: a long note holding a word once says less than a short one.
    const norm = 1 - tune.lengthB + (tune.lengthB * Number(r.len)) / avgLength;
    let score = 0;
    let covered = 0;
    terms.forEach((t, i) => {
      const rank = Number(r[`r${i}`] ?? 0);
      if (rank <= 0) return;
      covered += t.weight;
      score += (t.weight * rank) / (rank + tune.rankSaturation * norm);
    });
    const coverage = weightSum > 0 ? covered / weightSum : 0;
    let share = weightSum > 0 ? score / weightSum : 0;
    share += tune.titleWeight * nameMatch([r.title, ...(r.aliases ?? [])], terms, weightSum);
    return { id: Number(r.id), path: r.path, title: r.title, aliases: r.aliases ?? [], score: share, coverage, source: 'search' as const };
  });
}

/** The vault's notes ranked for the question (before the relevance cut), with the weighted terms. */
async function rankNotes(db: Db, vaultId: number, question: string, expandLinks: boolean, tune: RetrievalTuning): Promise<{ terms: WeightedTerm[]; ranked: Candidate[] }> {
  const { total, terms } = await termWeights(db, vaultId, question, tune);
  const found = terms.filter((t) => t.df > 0);
  if (found.length === 0) return { terms, ranked: [] };

  const informative = found.filter((t) => t.df <= total * COMMON_TERM_SHARE);
  const selecting = informative.length > 0 ? informative : found;
  const anyTerm = selecting.map((t) => `(${t.query})`).join(' | ');
  const candidates = await db.transaction(async (tx) => {
    await tx.execute(sql`SELECT set_config('enable_seqscan', 'off', true), set_config('jit', 'off', true)`);
    const ids = sql`n.id IN (SELECT m.id FROM notes m WHERE m.vault_id = ${vaultId} AND m.search_vector @@ ${tsq(anyTerm)} LIMIT ${MAX_CANDIDATES})`;
    return scoreCandidates(tx as unknown as Db, vaultId, terms, ids, tune);
  });
  const byId = new Map(candidates.map((c) => [c.id, c]));
  const ranked = candidates.sort((a, b) => b.score - a.score || a.path.localeCompare(b.path));
  if (!expandLinks) return { terms, ranked };
  const top = ranked.filter((c) => c.coverage >= MIN_PASSAGE_COVERAGE).slice(0, tune.expandFrom);
  const added: number[] = [];
  // The parents' scores as ranked, and the neighbours taken parent by parent in rank order: what a
  // neighbour gains must not depend on the order the database returns links in (note ids differ
  // from one index to the next), or the same question on the same notes could rank differently.
  const parentScore = new Map(top.map((c) => [c.id, c.score]));
  const rankOf = new Map(top.map((c, i) => [c.id, i]));
  const neighbours = (await linkNeighbours(db, top.map((c) => c.id))).sort((a, b) => rankOf.get(a.fromId)! - rankOf.get(b.fromId)!);
  for (const n of neighbours) {
    const known = byId.get(n.id);
    if (known) {
      if (known.coverage >= MIN_PASSAGE_COVERAGE) known.score += tune.linkShare * parentScore.get(n.fromId)! * known.coverage;
      continue;
    }
    // A neighbour that holds no question word follows every note that does: it fills the passages
    // only when the search found too few.
    byId.set(n.id, { id: n.id, path: '', title: '', aliases: [], score: 0, coverage: 0, source: n.direction });
    added.push(n.id);
  }
  if (added.length > 0) {
    for (const c of await scoreCandidates(db, vaultId, terms, sql`n.id IN (${sql.join(added.map((id) => sql`${id}`), sql`, `)})`, tune)) {
      const entry = byId.get(c.id)!;
      Object.assign(entry, { path: c.path, title: c.title, aliases: c.aliases, coverage: c.coverage, score: entry.score + c.score });
      ranked.push(entry);
    }
  }
  ranked.sort((a, b) => b.score - a.score || a.path.localeCompare(b.path));
  return { terms, ranked };
}

/** The passage of each note and its score: the note's rank plus what its passage and heading hold. */
async function passagesOf(db: Db, notes: Array<Pick<Candidate, 'id' | 'path' | 'title' | 'score' | 'source'>>, terms: WeightedTerm[], maxChars: number, tune: RetrievalTuning): Promise<RetrievedPassage[]> {
  if (notes.length === 0) return [];
  const bodies = await rows<{ id: number | string; body: string }>(
    db,
    sql`SELECT id, left(body, ${MAX_BODY_READ}) AS body FROM notes WHERE id IN (${sql.join(notes.map((c) => sql`${c.id}`), sql`, `)})`,
  );
  const bodyOf = new Map(bodies.map((b) => [Number(b.id), b.body]));
  const weightSum = terms.reduce((s, t) => s + t.weight, 0) || 1;
  return notes.map((c) => {
    const p = extractPassage(bodyOf.get(c.id) ?? '', terms, maxChars);
    const score = c.score + (tune.passageWeight * p.matched + tune.headingWeight * p.headingMatched) / weightSum;
    return { noteId: c.id, path: c.path, title: c.title, heading: p.heading, text: p.text, score, source: c.source };
  });
}

/**
 * The notes linked from the passages themselves (the sentence that matched the question names
 * the note about it: "[[Graph view]] shows how notes connect"), resolved through the index.
 */
async function passageLinks(db: Db, passages: RetrievedPassage[]): Promise<Array<{ from: RetrievedPassage; id: number }>> {
  const written = new Map<number, Set<string>>();
  for (const p of passages) {
    const targets = new Set(wikiLinks(p.text).map((l) => l.target.toLowerCase()).filter(Boolean));
    if (targets.size > 0) written.set(p.noteId, targets);
  }
  if (written.size === 0) return [];
  const links = await rows<{ source: number | string; target: string; id: number | string }>(
    db,
    sql`SELECT source_note_id AS source, target, resolved_note_id AS id FROM note_links
        WHERE source_note_id IN (${sql.join([...written.keys()].map((id) => sql`${id}`), sql`, `)}) AND resolved_note_id IS NOT NULL AND resolved_note_id <> source_note_id`,
  );
  const byNote = new Map(passages.map((p) => [p.noteId, p]));
  const out = new Map<string, { from: RetrievedPassage; id: number }>();
  for (const l of links) {
    const source = Number(l.source);
    if (!written.get(source)?.has(l.target.toLowerCase())) continue;
    out.set(`${source}:${l.id}`, { from: byNote.get(source)!, id: Number(l.id) });
  }
  return [...out.values()];
}

export async function retrievePassages(db: Db, options: RetrieveOptions): Promise<Retrieval> {
  const limit = options.limit ?? 6;
  const maxChars = options.maxPassageChars ?? 1200;
  const tune = { ...DEFAULT_TUNING, ...options.tuning };
  const expand = options.expandLinks ?? true;
  const { terms, ranked } = await rankNotes(db, options.vaultId, options.question, expand, tune);
  const pinned = options.noteId === undefined ? undefined : await notePassage(db, options.vaultId, options.noteId, terms, maxChars, tune);
  const best = Math.max(0, ...ranked.map((c) => c.coverage));
  if (best < RELEVANCE_THRESHOLD) return pinned ? { passages: [pinned], relevant: true, terms } : { passages: [], relevant: false, terms };
  // The best notes are ranked again with their best passage: a section about the question (its
  // heading and paragraphs holding the terms) says more than words scattered over a long note.
  const pool = ranked.filter((c) => c.source !== 'search' || c.coverage >= MIN_PASSAGE_COVERAGE).slice(0, Math.max(limit, tune.rerankPool));
  const passages = await passagesOf(db, pool, terms, maxChars, tune);
  passages.sort((a, b) => b.score - a.score || a.path.localeCompare(b.path));
  if (expand) {
    // A note named by a link in one of the best passages inherits part of that passage's score.
    const inPool = new Map(passages.map((p) => [p.noteId, p]));
    const inherited = new Map<number, { score: number; from: RetrievedPassage }>();
    // Gains come from the scores before any is added (order-independent, as above).
    const scoreBefore = new Map(passages.map((p) => [p.noteId, p.score]));
    for (const { from, id } of await passageLinks(db, passages.slice(0, tune.expandFrom))) {
      const gain = tune.anchorShare * scoreBefore.get(from.noteId)!;
      const known = inPool.get(id);
      if (known) known.score += gain;
      else if ((inherited.get(id)?.score ?? -1) < gain || (inherited.get(id)?.score === gain && from.path < inherited.get(id)!.from.path)) inherited.set(id, { score: gain, from });
    }
    if (inherited.size > 0) {
      const scored = await scoreCandidates(db, options.vaultId, terms, sql`n.id IN (${sql.join([...inherited.keys()].map((id) => sql`${id}`), sql`, `)})`, tune);
      const linked = scored.map((c) => ({ ...c, score: c.score + inherited.get(c.id)!.score, source: 'link' as const }));
      passages.push(...(await passagesOf(db, linked, terms, maxChars, tune)));
    }
    passages.sort((a, b) => b.score - a.score || a.path.localeCompare(b.path));
  }
  const chosen = pinned ? [pinned, ...passages.filter((p) => p.noteId !== pinned.noteId)] : passages;
  return { passages: chosen.slice(0, limit).map((p) => ({ ...p, score: Math.round(p.score * 1e4) / 1e4 })), relevant: true, terms };
}

/** The passage of the note the question is about (source 'note'); undefined when it is not in the vault. */
async function notePassage(db: Db, vaultId: number, noteId: number, terms: WeightedTerm[], maxChars: number, tune: RetrievalTuning): Promise<RetrievedPassage | undefined> {
  const [note] = await rows<{ id: number | string; path: string; title: string }>(db, sql`SELECT id, path, title FROM notes WHERE id = ${noteId} AND vault_id = ${vaultId}`);
  if (!note) return undefined;
  const [p] = await passagesOf(db, [{ id: Number(note.id), path: note.path, title: note.title, score: 0, source: 'note' }], terms, maxChars, tune);
  return p;
}
