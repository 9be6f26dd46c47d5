/**
 * Walks a vault folder: every file the index should hold, with its size and mtime. Files are keyed
 * by their vault path (NFC) and keep the relative path as found on disk (`diskPath`): a name written
 * in NFD (macOS) is stored NFC but can only be opened through its own bytes on Linux. Symbolic links
 * to files are followed; links to folders are not (a loop cannot make the walk endless). Folders
 * that cannot be read are reported, not thrown.
 */
import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { isIgnored, toVaultPath, type VaultFilter } from './paths';

export interface FileStat {
  size: number;
  /** Whole milliseconds since the epoch. */
  mtimeMs: number;
}

export interface ScannedFile extends FileStat {
  /** The relative path as found on disk ('/' separators, not normalised): what the file is opened by. */
  diskPath: string;
}

/** The on-disk relative path of an absolute path ('/' separators, Unicode form kept as is). */
export function toDiskPath(root: string, absolute: string): string {
  return path.relative(root, absolute).split(path.sep).join('/');
}

export interface ScanResult {
  /** Vault path (NFC) → size, mtime and on-disk path. */
  files: Map<string, ScannedFile>;
  /**
   * Vault path → the on-disk paths of other files with the same name in another Unicode form (an
   * NFC and an NFD spelling side by side, possible on Linux). Only one of them is indexed: the one
   * whose name is already NFC, else the first in code-unit order.
   */
  duplicates: Map<string, string[]>;
  /** Folders that could not be read: "path: reason". */
  problems: Array<{ path: string; message: string }>;
}

const STAT_CONCURRENCY = 32;

/** `under` is a folder's on-disk relative path ('/' separators), or '' for the whole vault. */
export async function scanVault(root: string, filter: VaultFilter, under = ''): Promise<ScanResult> {
  const files = new Map<string, ScannedFile>();
  const problems: ScanResult['problems'] = [];
  const duplicates = new Map<string, string[]>();
  const toStat: Array<{ abs: string; rel: string }> = [];
  const queue: string[] = [under ? path.join(root, ...under.split('/')) : root];
  while (queue.length > 0) {
    const dir = queue.pop()!;
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      if (dir === root) throw e;
      problems.push({ path: toVaultPath(root, dir), message: (e as Error).message });
      continue;
    }
    for (const entry of entries) {
      const abs = path.join(dir, entry.name);
      const rel = toVaultPath(root, abs);
      if (entry.isDirectory()) {
        if (!isIgnored(rel, true, filter)) queue.push(abs);
      } else if ((entry.isFile() || entry.isSymbolicLink()) && !isIgnored(rel, false, filter)) {
        toStat.push({ abs, rel });
      }
    }
  }
  for (let i = 0; i < toStat.length; i += STAT_CONCURRENCY) {
    await Promise.all(
      toStat.slice(i, i + STAT_CONCURRENCY).map(async ({ abs, rel }) => {
        try {
          const s = await stat(abs);
          if (!s.isFile()) return;
          const found: ScannedFile = { size: s.size, mtimeMs: Math.floor(s.mtimeMs), diskPath: toDiskPath(root, abs) };
          const other = files.get(rel);
          if (other) {
            const [keep, drop] = prefer(rel, other, found);
            files.set(rel, keep);
            duplicates.set(rel, [...(duplicates.get(rel) ?? []), drop.diskPath]);
          } else {
            files.set(rel, found);
          }
        } catch {
          // Gone since readdir, or a dangling symlink: not a file of the vault.
        }
      }),
    );
  }
  return { files, duplicates, problems };
}

/** Of two files with the same vault path: the one named in NFC, else the first in code-unit order. */
function prefer(rel: string, a: ScannedFile, b: ScannedFile): [ScannedFile, ScannedFile] {
  if (a.diskPath === rel) return [a, b];
  if (b.diskPath === rel) return [b, a];
  return a.diskPath < b.diskPath ? [a, b] : [b, a];
}
