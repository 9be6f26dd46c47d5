/** A tag as Obsidian compares tags: without '#', case-insensitive. */
export function tagKey(tag: string): string {
  return tag.trim().replace(/^#+/, '').toLowerCase();
}

/**
 * The tags a frontmatter value holds, in order, as written: a YAML list, one string ("a, b c" —
 * comma or space separated, as Obsidian reads it), a number (`tags: 2024`), or nothing.
 */
export function tagsOf(value: unknown): string[] {
  if (typeof value === 'number') return [String(value)];
  if (typeof value === 'string') return value.split(/[\s,]+/).filter(Boolean);
  if (!Array.isArray(value)) return [];
  return value.flatMap((item: unknown) => (typeof item === 'string' || typeof item === 'number' ? tagsOf(item) : []));
}

/** The property that holds the note's tags: `tags`, else the older `tag`, in whatever case the note uses. */
function tagProperty(frontmatter: Record<string, unknown>): string {
  const keys = Object.keys(frontmatter);
  return keys.find((k) => k.toLowerCase() === 'tags') ?? keys.find((k) => k.toLowerCase() === 'tag') ?? 'tags';
}

/**
 * Adds `tags` to a note's frontmatter, changed in place as `fileManager.processFrontMatter` hands
 * it over: merged with the tags the note has in any shape, each tag once (the first spelling
 * wins), written back as a list. Returns the tags that were added.
 */
export function mergeTags(frontmatter: Record<string, unknown>, tags: readonly string[]): string[] {
  const key = tagProperty(frontmatter);
  const merged: string[] = [];
  const seen = new Set<string>();
  const added: string[] = [];
  const add = (tag: string, isNew: boolean) => {
    const k = tagKey(tag);
    if (!k || seen.has(k)) return;
    seen.add(k);
    merged.push(isNew ? tag.trim().replace(/^#+/, '') : tag);
    if (isNew) added.push(k);
  };
  for (const tag of tagsOf(frontmatter[key])) add(tag, false);
  for (const tag of tags) add(tag, true);
  frontmatter[key] = merged;
  return added;
}
