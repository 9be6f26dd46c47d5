/**
 * Full-text search over `notes.search_vector` (see document.ts for what is indexed and query.ts for
 * how queries become tsqueries), with filters in SQL, ranking, paging and snippets.
 *
 * The slow path is a term found in most notes: ranking reads every matching vector (51 ms on
 * PostgreSQL for a term in every row of 10k notes, with a sequential scan chosen by the planner).
 * So one statement, in a transaction where the planner is told not to scan the table
 * (set_config('enable_seqscan','off'), jit off: matches come from the GIN index and no vector is
 * read to find them):
 *  1. takes the ids of the first COUNT_LIMIT + 1 matches from the index: their number is the
 *     count (past COUNT_LIMIT `total` is COUNT_LIMIT and `totalExact` false), and they are the
 *     candidates to rank, so the index is walked once for both;
 *  2. up to RANK_ALL matches, ranks them all; beyond, only a bounded candidate set: the first
 *     RANK_SAMPLE of those ids plus the notes whose title starts with a query word (found through
 *     the (vault_id, lower(title)) btree, not among the matches);
 *  3. reads the body of the returned page only, for its snippet.
 * A first query of a term in half of a 13k-note vault takes 2–4 ms in the database this way, against
 * 10–12 ms as three statements (count, rank, page) with the title candidates found by filtering
 * every match.
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
/** ... together with up to this many whose title starts with one of the first TITLE_WORDS query words. */
export const TITLE_CANDIDATES = 100;
const TITLE_WORDS = 8;
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

/**
 * The title starts with `word` (lower case). The range lets the (vault_id, lower(title)) btree find
 * them (LIKE 'w%' alone can use it only in the C collation); U+10FFFF sorts after every character
 * in code-point order, and unassigned code points sort last in glibc and ICU collations. LIKE keeps
 * the result exact.
 */
function titleStartsWith(word: string): SQL {
  return sql`(lower(n.title) >= ${word} AND lower(n.title) < ${`${word}\u{10FFFF}`} AND lower(n.title) LIKE ${`${escapeLike(word)}%`})`;
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
    // Deep pages past the count limit need more ids than the count does.
    const candidates = Math.max(tuning.sample, offset + limit);
    const fetched = Math.max(tuning.countLimit + 1, candidates);
    const rankAllUpTo = Math.min(tuning.rankAll, tuning.countLimit);
    const titled = parsed.highlights.slice(0, TITLE_WORDS).map((h) => titleStartsWith(h.text));
    const titledScope = titled.length
      ? sql`UNION (SELECT n.id FROM notes n WHERE (SELECT matched FROM c) > ${rankAllUpTo} AND (${sql.join(titled, sql` OR `)}) AND ${match} LIMIT ${TITLE_CANDIDATES})`
      : sql``;
    const found = await db.transaction(async (tx) => {
      // Index scans only: a sequential scan would read (and detoast) every vector of the vault.
      await tx.execute(sql`SELECT ${INDEX_SCANS_ONLY}`);
      // The conditions on (SELECT matched FROM c) are evaluated once, before their branch runs, so
      // the branch not taken costs nothing. OFFSET 0 keeps the rank lookup a per-candidate index
      // probe (flattened into a join, the planner would read the whole table to hash it).
      return rows<Omit<Row, 'id' | 'total'> & { id: number | string | null; matched: number | string }>(
        tx,
        sql`WITH m AS MATERIALIZED (SELECT n.id FROM notes n WHERE ${match} LIMIT ${fetched}),
            c AS (SELECT count(*) AS matched FROM m),
            scope AS (
              SELECT id FROM m WHERE (SELECT matched FROM c) <= ${rankAllUpTo}
              UNION (SELECT id FROM (SELECT id FROM m LIMIT ${candidates}) AS first WHERE (SELECT matched FROM c) > ${rankAllUpTo})
              ${titledScope}),
            page AS (
              SELECT r.id, r.score, r.mtime FROM scope s CROSS JOIN LATERAL (
                SELECT n.id, ts_rank(n.search_vector, ${q}) AS score, n.mtime FROM notes n WHERE n.id = s.id OFFSET 0) AS r
              ORDER BY r.score DESC, r.mtime DESC, r.id LIMIT ${limit} OFFSET ${offset})
            SELECT c.matched, p.score, n.id, n.path, n.title, n.tags, n.mtime, left(n.body, ${SNIPPET_SOURCE}) AS body
            FROM c LEFT JOIN page p ON true LEFT JOIN notes n ON n.id = p.id
            ORDER BY p.score DESC, p.mtime DESC, p.id`,
      );
    });
    const matched = Number(found[0]?.matched ?? 0);
    const exact = matched <= tuning.countLimit;
    const total = exact ? matched : tuning.countLimit;
    return { ...toPage(found.filter((r) => r.id !== null), total, parsed), totalExact: exact };
  }

  let total = list.length > 0 ? Number(list[0]!.total) : 0;
  if (list.length === 0 && offset > 0) total = await countMatches(db, parsed, whereSql);
  return toPage(list, total, parsed);
}

function toPage(list: Array<Omit<Row, 'id' | 'total'>>, total: number, parsed: ParsedQuery): SearchPage {
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
