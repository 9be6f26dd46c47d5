/**
 * Reads a corpus vault (../shared/corpus/<name>) into FixtureNotes with a small, lenient
 * frontmatter reader. For the hand-run retrieval check and benchmarks only: the real parser is
 * daemon/src/vault/parse.ts.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import matter from 'gray-matter';
import type { FixtureNote } from './fixtures';

export const CORPUS_ROOT = path.resolve(import.meta.dirname, '../../../../shared/corpus');

export function corpusPresent(name: string): boolean {
  return existsSync(path.join(CORPUS_ROOT, name));
}

function walk(dir: string, out: string[]): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.name.endsWith('.md')) out.push(p);
  }
  return out;
}

const refuse = () => {
  throw new Error('refused');
};
const MATTER_OPTIONS = { engines: { js: refuse, javascript: refuse, coffee: refuse } };

function list(v: unknown): string[] {
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  if (typeof v === 'string') return v.split(/[,\s]+/).filter(Boolean);
  return [];
}

export function readCorpus(name: string): FixtureNote[] {
  const root = path.join(CORPUS_ROOT, name);
  return walk(root, []).map((file) => {
    const rel = path.relative(root, file).split(path.sep).join('/').normalize('NFC');
    const raw = readFileSync(file, 'utf8').replace(/\0/g, '');
    let data: Record<string, unknown> = {};
    let body = raw;
    try {
      const m = matter(raw, MATTER_OPTIONS);
      data = JSON.parse(JSON.stringify(m.data)) as Record<string, unknown>;
      body = m.content;
    } catch {
      body = raw;
    }
    if (rel.endsWith('.excalidraw.md')) body = body.slice(0, 2000);
    const headings = [...body.matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) => m[1]!.trim());
    const inline = [...body.matchAll(/(?:^|\s)#([\p{L}\p{N}_/-]+)/gu)].map((m) => m[1]!);
    const links = [...body.matchAll(/\[\[([^\]]+)\]\]/g)].map((m) => m[1]!);
    return {
      path: rel,
      body,
      aliases: list(data.aliases ?? data.ALIAS),
      tags: [...new Set([...list(data.tags ?? data.TAG), ...inline].map((t) => t.toLowerCase()))],
      headings,
      frontmatter: Object.keys(data).length ? data : null,
      mtime: statSync(file).mtime,
      links,
    };
  });
}
