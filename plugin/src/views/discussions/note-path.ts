/** The folder discussion notes are saved in, at the vault's root. */
export const DISCUSSION_FOLDER = 'Discussions';

/** Characters a file name cannot hold on some OS, or that break Obsidian links ([[a#b]], [[a|b]], ^blocks). */
const UNSAFE = /[\\/:*?"<>|#^[\]\p{Cc}]/gu;

/**
 * Where to write the note: the daemon's file name, made safe, in the Discussions folder. A note
 * that is already there (an earlier save, perhaps edited since) is never overwritten: the new one
 * gets " 2", " 3"… as Obsidian names copies.
 */
export function notePath(fileName: string, exists: (path: string) => boolean, folder = DISCUSSION_FOLDER): string {
  const base = fileName.replace(/\.md$/i, '').replace(UNSAFE, ' ').replace(/\s+/g, ' ').trim() || 'Discussion';
  for (let n = 1; ; n++) {
    const path = `${folder}/${n === 1 ? base : `${base} ${n}`}.md`;
    if (!exists(path)) return path;
  }
}
