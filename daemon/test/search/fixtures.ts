/**
 * Search fixtures: registers a vault and inserts notes straight into `notes` / `note_links`
 * through drizzle, with the search vector built from searchDocument() exactly as the indexer does.
 * Lets the search tests (and the retrieval check) run without the watcher or the parser.
 */
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../src/db/database';
import { noteLinks, notes, obsidianIntegrationSettings } from '../../src/db/schema';
import { searchDocument } from '../../src/search/document';
import type { ParsedNote } from '../../src/vault/note';

export interface FixtureNote {
  /** Vault-relative path with extension, e.g. "Folder/Note.md". */
  path: string;
  body?: string;
  /** Defaults to the file name without its extension. */
  title?: string;
  aliases?: string[];
  tags?: string[];
  headings?: string[];
  frontmatter?: Record<string, unknown> | null;
  mtime?: Date | string;
  kind?: 'markdown' | 'excalidraw';
  /** Wikilink targets as written ("Other", "Folder/Other#Heading|alias" is split here). */
  links?: string[];
}

export async function createVault(db: Db, vaultPath = `/vaults/test-${Math.random().toString(36).slice(2)}`): Promise<number> {
  const [row] = await db.insert(obsidianIntegrationSettings).values({ vaultPath }).returning({ id: obsidianIntegrationSettings.id });
  return row!.id;
}

function titleOf(path: string): string {
  const name = path.split('/').pop() ?? path;
  return name.replace(/\.md$/i, '');
}

/** A vector expression over the four fields of searchDocument(), as the indexer stores it. */
export function vectorSql(note: ParsedNote) {
  const d = searchDocument(note);
  return sql`setweight(to_tsvector('simple', ${d.title}), 'A') || setweight(to_tsvector('simple', ${d.meta}), 'B') || setweight(to_tsvector('simple', ${d.tags}), 'C') || setweight(to_tsvector('simple', ${d.body}), 'D')`;
}

export function parsedOf(n: FixtureNote): ParsedNote {
  return {
    title: n.title ?? titleOf(n.path),
    aliases: n.aliases ?? [],
    tags: (n.tags ?? []).map((t) => t.toLowerCase().replace(/^#/, '')),
    headings: (n.headings ?? []).map((text, i) => ({ level: 2, text, line: i + 1 })),
    links: [],
    frontmatter: n.frontmatter ?? null,
    body: n.body ?? '',
    kind: n.kind ?? 'markdown',
  };
}

/**
 * Inserts the notes (batches of 200), then their links (resolved by file name, case-insensitive,
 * like Obsidian's shortest-path rule for unique names), then bumps the vault's index generation.
 * Returns the ids by path.
 */
export async function insertNotes(db: Db, vaultId: number, list: FixtureNote[]): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (let i = 0; i < list.length; i += 200) {
    const batch = list.slice(i, i + 200);
    const rows = await db
      .insert(notes)
      .values(
        batch.map((n) => {
          const parsed = parsedOf(n);
          const folder = n.path.includes('/') ? n.path.slice(0, n.path.lastIndexOf('/')) : '';
          return {
            vaultId,
            path: n.path,
            folder,
            title: parsed.title,
            linkName: titleOf(n.path).toLowerCase(),
            linkPath: n.path.replace(/\.md$/i, '').toLowerCase(),
            aliases: parsed.aliases,
            tags: parsed.tags,
            headings: parsed.headings,
            frontmatter: parsed.frontmatter,
            body: parsed.body,
            kind: parsed.kind,
            size: Buffer.byteLength(parsed.body),
            mtime: n.mtime === undefined ? new Date('2024-06-01T00:00:00Z') : new Date(n.mtime),
            contentHash: 'fixture',
            searchVector: vectorSql(parsed),
          };
        }),
      )
      .onConflictDoUpdate({
        target: [notes.vaultId, notes.path],
        set: {
          title: sql`excluded.title`,
          aliases: sql`excluded.aliases`,
          tags: sql`excluded.tags`,
          headings: sql`excluded.headings`,
          frontmatter: sql`excluded.frontmatter`,
          body: sql`excluded.body`,
          mtime: sql`excluded.mtime`,
          searchVector: sql`excluded.search_vector`,
        },
      })
      .returning({ id: notes.id, path: notes.path });
    for (const r of rows) ids.set(r.path, r.id);
  }
  const all = await db.select({ id: notes.id, linkName: notes.linkName, linkPath: notes.linkPath }).from(notes).where(eq(notes.vaultId, vaultId));
  const byName = new Map<string, number>();
  for (const r of all) {
    byName.set(r.linkName, r.id);
    byName.set(r.linkPath, r.id);
  }
  const links = list.flatMap((n) =>
    (n.links ?? []).map((raw, line) => {
      const [targetAndSub = '', alias] = raw.split('|');
      const hash = targetAndSub.indexOf('#');
      const target = hash >= 0 ? targetAndSub.slice(0, hash) : targetAndSub;
      const key = target.replace(/\.md$/i, '').toLowerCase();
      const name = key.split('/').pop() ?? key;
      return {
        vaultId,
        sourceNoteId: ids.get(n.path)!,
        target,
        subpath: hash >= 0 ? targetAndSub.slice(hash) : null,
        alias: alias ?? null,
        embed: false,
        kind: 'wikilink',
        line: line + 1,
        targetKey: key,
        targetName: name,
        resolvedNoteId: byName.get(key) ?? byName.get(name) ?? null,
      };
    }),
  );
  for (let i = 0; i < links.length; i += 500) await db.insert(noteLinks).values(links.slice(i, i + 500));
  await bumpGeneration(db, vaultId);
  return ids;
}

export async function deleteNote(db: Db, vaultId: number, path: string): Promise<void> {
  await db.delete(notes).where(sql`${notes.vaultId} = ${vaultId} AND ${notes.path} = ${path}`);
  await bumpGeneration(db, vaultId);
}

export async function bumpGeneration(db: Db, vaultId: number): Promise<void> {
  await db
    .update(obsidianIntegrationSettings)
    .set({ indexGeneration: sql`${obsidianIntegrationSettings.indexGeneration} + 1` })
    .where(eq(obsidianIntegrationSettings.id, vaultId));
}
