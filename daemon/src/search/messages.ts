/**
 * Full-text search of conversation messages with the notes' tokenizer (tokenize.ts), query language
 * (query.ts) and ranking (ts_rank, as search.ts).
 *
 * `messages.search_vector` holds `to_tsvector('simple', indexTerms(content))`, written with every
 * insert (`messageSearchVector`). Rows written before migration 0008 — or by raw SQL, or restored
 * from an older backup — have it null: SQL cannot run the JavaScript tokenizer, so
 * `indexPendingMessages` fills them in batches, at daemon start and before every search (one probe
 * of the partial index `idx_messages_search_pending` when nothing is pending), so a search never
 * misses a message.
 *
 * Searching: the matches are counted through the GIN index (up to COUNT_LIMIT); up to RANK_ALL are
 * all ranked, beyond that only the newest RANK_SAMPLE (or offset + limit) are. Messages of deleted
 * conversations are left out.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/database';
import { MAX_BODY_TOKENS } from './document';
import { parseQuery, QueryError, type ParsedQuery, type SearchFilters } from './query';
import { COUNT_LIMIT, INDEX_SCANS_ONLY, RANK_ALL, RANK_SAMPLE, roundScore, rows, tsquerySql } from './search';
import { makeSnippet, type Snippet } from './snippet';
import { indexTerms } from './tokenize';

/** The search_vector value of a message's content (for inserts and content updates). */
export function messageSearchVector(content: string): SQL {
  return sql`to_tsvector('simple', ${indexTerms(content, { maxTokens: MAX_BODY_TOKENS })})`;
}

/** Messages indexed per statement by the backfill (a batch holds at most ~2 MB of user text). */
export const BACKFILL_BATCH = 100;

async function backfill(db: Db): Promise<number> {
  let done = 0;
  for (;;) {
    const pending = await rows<{ id: number | string; content: string }>(
      db,
      sql`SELECT id, content FROM messages WHERE search_vector IS NULL ORDER BY id LIMIT ${BACKFILL_BATCH}`,
    );
    if (pending.length === 0) return done;
    const ids = pending.map((p) => String(p.id));
    const terms = pending.map((p) => indexTerms(p.content, { maxTokens: MAX_BODY_TOKENS }));
    // `search_vector IS NULL` again: a row written meanwhile with its own vector keeps it.
    await db.execute(sql`
      UPDATE messages AS m SET search_vector = to_tsvector('simple', u.terms)
      FROM unnest(${sql.param(ids)}::bigint[], ${sql.param(terms)}::text[]) AS u(id, terms)
      WHERE m.id = u.id AND m.search_vector IS NULL`);
    done += pending.length;
  }
}

const running = new WeakMap<object, Promise<number>>();

/**
 * Indexes every message whose search_vector is null; returns how many. One run per database at a
 * time: a search that arrives during the start-up backfill waits for it instead of doing it twice.
 */
export function indexPendingMessages(db: Db): Promise<number> {
  let run = running.get(db);
  if (!run) {
    run = backfill(db).finally(() => running.delete(db));
    running.set(db, run);
  }
  return run;
}

function firstFilter(f: SearchFilters): string | undefined {
  if (f.tags[0] ?? f.excludeTags[0]) return `tag:${f.tags[0] ?? f.excludeTags[0]}`;
  if (f.folders[0] ?? f.excludeFolders[0]) return `folder:${f.folders[0] ?? f.excludeFolders[0]}`;
  if (f.fields[0]) return `${f.fields[0].key}:${f.fields[0].value}`;
  if (f.modified.gte || f.modified.lt) return 'modified';
  return undefined;
}

/**
 * The notes' query language without the note filters (tag:, folder:, key:value, modified), which
 * mean nothing for a message. Throws QueryError (→ 400) for them and for what parseQuery refuses.
 */
export function parseMessageQuery(q: string): ParsedQuery & { tsquery: string } {
  const parsed = parseQuery({ q });
  const filter = firstFilter(parsed.filters);
  if (filter !== undefined) {
    throw new QueryError(
      `${filter}: conversation search has no filters (tag:, folder:, key:value and modified search notes); put text with a colon in quotes, e.g. "${filter}"`,
    );
  }
  // Without filters parseQuery always returns a tsquery or throws.
  if (parsed.tsquery === null) throw new QueryError('The query has no words to search for; type a word');
  return { ...parsed, tsquery: parsed.tsquery };
}

export interface MessageHit {
  messageId: number;
  conversationId: number;
  conversationTitle: string | null;
  role: 'user' | 'assistant' | 'system';
  score: number;
  snippet: Snippet;
  createdAt: Date;
}

export interface MessagePage {
  hits: MessageHit[];
  /** Every match, or COUNT_LIMIT when there are more (totalExact false). */
  total: number;
  totalExact: boolean;
}

export async function searchMessages(db: Db, parsed: ParsedQuery & { tsquery: string }, limit: number, offset: number): Promise<MessagePage> {
  const q = tsquerySql(parsed.tsquery);
  const match = sql`m.search_vector @@ ${q} AND EXISTS (SELECT 1 FROM conversations c WHERE c.id = m.conversation_id AND c.deleted_at IS NULL)`;
  const page = await db.transaction(async (tx) => {
    await tx.execute(sql`SELECT ${INDEX_SCANS_ONLY}`);
    const [c] = await rows<{ total: number | string }>(tx, sql`SELECT count(*) AS total FROM (SELECT 1 FROM messages m WHERE ${match} LIMIT ${COUNT_LIMIT + 1}) AS x`);
    const counted = Number(c?.total ?? 0);
    const exact = counted <= COUNT_LIMIT;
    const total = exact ? counted : COUNT_LIMIT;
    if (counted === 0 || (exact && offset >= total)) return { total, exact, ranked: [] as Array<{ id: number | string; score: number | string }> };
    const scope =
      exact && total <= RANK_ALL
        ? match
        : sql`m.id IN (SELECT m.id FROM messages m WHERE ${match} ORDER BY m.id DESC LIMIT ${Math.max(RANK_SAMPLE, offset + limit)})`;
    const ranked = await rows<{ id: number | string; score: number | string }>(
      tx,
      sql`SELECT m.id, ts_rank(m.search_vector, ${q}) AS score FROM messages m WHERE ${scope}
          ORDER BY score DESC, m.id DESC LIMIT ${limit} OFFSET ${offset}`,
    );
    return { total, exact, ranked };
  });
  if (page.ranked.length === 0) return { hits: [], total: page.total, totalExact: page.exact };
  const details = await rows<{ id: number | string; conversation_id: number | string; title: string | null; sender_type: MessageHit['role']; content: string; created_at: Date | string }>(
    db,
    sql`SELECT m.id, m.conversation_id, c.title, m.sender_type, m.content, m.created_at
        FROM messages m JOIN conversations c ON c.id = m.conversation_id
        WHERE m.id IN (${sql.join(page.ranked.map((r) => sql`${Number(r.id)}`), sql`, `)})`,
  );
  const byId = new Map(details.map((d) => [Number(d.id), d]));
  const hits = page.ranked.flatMap((r): MessageHit[] => {
    const d = byId.get(Number(r.id));
    if (!d) return [];
    return [
      {
        messageId: Number(d.id),
        conversationId: Number(d.conversation_id),
        conversationTitle: d.title,
        role: d.sender_type,
        score: roundScore(r.score),
        snippet: makeSnippet(d.content, parsed.highlights),
        createdAt: d.created_at instanceof Date ? d.created_at : new Date(d.created_at),
      },
    ];
  });
  return { hits, total: page.total, totalExact: page.exact };
}
