import { z } from 'zod';
import { endpoint } from './endpoint';

/**
 * Search and the link graph of an indexed vault (issue 3).
 *
 * Every route takes `vault`: the vault's id (as registered) or its path; it may be left out when
 * exactly one vault is registered. An unknown vault is 404; a missing one with several vaults is 400.
 * Paths are vault-relative with '/' and their extension ("Folder/Note.md").
 */

const vaultParam = z
  .string()
  .trim()
  .min(1)
  .max(4096)
  .optional()
  .describe('Vault id or path; optional when exactly one vault is registered');

/** Where the marked terms are: [start, end) offsets into `text` in UTF-16 code units (JavaScript string indices). */
export const snippetSchema = z.object({
  /** Plain text (never HTML): a passage of the body with whitespace collapsed, "… " / " …" where cut. */
  text: z.string(),
  /** Sorted, non-overlapping [start, end) ranges of `text` to mark: `text.slice(start, end)`. */
  highlights: z.array(z.tuple([z.number().int().min(0), z.number().int().min(0)])),
});
export type Snippet = z.output<typeof snippetSchema>;

export const SEARCH_MAX_QUERY_LENGTH = 1000;
export const SEARCH_MAX_LIMIT = 100;
export const SEARCH_MAX_OFFSET = 10_000;

/**
 * GET /search query. `q` syntax: words (AND), "phrases", -exclusions, prefix*, tag:a (also a/…),
 * folder:A/B (or path:), key:value (frontmatter), modified>=YYYY-MM-DD (> < <= too, or modified:DAY).
 * Japanese and Chinese need no spaces. Extra parameters: `field.<key>=<value>` filter on frontmatter
 * (any key, exact case), `tag` and `folder` (comma-separated for several), `since` (YYYY-MM-DD or ISO).
 */
export const searchQuerySchema = z.looseObject({
  q: z.string().max(SEARCH_MAX_QUERY_LENGTH, `q is too long: at most ${SEARCH_MAX_QUERY_LENGTH} characters`).optional(),
  limit: z.coerce.number().int().min(1).max(SEARCH_MAX_LIMIT).default(20),
  offset: z.coerce.number().int().min(0).max(SEARCH_MAX_OFFSET).default(0),
  vault: vaultParam,
  tag: z.string().max(1000).optional(),
  folder: z.string().max(4096).optional(),
  since: z.string().max(40).optional(),
});

export const searchResultSchema = z.object({
  path: z.string(),
  title: z.string(),
  /** Relevance (higher is better), comparable within one response only. 0 for filter-only queries (newest first). */
  score: z.number(),
  snippet: snippetSchema,
  tags: z.array(z.string()),
  /** ISO 8601 */
  mtime: z.string(),
});
export type SearchResult = z.output<typeof searchResultSchema>;

export const searchResponseSchema = z.object({
  results: z.array(searchResultSchema),
  /** Every match, not only this page; capped at 1000 for very common terms (then totalExact is false: show "1000+"). */
  total: z.number().int(),
  /** false when total is the cap (a lower bound): show "1000+". */
  totalExact: z.boolean(),
  vault: z.number().int(),
  /** Parts of q past the term limit (32) that were not used; absent when none. */
  ignored: z.array(z.string()).optional(),
});
export type SearchResponse = z.output<typeof searchResponseSchema>;

