/**
 * Full-text search over `notes.search_vector` (see document.ts for what is indexed and query.ts for
 * how queries become tsqueries), with filters in SQL, ranking, paging and snippets.
 *
 * The slow path is a term found in most notes: ranking reads every matching vector (51 ms on
 * PostgreSQL for a term in every row of 10k notes, with a sequential scan chosen by the planner).
 * So:
 *  1. the matches are counted through the GIN index only (the planner is told not to scan the
 *     table: set_config('enable_seqscan','off') for this transaction; jit off too), which reads
 *     no vector and, with no filter, often no heap page;
 *     The count stops at COUNT_LIMIT (then `total` is that and `totalExact` false). It is kept in
 *     memory per (vault, index generation, tsquery, filters) — see MatchCounts —, so the next page
 *     or the same words again (another limit, other highlights) skip it (5–15 ms for a term in
 *     most notes of a 13k-note vault); the generation is read in the same statement as the
 *     transaction's settings, so a changed index is always counted again;
 *  2. up to RANK_ALL matches are all ranked; beyond that only a bounded candidate set is: the notes
 *     whose title starts with a query word (btree on lower(title)) plus the first RANK_SAMPLE
 *     matches from the index. `total` still counts every match;
 *  3. the body is read only for the page that is returned, for its snippet.
 * Ranking is ts_rank with the default weights {D 0.1, C 0.2, B 0.4, A 1.0}: a title match outranks
 * any number of body matches.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/database';
import type { ParsedQuery, SearchFilters } from './query';
import { makeSnippet, type Snippet } from './snippet';

/** Matches are counted up to this many; past it `total` is this number and `totalExact` false. */
export const COUNT_LIMIT = 1000;
/** Up to this many matches, every match is ranked. */
export const RANK_ALL = 1000;
/** Over RANK_ALL, the first this many matches from the index are ranked, ... */
export const RANK_SAMPLE = 300;
/** ... together with up to this many whose title starts with a query word. */
export const TITLE_CANDIDATES = 100;
/** Characters of a body read for its snippet. */
const SNIPPET_SOURCE = 20_000;

export interface SearchHit {
  path: string;
  title: string;
  score: number;
  snippet: Snippet;
  tags: string[];
  mtime: string;
}

export interface SearchPage {
  results: SearchHit[];
  /** Every match, or COUNT_LIMIT when there are more (totalExact false). */
  total: number;
  totalExact: boolean;
}

type Executor = Pick<Db, 'execute'>;

/** Match counts kept per vault for its current index generation, at most MAX_COUNTS_PER_VAULT (oldest used dropped first). */
export const MAX_COUNTS_PER_VAULT = 500;

export class MatchCounts {
  private readonly vaults = new Map<number, { generation: number; counts: Map<string, number> }>();
  /** For tests and diagnostics. */
  hits = 0;
  misses = 0;

  private static key(parsed: ParsedQuery, countLimit: number): string {
    return JSON.stringify([parsed.tsquery, parsed.filters, countLimit]);
  }

