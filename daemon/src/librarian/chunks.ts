/**
 * A note cut into the chunks that are embedded for semantic search: one per section (the
 * paragraphs under one heading, passage.ts's blocks), each sent as the note's title, the heading
 * path and the section text, so a section about "Hover" in the note "Page preview" carries both.
 * A section is capped (the embedding models take a few thousand tokens at most, and a vector of a
 * long text says less about each part); a note keeps at most MAX_CHUNKS sections, the rest is left
 * to the lexical search.
 */
import { createHash } from 'node:crypto';
import { blocksOf } from './passage';

/** Characters of a chunk's text (title and headings included): ≈ 400 English or ≈ 1,200 Japanese tokens. */
export const MAX_CHUNK_CHARS = 1_600;
export const MAX_CHUNKS = 32;

export interface Chunk {
  index: number;
  heading: string | null;
  /** What the model embeds. */
  text: string;
  /** The section as written (for a passage), without the title and heading path. */
  section: string;
  /** sha256 hex of `text`. */
  hash: string;
}

export function chunkNote(title: string, body: string): Chunk[] {
  const sections: Array<{ heading: string | null; path: string[]; parts: string[] }> = [];
  let last = -1;
  for (const b of blocksOf(body)) {
    if (b.section !== last) {
      if (sections.length === MAX_CHUNKS) break;
      sections.push({ heading: b.heading, path: b.path, parts: [] });
      last = b.section;
    }
    sections.at(-1)!.parts.push(b.text);
  }
  // A note without text is still found by its title.
  if (sections.length === 0) sections.push({ heading: null, path: [], parts: [] });
  return sections.map((s, index) => {
    const head = [title, ...s.path].join(' › ');
    const section = s.parts.join('\n\n');
    const text = `${head}\n\n${section}`.slice(0, MAX_CHUNK_CHARS).trim();
    return { index, heading: s.heading, text, section, hash: createHash('sha256').update(text).digest('hex') };
  });
}
