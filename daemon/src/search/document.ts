/**
 * The search document of a note: the contract between the indexer and search.
 *
 * The indexer stores
 *   setweight(to_tsvector('simple', title), 'A') || setweight(to_tsvector('simple', meta), 'B') ||
 *   setweight(to_tsvector('simple', tags), 'C')  || setweight(to_tsvector('simple', body), 'D')
 * in notes.search_vector. Each string is already tokenized (./tokenize.ts): space-separated
 * terms made only of letters, digits and marks, so `simple` keeps them as they are and queries
 * built by ./query.ts find them.
 */
import type { ParsedNote } from '../vault/note';
import { indexTerms } from './tokenize';

export interface SearchDocument {
  /** Weight A: the note's title (file name). */
  title: string;
  /** Weight B: aliases and headings. */
  meta: string;
  /** Weight C: tags (nested tags give each level: a/b → a b ab). */
  tags: string;
  /** Weight D: the body (capped, see MAX_BODY_TOKENS). */
  body: string;
}

/**
 * Body tokens beyond this are not indexed. PostgreSQL refuses a tsvector over 1 MB and stops
 * counting positions at 16,383; 50,000 tokens is far beyond any hand-written note (a 20 MB file
 * is cut, and tokenizing it stays fast because the scan stops there).
 */
export const MAX_BODY_TOKENS = 50_000;
/** Aliases, headings and tags are capped too (a 10,000-line frontmatter must not blow up). */
export const MAX_META_TOKENS = 5_000;

export function searchDocument(note: ParsedNote): SearchDocument {
  const meta: string[] = [];
  for (const a of note.aliases) meta.push(a);
  for (const h of note.headings) meta.push(h.text);
  return {
    title: indexTerms(note.title, { maxTokens: 1_000 }),
    meta: indexTerms(meta.join('\n'), { maxTokens: MAX_META_TOKENS }),
    tags: indexTerms(note.tags.join('\n'), { maxTokens: MAX_META_TOKENS }),
    body: indexTerms(note.body, { maxTokens: MAX_BODY_TOKENS }),
  };
}