  get(vaultId: number, generation: number, parsed: ParsedQuery, countLimit: number): number | undefined {
    const v = this.vaults.get(vaultId);
    const key = MatchCounts.key(parsed, countLimit);
    const found = v && v.generation === generation ? v.counts.get(key) : undefined;
    if (found === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    v!.counts.delete(key);
    v!.counts.set(key, found);
    return found;
  }

  set(vaultId: number, generation: number, parsed: ParsedQuery, countLimit: number, counted: number): void {
    let v = this.vaults.get(vaultId);
    if (v && v.generation > generation) return; // counted against an index already replaced
    if (!v || v.generation !== generation) {
      v = { generation, counts: new Map() };
      this.vaults.set(vaultId, v);
    }
    v.counts.set(MatchCounts.key(parsed, countLimit), counted);
    if (v.counts.size > MAX_COUNTS_PER_VAULT) v.counts.delete(v.counts.keys().next().value!);
  }

  clear(): void {
    this.vaults.clear();
    this.hits = 0;
    this.misses = 0;
  }
}

const countsByDb = new WeakMap<object, MatchCounts>();

/** The match counts of one database (vault ids and generations are per database). */
export function matchCountsOf(db: object): MatchCounts {
  let counts = countsByDb.get(db);
  if (!counts) {
    counts = new MatchCounts();
    countsByDb.set(db, counts);
  }
  return counts;
}

/**
 * `to_tsquery('simple', …)` of a parsed query's tsquery text: the one way search vectors (notes and
 * messages) are queried, so they are found through their GIN indexes.
 */
export const tsquerySql = (tsquery: string): SQL => sql`to_tsquery('simple', ${tsquery})`;

/**
 * Select-list settings for the rest of the transaction: index scans only (a sequential scan would
 * read and detoast every vector to find the matches) and no JIT (it costs more than these queries).
 */
export const INDEX_SCANS_ONLY = sql`set_config('enable_seqscan', 'off', true), set_config('jit', 'off', true)`;

/** A ts_rank score as returned by the API (6 decimals). */
export const roundScore = (score: number | string): number => Math.round(Number(score) * 1e6) / 1e6;

export async function rows<T>(db: Executor, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

/** `%`, `_` and `\` taken literally in a LIKE pattern. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function tagCondition(tag: string): SQL {
  return sql`(n.tags @> ARRAY[${tag}]::text[] OR EXISTS (SELECT 1 FROM unnest(n.tags) AS t(tag) WHERE t.tag LIKE ${`${escapeLike(tag)}/%`}))`;
}

function folderCondition(folder: string): SQL {
  return sql`lower(n.path) LIKE ${`${escapeLike(folder.toLowerCase())}/%`}`;
}

/** key equal to value (case-insensitive, [[links]] unwrapped), or a list that contains it. */
function fieldCondition(key: string, value: string): SQL {
  const v = value.toLowerCase();
  return sql`(lower(trim(both '[]' from n.frontmatter->>${key})) = ${v} OR (jsonb_typeof(n.frontmatter->${key}) = 'array' AND EXISTS (SELECT 1 FROM jsonb_array_elements_text(n.frontmatter->${key}) AS e(v) WHERE lower(trim(both '[]' from e.v)) = ${v})))`;
}

export function filterConditions(f: SearchFilters): SQL[] {
  const out: SQL[] = [];
  for (const tag of f.tags) out.push(tagCondition(tag));
  for (const tag of f.excludeTags) out.push(sql`NOT ${tagCondition(tag)}`);
  if (f.folders.length > 0) out.push(sql`(${sql.join(f.folders.map(folderCondition), sql` OR `)})`);
  for (const folder of f.excludeFolders) out.push(sql`NOT ${folderCondition(folder)}`);
  for (const { key, value } of f.fields) out.push(fieldCondition(key, value));
  if (f.modified.gte) out.push(sql`n.mtime >= ${f.modified.gte}::timestamptz`);
  if (f.modified.lt) out.push(sql`n.mtime < ${f.modified.lt}::timestamptz`);
  return out;
}

interface Row {
  id: number | string;
  path: string;
  title: string;
  tags: string[];
  mtime: Date | string;
  body: string;
  score: number | string;
  total: number | string;
}

const iso = (d: Date | string) => (d instanceof Date ? d : new Date(d)).toISOString();

export interface RankTuning {
  rankAll: number;
  sample: number;
  countLimit: number;
}

export async function searchNotes(
  db: Db,
  vaultId: number,
  parsed: ParsedQuery,
  limit: number,
  offset: number,
  tuning: RankTuning = { rankAll: RANK_ALL, sample: RANK_SAMPLE, countLimit: COUNT_LIMIT },
  counts: MatchCounts = matchCountsOf(db),
): Promise<SearchPage> {
  const where: SQL[] = [sql`n.vault_id = ${vaultId}`, ...filterConditions(parsed.filters)];
  if (parsed.excludeQuery) where.push(sql`NOT (n.search_vector @@ to_tsquery('simple', ${parsed.excludeQuery}))`);
  const whereSql = sql.join(where, sql` AND `);

  let list: Row[];
  if (parsed.tsquery === null) {
    // Filters only: newest first.
    list = await rows<Row>(
      db,
      sql`WITH page AS (
            SELECT n.id, count(*) OVER () AS total FROM notes n WHERE ${whereSql}
            ORDER BY n.mtime DESC, n.id LIMIT ${limit} OFFSET ${offset})
          SELECT n.id, n.path, n.title, n.tags, n.mtime, left(n.body, ${SNIPPET_SOURCE}) AS body, 0 AS score, p.total
          FROM page p JOIN notes n ON n.id = p.id ORDER BY n.mtime DESC, n.id`,
    );
  } else {
    const q = tsquerySql(parsed.tsquery);
    const match = sql`n.search_vector @@ ${q} AND ${whereSql}`;
    const page = await db.transaction(async (tx) => {
      // Index scans only: a sequential scan would read (and detoast) every vector of the vault.
      // The vault's index generation comes with it (same round trip): it keys the match count.
      const [g] = await rows<{ generation: number | string | null }>(
        tx,
        sql`SELECT ${INDEX_SCANS_ONLY},
                   (SELECT index_generation FROM obsidian_integration_settings WHERE id = ${vaultId}) AS generation`,
      );
      const generation = g?.generation === null || g?.generation === undefined ? null : Number(g.generation);
      let counted = generation === null ? undefined : counts.get(vaultId, generation, parsed, tuning.countLimit);
      if (counted === undefined) {
        // Counting through the GIN index reads no vector; it stops past COUNT_LIMIT (each match
        // still costs a heap visit, and a term in every note should not cost a pass over the vault).
        const [c] = await rows<{ total: number | string }>(
          tx,
          sql`SELECT count(*) AS total FROM (SELECT 1 FROM notes n WHERE ${match} LIMIT ${tuning.countLimit + 1}) AS m`,
        );
        counted = Number(c?.total ?? 0);
        if (generation !== null) counts.set(vaultId, generation, parsed, tuning.countLimit, counted);
      }
      const exact = counted <= tuning.countLimit;
      const total = exact ? counted : tuning.countLimit;
      if (counted === 0 || (exact && offset >= total)) return { total, exact, ranked: [] as Array<{ id: number | string; score: number | string }> };
      let scope: SQL;
      if (exact && total <= tuning.rankAll) {
        scope = match;
      } else {
        // Too many to rank: the notes whose title starts with a query word, plus the first matches
        // the index gives (enough for the page asked for).
        const prefixes = parsed.highlights.slice(0, 8).map((h) => `${escapeLike(h.text)}%`);
        const titled = prefixes.length
          ? sql`(SELECT n.id FROM notes n WHERE lower(n.title) LIKE ANY(ARRAY[${sql.join(prefixes.map((p) => sql`${p}`), sql`, `)}]::text[]) AND ${match} LIMIT ${TITLE_CANDIDATES}) UNION `
          : sql``;
        scope = sql`n.id IN (${titled}(SELECT n.id FROM notes n WHERE ${match} LIMIT ${Math.max(tuning.sample, offset + limit)}))`;
      }
      const ranked = await rows<{ id: number | string; score: number | string }>(
        tx,
        sql`SELECT n.id, ts_rank(n.search_vector, ${q}) AS score FROM notes n WHERE ${scope}
            ORDER BY score DESC, n.mtime DESC, n.id LIMIT ${limit} OFFSET ${offset}`,
      );
      return { total, exact, ranked };
    });
    if (page.ranked.length === 0) return { total: page.total, totalExact: page.exact, results: [] };
    const ids = page.ranked.map((r) => Number(r.id));
    const details = await rows<Omit<Row, 'score' | 'total'>>(
      db,
      sql`SELECT n.id, n.path, n.title, n.tags, n.mtime, left(n.body, ${SNIPPET_SOURCE}) AS body FROM notes n
          WHERE n.id IN (${sql.join(ids.map((id) => sql`${id}`), sql`, `)})`,
    );
    const byId = new Map(details.map((d) => [Number(d.id), d]));
    list = page.ranked.flatMap((r) => {
      const d = byId.get(Number(r.id));
      return d ? [{ ...d, score: r.score, total: page.total }] : [];
    });
    return { ...toPage(list, page.total, parsed), totalExact: page.exact };
  }

  let total = list.length > 0 ? Number(list[0]!.total) : 0;
  if (list.length === 0 && offset > 0) total = await countMatches(db, parsed, whereSql);
  return toPage(list, total, parsed);
}

function toPage(list: Row[], total: number, parsed: ParsedQuery): SearchPage {
  return {
    total,
    totalExact: true,
    results: list.map((r) => ({
      path: r.path,
      title: r.title,
      score: roundScore(r.score),
      snippet: makeSnippet(r.body ?? '', parsed.highlights),
      tags: r.tags ?? [],
      mtime: iso(r.mtime),
    })),
  };
}

async function countMatches(db: Db, parsed: ParsedQuery, whereSql: SQL): Promise<number> {
  const match = parsed.tsquery === null ? sql`true` : sql`n.search_vector @@ to_tsquery('simple', ${parsed.tsquery})`;
  const [row] = await rows<{ total: number | string }>(db, sql`SELECT count(*) AS total FROM notes n WHERE ${match} AND ${whereSql}`);
  return Number(row?.total ?? 0);
}
