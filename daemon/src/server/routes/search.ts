import { Hono } from 'hono';
import { searchEndpoints, type SearchResponse } from '../../../../shared/contracts/search';
import { SEARCH_TTL, searchKey, stableHash } from '../../cache/keys';
import { pgErrorOf } from '../../db/errors';
import { backlinks, findNote, folderList, outgoingLinks, relatedNotes, resolveVault, tagList, unresolvedLinks } from '../../search/graph';
import { parseQuery, QueryError, type QueryParams } from '../../search/query';
import { searchNotes } from '../../search/search';
import type { AppDeps } from '../app';
import { ApiError } from '../errors';
import { register, type AppEnv } from '../route';

const FIELD_PREFIX = 'field.';

const list = (v: string | undefined) => (v === undefined ? undefined : v.split(',').map((s) => s.trim()).filter(Boolean));

/**
 * Search and graph routes. Search results are cached under `search:{hash}` where the hash covers
 * the vault, its index generation (bumped with every index change, so a stale page is never
 * served), the parsed query and the page.
 */
export function searchRoutes({ database, cache, log }: AppDeps) {
  const app = new Hono<AppEnv>();
  const { db } = database;

  register(app, searchEndpoints.search, async ({ query }) => {
    const fields: Record<string, string> = {};
    for (const [key, value] of Object.entries(query)) {
      if (key.startsWith(FIELD_PREFIX) && typeof value === 'string') {
        const name = key.slice(FIELD_PREFIX.length);
        if (!name) throw new ApiError(400, 'validation_failed', 'Invalid query: field. needs a frontmatter key, e.g. field.status=done');
        fields[name] = value;
      }
    }
    const params: QueryParams = { q: query.q, tag: list(query.tag), folder: list(query.folder), since: query.since, fields };
    let parsed;
    try {
      parsed = parseQuery(params);
    } catch (e) {
      if (e instanceof QueryError) throw new ApiError(400, 'invalid_query', e.message);
      throw e;
    }
    const vault = await resolveVault(db, query.vault);
    const key = searchKey(
      stableHash({ vaultId: vault.id, generation: vault.generation, query: parsed.tsquery, exclude: parsed.excludeQuery, filters: parsed.filters, highlights: parsed.highlights, page: [query.limit, query.offset] }),
    );
    const cached = await cache.get(key).catch(() => null);
    if (cached) {
      try {
        return JSON.parse(cached) as SearchResponse;
      } catch {
        // a damaged entry: search again and overwrite it
      }
    }
    let page;
    try {
      page = await searchNotes(db, vault.id, parsed, query.limit, query.offset);
    } catch (e) {
      // A tsquery the database refuses (should not happen: every operand is a plain token) is the query's fault.
      const pg = pgErrorOf(e);
      if (pg && (pg.code === '42601' || pg.code === '54000')) throw new ApiError(400, 'invalid_query', 'The search query could not be understood; simplify it');
      throw e;
    }
    const body: SearchResponse = { ...page, vault: vault.id, ...(parsed.ignored.length ? { ignored: parsed.ignored } : {}) };
    await cache.set(key, JSON.stringify(body), SEARCH_TTL).catch((e: unknown) => log('warn', 'search cache write failed', { error: String(e) }));
    return body;
  });

  register(app, searchEndpoints.related, async ({ query }) => {
    const vault = await resolveVault(db, query.vault);
    const note = await findNote(db, vault.id, query.path);
    return { path: note.path, results: await relatedNotes(db, vault.id, note, query.limit) };
  });

  register(app, searchEndpoints.backlinks, async ({ query }) => {
    const vault = await resolveVault(db, query.vault);
    const note = await findNote(db, vault.id, query.path);
    return { path: note.path, results: await backlinks(db, note) };
  });

  register(app, searchEndpoints.links, async ({ query }) => {
    const vault = await resolveVault(db, query.vault);
    const note = await findNote(db, vault.id, query.path);
    return { path: note.path, results: await outgoingLinks(db, note) };
  });

  register(app, searchEndpoints.tags, async ({ query }) => {
    const vault = await resolveVault(db, query.vault);
    return { tags: await tagList(db, vault.id) };
  });

  register(app, searchEndpoints.folders, async ({ query }) => {
    const vault = await resolveVault(db, query.vault);
    return { folders: await folderList(db, vault.id) };
  });

  register(app, searchEndpoints.unresolved, async ({ query }) => {
    const vault = await resolveVault(db, query.vault);
    return { results: await unresolvedLinks(db, vault.id, query.limit) };
  });

  return app;
}
