/**
 * Walks a vault folder: every file the index should hold, with its size and mtime. Symbolic links
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

export interface ScanResult {
  files: Map<string, FileStat>;
  /** Folders that could not be read: "path: reason". */
  problems: Array<{ path: string; message: string }>;
}

const STAT_CONCURRENCY = 32;

export async function scanVault(root: string, filter: VaultFilter, under = ''): Promise<ScanResult> {
  const files = new Map<string, FileStat>();
  const problems: ScanResult['problems'] = [];
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
          if (s.isFile()) files.set(rel, { size: s.size, mtimeMs: Math.floor(s.mtimeMs) });
        } catch {
          // Gone since readdir, or a dangling symlink: not a file of the vault.
        }
      }),
    );
  }
  return { files, problems };
}
