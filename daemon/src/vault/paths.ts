/**
 * Vault paths and link keys. A vault path is relative to the vault root, NFC, with '/' separators,
 * and keeps its extension ("Folder/Note.md"). Link keys are lower-cased and drop a trailing ".md",
 * so `[[note]]`, `[[Note.md]]` and `[[Folder/NOTE]]` find "Folder/Note.md" the way Obsidian does.
 */
import path from 'node:path';
import type { NoteLink } from './note';

/** Absolute file path → vault path (NFC, '/'). */
export function toVaultPath(root: string, absolute: string): string {
  return path.relative(root, absolute).split(path.sep).join('/').normalize('NFC');
}

export function folderOf(vaultPath: string): string {
  const i = vaultPath.lastIndexOf('/');
  return i === -1 ? '' : vaultPath.slice(0, i);
}

function stripMd(s: string): string {
  return s.toLowerCase().endsWith('.md') ? s.slice(0, -3) : s;
}

/** The keys a note is found by: its lower-cased name and path without ".md". */
export function noteLinkKeys(vaultPath: string): { linkName: string; linkPath: string } {
  const linkPath = stripMd(vaultPath.normalize('NFC')).toLowerCase();
  const linkName = linkPath.slice(linkPath.lastIndexOf('/') + 1);
  return { linkName, linkPath };
}

/**
 * The lookup keys of a link written in `sourcePath`: `key` is '' for a link to the same note
 * (`[[#Heading]]`); `./` and `../` are resolved against the source's folder; a leading '/' means the
 * vault root. `name` is the last segment of key.
 */
export function linkTargetKeys(sourcePath: string, link: Pick<NoteLink, 'target'>): { key: string; name: string } {
  let t = link.target.normalize('NFC').replace(/\\/g, '/').trim();
  if (t === '') return { key: '', name: '' };
  if (t.startsWith('./') || t.startsWith('../')) {
    t = path.posix.normalize(path.posix.join(folderOf(sourcePath), t));
    if (t.startsWith('../')) t = t.replace(/^(\.\.\/)+/, '');
  }
  t = t.replace(/^\/+/, '').replace(/\/+$/, '');
  const key = stripMd(t).toLowerCase();
  return { key, name: key.slice(key.lastIndexOf('/') + 1) };
}

/** ".MD" / "md" → ".md" */
export function normalizeExtension(ext: string): string {
  const e = ext.trim().toLowerCase();
  return e.startsWith('.') ? e : `.${e}`;
}

/** "/Archive/Old/" → "Archive/Old" (NFC, '/'). */
export function normalizeFolder(folder: string): string {
  return folder.normalize('NFC').replace(/\\/g, '/').trim().replace(/^\/+|\/+$/g, '');
}

export interface VaultFilter {
  fileExtensions: string[];
  excludedFolders: string[];
}

/**
 * Whether a vault path is left out of the index: anything under a dot-folder (.obsidian, .trash,
 * .git, ...), dot-files, excluded folders, and (for files) extensions not listed.
 */
export function isIgnored(vaultPath: string, isDirectory: boolean, filter: VaultFilter): boolean {
  if (vaultPath === '') return false;
  const segments = vaultPath.split('/');
  if (segments.some((s) => s.startsWith('.'))) return true;
  for (const f of filter.excludedFolders) {
    const folder = normalizeFolder(f);
    if (folder && (vaultPath === folder || vaultPath.startsWith(`${folder}/`))) return true;
  }
  if (isDirectory) return false;
  const lower = vaultPath.toLowerCase();
  return !filter.fileExtensions.some((e) => lower.endsWith(normalizeExtension(e)));
}
