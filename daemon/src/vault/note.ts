/**
 * What the parser extracts from one note: the contract between the parser (parse.ts, pure) and
 * the indexer (which stores it). Everything is JSON-safe.
 */
export interface NoteLink {
  /** The link target as written, without subpath or alias: "Folder/Note", "Note.md", "" for [[#Heading]]. */
  target: string;
  /** "#Heading" or "#^block-id" when the link points inside a note. */
  subpath?: string;
  /** Display text after "|" (wikilinks) or the text of a Markdown link. */
  alias?: string;
  /** ![[...]] or ![](...) */
  embed: boolean;
  kind: 'wikilink' | 'markdown' | 'frontmatter';
  /** 1-based line in the file, for the UI. */
  line: number;
}

export interface NoteHeading {
  level: number;
  text: string;
  line: number;
}

export interface ParsedNote {
  /** Title: the file name without extension (Obsidian's note name). */
  title: string;
  aliases: string[];
  /** Without '#', NFC, lower-cased, nested kept as "a/b", de-duplicated, from frontmatter and the body. */
  tags: string[];
  headings: NoteHeading[];
  links: NoteLink[];
  /** The frontmatter as plain JSON (dates kept as the strings written), or null when absent or unparsable. */
  frontmatter: Record<string, unknown> | null;
  /** Why the frontmatter could not be read, e.g. "YAML error at line 3: ...". The body is still indexed. */
  frontmatterError?: string;
  /** Other things the index should know about this file, e.g. "the body was cut at 1 MB". */
  warnings?: string[];
  /** The searchable text: the body without frontmatter (for Excalidraw drawings, only the text elements, never the drawing data). */
  body: string;
  kind: 'markdown' | 'excalidraw';
}
