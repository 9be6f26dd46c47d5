import * as z from 'zod/mini';
import type { ErrorBody } from '../../../shared/contracts/common';
import type { Health } from '../../../shared/contracts/health';
import type { RelatedReason, RelatedResponse, SearchResponse, Snippet, TagsResponse } from '../../../shared/contracts/search';
import type { Preferences } from '../../../shared/contracts/preferences';
import type { Vault } from '../../../shared/contracts/vaults';
import type { Discovery } from '../../../shared/discovery';

/*
 * The plugin's copies of the shared contracts it reads, written with zod/mini: the shared ones
 * use zod's full API, which would add hundreds of KB to main.js. Each is annotated with the
 * shared type, so a contract change that these copies do not follow is a compile error.
 */

export const healthSchema: z.ZodMiniType<Health> = z.object({
  status: z.enum(['ok', 'degraded', 'down']),
  version: z.string(),
  uptimeSeconds: z.number(),
  database: z.object({ kind: z.enum(['postgres', 'pglite']), state: z.enum(['ok', 'down']) }),
  cache: z.object({ kind: z.enum(['redis', 'memory']), state: z.enum(['ok', 'down']) }),
});

export const errorBodySchema: z.ZodMiniType<ErrorBody> = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.optional(z.unknown()),
    requestId: z.string(),
  }),
});

export const discoverySchema: z.ZodMiniType<Discovery> = z.object({
  url: z.url({ protocol: /^https?$/ }),
  pid: z.number().check(z.int()),
  version: z.string(),
  startedAt: z.string(),
});

// ---- Search (issue 3): what the Librarian pane reads ------------------------------------------

// Copied, not imported: the contracts' values would bring zod into main.js.
const RELATED_REASONS = ['link', 'backlink', 'tag', 'text'] as const satisfies readonly RelatedReason[];
const VAULT_STATUSES = ['idle', 'indexing', 'error'] as const satisfies readonly Vault['status'][];

const snippetSchema: z.ZodMiniType<Snippet> = z.object({
  text: z.string(),
  highlights: z.array(z.tuple([z.number(), z.number()])),
});

/** A search page; `totalExact` is read as optional (absent from older daemons: then exact). */
export type SearchPageResponse = Omit<SearchResponse, 'totalExact'> & { totalExact?: boolean };
export const searchResponseSchema: z.ZodMiniType<SearchPageResponse> = z.object({
  results: z.array(
    z.object({
      path: z.string(),
      title: z.string(),
      score: z.number(),
      snippet: snippetSchema,
      tags: z.array(z.string()),
      mtime: z.string(),
    }),
  ),
  total: z.number(),
  totalExact: z.optional(z.boolean()),
  vault: z.number(),
  ignored: z.optional(z.array(z.string())),
});

export const relatedResponseSchema: z.ZodMiniType<RelatedResponse> = z.object({
  path: z.string(),
  results: z.array(
    z.object({
      path: z.string(),
      title: z.string(),
      score: z.number(),
      reasons: z.array(z.enum(RELATED_REASONS)),
      sharedTags: z.array(z.string()),
    }),
  ),
});

export const tagsResponseSchema: z.ZodMiniType<TagsResponse> = z.object({
  tags: z.array(z.object({ tag: z.string(), count: z.number(), total: z.number() })),
});

/** The part of a registered vault the plugin reads (the daemon sends more). */
export type RegisteredVault = Pick<Vault, 'id' | 'path' | 'status' | 'notesIndexed'>;
export const registeredVaultSchema: z.ZodMiniType<RegisteredVault> = z.object({
  id: z.number(),
  path: z.string(),
  status: z.enum(VAULT_STATUSES),
  notesIndexed: z.number(),
});

/** The part of the daemon's preferences the plugin reads (the rest is kept as the daemon has it). */
export const languagePreferenceSchema: z.ZodMiniType<Pick<Preferences, 'language'>> = z.object({
  language: z.enum(['ja', 'en']),
});
