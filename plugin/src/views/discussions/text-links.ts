/** A run of a message's text: plain, or an Obsidian link ([[target]], [[target|label]], [[target#heading]]). */
export type TextPart = { text: string } | { text: string; link: string };

const WIKILINK = /\[\[([^[\]|#^]+)((?:[#^][^[\]|]*)?)(?:\|([^[\]]*))?\]\]/g;

/** Splits text at its [[links]], so each can be shown as a link that opens the note. */
export function textParts(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let at = 0;
  for (const match of text.matchAll(WIKILINK)) {
    const [whole, target = '', anchor = '', label] = match;
    const start = match.index;
    if (start > at) parts.push({ text: text.slice(at, start) });
    parts.push({ text: label?.trim() || `${target}${anchor}`, link: `${target.trim()}${anchor}` });
    at = start + whole.length;
  }
  if (at < text.length) parts.push({ text: text.slice(at) });
  return parts;
}
