/** Characters Obsidian does not allow in a note's name (they break links or file systems). */
const FORBIDDEN = /[\\/:*?"<>|#^[\]]/g;

/** A title as a file name: forbidden characters dropped, spaces collapsed, no leading dots; '' when nothing is left. */
export function noteFileName(title: string): string {
  return title
    .normalize('NFC')
    .replace(FORBIDDEN, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, '')
    .trim();
}

/**
 * Where the new note goes: `folder/Title.md`, or `Title 1.md`, `Title 2.md`… when a note by that
 * name exists, as Obsidian names its own new notes. `exists` compares paths case-insensitively,
 * because Windows and macOS do.
 */
export function newNotePath(folder: string, title: string, exists: (path: string) => boolean, untitled: string): string {
  const name = noteFileName(title) || untitled;
  const prefix = folder.replace(/^\/+|\/+$/g, '');
  const at = (suffix: string) => `${prefix ? `${prefix}/` : ''}${name}${suffix}.md`;
  let path = at('');
  for (let n = 1; exists(path); n++) path = at(` ${n}`);
  return path;
}

/** A note's name from its path: "Folder/Note.md" → "Note". */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1).replace(/\.md$/i, '');
}