const noteQuerySchema = z.object({
  vault: vaultParam,
  path: z.string().min(1).max(4096).describe('Vault-relative path of the note, with its extension'),
});
const relatedQuerySchema = noteQuerySchema.extend({
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const RELATED_REASONS = ['link', 'backlink', 'tag', 'text'] as const;
export type RelatedReason = (typeof RELATED_REASONS)[number];

export const noteRefSchema = z.object({ path: z.string(), title: z.string() });

export const relatedResponseSchema = z.object({
  path: z.string(),
  results: z.array(
    noteRefSchema.extend({
      score: z.number(),
      /** Why: it links to the note / links from it / shares tags / has similar words. */
      reasons: z.array(z.enum(RELATED_REASONS)),
      sharedTags: z.array(z.string()),
    }),
  ),
});
export type RelatedResponse = z.output<typeof relatedResponseSchema>;

export const backlinksResponseSchema = z.object({
  path: z.string(),
  results: z.array(
    noteRefSchema.extend({
      /** Line of the link in the linking note (1-based). */
      line: z.number().int(),
      alias: z.string().nullable(),
      subpath: z.string().nullable(),
      embed: z.boolean(),
    }),
  ),
});
export type BacklinksResponse = z.output<typeof backlinksResponseSchema>;

export const linksResponseSchema = z.object({
  path: z.string(),
  results: z.array(
    z.object({
      /** As written, without subpath or alias. */
      target: z.string(),
      subpath: z.string().nullable(),
      alias: z.string().nullable(),
      embed: z.boolean(),
      kind: z.string(),
      line: z.number().int(),
      /** The note it resolves to; null when unresolved. */
      resolved: noteRefSchema.nullable(),
    }),
  ),
});
export type LinksResponse = z.output<typeof linksResponseSchema>;

export const tagsResponseSchema = z.object({
  /** Sorted by name; parents of nested tags are listed even when no note has them alone. */
  tags: z.array(
    z.object({
      /** Lower case, without '#', nested as "a/b". */
      tag: z.string(),
      /** Notes with exactly this tag. */
      count: z.number().int(),
      /** Notes with this tag or one nested under it. */
      total: z.number().int(),
    }),
  ),
});
export type TagsResponse = z.output<typeof tagsResponseSchema>;

export const foldersResponseSchema = z.object({
  /** Sorted by path; parents are listed even when they hold no note themselves. The vault's root is not listed. */
  folders: z.array(
    z.object({
      /** Vault-relative, '/' between levels, as written on disk (NFC): what the `folder` filter takes. */
      folder: z.string(),
      /** Notes directly in this folder. */
      count: z.number().int(),
      /** Notes in this folder or below it: what the `folder` filter finds. */
      total: z.number().int(),
    }),
  ),
});
export type FoldersResponse = z.output<typeof foldersResponseSchema>;

export const unresolvedResponseSchema = z.object({
  results: z.array(
    z.object({
      target: z.string(),
      /** Links to it. */
      count: z.number().int(),
      /** Up to 20 notes that link to it. */
      sources: z.array(z.object({ path: z.string(), line: z.number().int() })),
    }),
  ),
});
export type UnresolvedResponse = z.output<typeof unresolvedResponseSchema>;

export const searchEndpoints = {
  search: endpoint({ method: 'get', path: '/search', tag: 'search', summary: 'Full-text search of a vault (Japanese included), ranked, with snippets and filters', query: searchQuerySchema, response: searchResponseSchema }),
  related: endpoint({ method: 'get', path: '/notes/related', tag: 'search', summary: 'Notes related to a note: links, backlinks, shared tags, similar text', query: relatedQuerySchema, response: relatedResponseSchema }),
  backlinks: endpoint({ method: 'get', path: '/notes/backlinks', tag: 'search', summary: 'Notes that link to a note', query: noteQuerySchema, response: backlinksResponseSchema }),
  links: endpoint({ method: 'get', path: '/notes/links', tag: 'search', summary: 'Outgoing links of a note, resolved or not', query: noteQuerySchema, response: linksResponseSchema }),
  tags: endpoint({ method: 'get', path: '/tags', tag: 'search', summary: 'Tags of a vault with note counts (nested tags included)', query: z.object({ vault: vaultParam }), response: tagsResponseSchema }),
  folders: endpoint({ method: 'get', path: '/folders', tag: 'search', summary: 'Folders of a vault with note counts (for the folder filter)', query: z.object({ vault: vaultParam }), response: foldersResponseSchema }),
  unresolved: endpoint({ method: 'get', path: '/links/unresolved', tag: 'search', summary: 'Link targets that match no note, with the notes that use them', query: z.object({ vault: vaultParam, limit: z.coerce.number().int().min(1).max(1000).default(200) }), response: unresolvedResponseSchema }),
};
