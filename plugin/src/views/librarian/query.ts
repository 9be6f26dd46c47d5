import type { SearchParams } from '../../daemon/client';

/** What the person asked for: the text in the search box and the filter controls. */
export interface LibrarianQuery {
  text: string;
  /** One tag or several, comma-separated (the daemon's `tag` parameter). */
  tag: string;
  folder: string;
  /** YYYY-MM-DD from the date control, or ''. */
  since: string;
}

export const EMPTY_QUERY: LibrarianQuery = Object.freeze({ text: '', tag: '', folder: '', since: '' });

export const PAGE_SIZE = 20;

/** Whether there is anything to search for: the text, or a filter alone (newest first). */
export function hasQuery(query: LibrarianQuery): boolean {
  return [query.text, query.tag, query.folder, query.since].some((v) => v.trim() !== '');
}

/** A stable key for a query: equal keys mean the same search. */
export function queryKey(query: LibrarianQuery): string {
  return JSON.stringify([query.text.trim(), normalizeTag(query.tag), query.folder.trim(), query.since.trim()]);
}

/** Tags as the daemon stores them: lower case, without '#', comma-separated. */
export function normalizeTag(tag: string): string {
  return tag
    .split(',')
    .map((t) => t.trim().replace(/^#+/, '').toLowerCase())
    .filter(Boolean)
    .join(',');
}

export function searchParams(query: LibrarianQuery, offset: number, vault: string | undefined): SearchParams {
  const params: SearchParams = { limit: PAGE_SIZE, offset };
  const text = query.text.trim();
  if (text) params.q = text;
  const tag = normalizeTag(query.tag);
  if (tag) params.tag = tag;
  const folder = query.folder.trim().replace(/^\/+|\/+$/g, '');
  if (folder) params.folder = folder;
  if (query.since.trim()) params.since = query.since.trim();
  if (vault) params.vault = vault;
  return params;
}

/** "Projects/2024/Plan.md" → "Projects/2024"; '' for a note at the vault's root. */
export function folderOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

export interface TagRow {
  tag: string;
  /** The last part of a nested tag ("b" for "a/b"). */
  label: string;
  depth: number;
  /** Notes with this tag or one nested under it. */
  total: number;
}

/**
 * The daemon's tag list (sorted by name, parents listed) as indented rows: a nested tag is shown
 * under its parent by its last part.
 */
export function tagRows(tags: readonly { tag: string; total: number }[]): TagRow[] {
  return [...tags]
    .sort((a, b) => (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0))
    .map(({ tag, total }) => {
      const parts = tag.split('/');
      return { tag, label: parts[parts.length - 1] ?? tag, depth: parts.length - 1, total };
    });
}
