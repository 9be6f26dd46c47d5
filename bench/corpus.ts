/**
 * The vaults the benchmark runs on: the real corpora in ../shared/corpus (used in place, never
 * written to), or a generated vault when they are absent. Also the note reader the peer uses.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import matter from 'gray-matter';

export interface BenchVault {
  /** Short name (the corpus folder name, or "generated"). */
  name: string;
  /** Absolute folder. */
  dir: string;
  /** Main languages, for the query sets. */
  lang: 'en' | 'ja' | 'mixed';
  /** Number of Markdown notes the daemon should index (dot-folders excluded). */
  notes: number;
}

export const CORPUS_DIR = path.resolve(import.meta.dirname, '..', '..', 'shared', 'corpus');

/** Vault-relative paths ('/'-separated, NFC) of every `.md` file outside dot-folders. */
export async function listNotes(dir: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(rel: string): Promise<void> {
    const entries = await readdir(path.join(dir, rel), { withFileTypes: true });
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(r);
      else if (e.isFile() && e.name.toLowerCase().endsWith('.md')) out.push(r.normalize('NFC'));
    }
  }
  await walk('');
  return out.sort();
}

/** The title Obsidian shows: the file name without `.md` (NFC). */
export function titleOf(rel: string): string {
  return path.posix.basename(rel).replace(/\.md$/i, '').normalize('NFC');
}

export interface PeerNote {
  id: number;
  path: string;
  title: string;
  aliases: string;
  tags: string;
  body: string;
}

const refuse = () => {
  throw new Error('code frontmatter is not run');
};
const MATTER_OPTIONS = { engines: { js: refuse, javascript: refuse, coffee: refuse } } as never;

const asText = (v: unknown): string => (Array.isArray(v) ? v.filter((x) => x !== null && x !== undefined).map(String).join(' ') : typeof v === 'string' ? v : '');

/** Reads and parses every note the way a plugin would: file → gray-matter → title, aliases, tags, body (16 reads in flight). */
export async function readPeerNotes(dir: string, paths: string[]): Promise<PeerNote[]> {
  const notes: PeerNote[] = new Array<PeerNote>(paths.length);
  let next = 0;
  const worker = async () => {
    while (next < paths.length) {
      const id = next++;
      const rel = paths[id]!;
      let text: string;
      try {
        text = await readFile(path.join(dir, ...rel.split('/')), 'utf8');
      } catch {
        // Listed paths are NFC; a file named in NFD on disk (macOS) is read through its NFD name.
        text = await readFile(path.join(dir, ...rel.normalize('NFD').split('/')), 'utf8').catch(() => '');
      }
      let data: Record<string, unknown> = {};
      let body = text;
      try {
        const parsed = matter(text, MATTER_OPTIONS);
        data = (parsed.data ?? {}) as Record<string, unknown>;
        body = parsed.content;
      } catch {
        // invalid YAML: keep the whole text as the body
      }
      // Excalidraw drawings: the name and frontmatter only, not the drawing data (as the daemon does).
      if (/\.excalidraw\.md$/i.test(rel)) body = '';
      notes[id] = { id, path: rel, title: titleOf(rel), aliases: asText(data.aliases ?? data.alias), tags: asText(data.tags ?? data.tag), body };
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return notes;
}

/** Folder names of the real corpora, in the order they are indexed. */
const CORPORA: Array<{ name: string; lang: BenchVault['lang'] }> = [
  { name: 'obsidian-help-en', lang: 'en' },
  { name: 'obsidian-help-ja', lang: 'ja' },
  { name: 'tk42-notes-ja', lang: 'ja' },
  { name: 'masaki39-garden-ja', lang: 'ja' },
  { name: 'kepano-vault', lang: 'en' },
  { name: 'tasks-demo', lang: 'en' },
  { name: 'dataview-test-vault', lang: 'en' },
  { name: 'yoshixi-zettelkasten', lang: 'en' },
];

export const MAIN_VAULT = 'yoshixi-zettelkasten';

/** The real vaults when ../shared/corpus is present (all of them, or those named in `only`). */
export async function corpusVaults(only?: string[]): Promise<BenchVault[] | undefined> {
  if (!existsSync(CORPUS_DIR)) return undefined;
  const out: BenchVault[] = [];
  for (const c of CORPORA) {
    if (only && !only.includes(c.name)) continue;
    const dir = path.join(CORPUS_DIR, c.name);
    if (!existsSync(dir)) continue;
    out.push({ name: c.name, dir, lang: c.lang, notes: (await listNotes(dir)).length });
  }
  return out.length > 0 ? out : undefined;
}

// -------------------------------------------------------------------------------------------
// The generated vault (when the corpora are absent)
// -------------------------------------------------------------------------------------------

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const EN_WORDS = (
  'the of and to in is that for it as with was on be by this are from or at an not have which but they has ' +
  'note system data search index query vault link graph memory network function value model theory proof matrix vector ' +
  'algorithm binary tree hash table stack queue compiler kernel process thread socket packet router cipher key token ' +
  'entropy probability variable random integral derivative limit series sequence prime number field group ring ' +
  'history philosophy ethics mind language meaning logic argument reason virtue justice state power market price ' +
  'design pattern interface module package library framework server client request response cache database schema ' +
  'reading writing meeting project deadline review summary outline chapter section paragraph draft idea question answer ' +
  'python rust haskell javascript typescript linux windows docker kubernetes postgres redis nginx git commit branch merge ' +
  'eigenvalue fourier laplace bayes markov turing godel euler gauss riemann hilbert banach noether cauchy lagrange'
).split(/\s+/);

const JA_WORDS = (
  '会議 議事録 検索 ノート リンク プラグイン 設定 同期 ファイル フォルダ テンプレート 日記 読書 健康 料理 旅行 仕事 ' +
  '東京 大阪 京都 電車 天気 季節 春 夏 秋 冬 家族 友人 先生 学生 学校 大学 研究 論文 実験 結果 考察 仮説 ' +
  'データ 分析 統計 確率 数学 物理 化学 生物 歴史 哲学 経済 政治 社会 文化 言語 文法 単語 翻訳 辞書 ' +
  '計画 目標 予定 締切 進捗 報告 課題 改善 品質 効率 習慣 睡眠 運動 食事 散歩 音楽 映画 写真 趣味 買い物'
).split(/\s+/);
const JA_PARTICLES = ['は', 'が', 'を', 'に', 'の', 'で', 'と', 'も', 'から', 'まで'];
const JA_ENDINGS = ['です。', 'ます。', 'した。', 'について考える。', 'が大切だ。', 'を確認した。'];

/** Zipf-like pick: low indexes much more often. */
function zipf(r: () => number, n: number): number {
  return Math.min(n - 1, Math.floor(n ** r() - 1));
}

function enSentence(r: () => number): string {
  const n = 6 + Math.floor(r() * 12);
  const words = Array.from({ length: n }, () => EN_WORDS[zipf(r, EN_WORDS.length)]!);
  words[0] = words[0]!.charAt(0).toUpperCase() + words[0]!.slice(1);
  return `${words.join(' ')}.`;
}

function jaSentence(r: () => number): string {
  const n = 2 + Math.floor(r() * 4);
  let s = '';
  for (let i = 0; i < n; i++) s += JA_WORDS[zipf(r, JA_WORDS.length)]! + JA_PARTICLES[Math.floor(r() * JA_PARTICLES.length)]!;
  return s + JA_WORDS[Math.floor(r() * JA_WORDS.length)]! + JA_ENDINGS[Math.floor(r() * JA_ENDINGS.length)]!;
}

/**
 * Writes a vault of `count` notes (70% English, 30% Japanese) into a new temp folder: frontmatter
 * (tags, aliases), headings, wikilinks, several paragraphs. Deterministic (seeded).
 */
export async function generateVault(count = 2000, seed = 42): Promise<BenchVault> {
  const dir = path.join(os.tmpdir(), `hisho-bench-generated-${count}-${seed}`);
  const r = rng(seed);
  const titles: string[] = [];
  const used = new Set<string>();
  for (let i = 0; i < count; i++) {
    const ja = i % 10 >= 7;
    let title = '';
    do {
      title = ja
        ? `${JA_WORDS[Math.floor(r() * JA_WORDS.length)]}の${JA_WORDS[Math.floor(r() * JA_WORDS.length)]}${r() < 0.5 ? JA_WORDS[Math.floor(r() * JA_WORDS.length)] : ''}`
        : Array.from({ length: 2 + Math.floor(r() * 3) }, () => EN_WORDS[30 + Math.floor(r() * (EN_WORDS.length - 30))]!).join(' ');
    } while (used.has(title));
    used.add(title);
    titles.push(title);
  }
  const folders = ['', 'Math', 'Programming', 'Journal', '日記', '研究'];
  await mkdir(dir, { recursive: true });
  for (let i = 0; i < count; i++) {
    const ja = i % 10 >= 7;
    const title = titles[i]!;
    const folder = folders[i % folders.length]!;
    const tags = Array.from({ length: 1 + Math.floor(r() * 3) }, () => (ja ? JA_WORDS : EN_WORDS.slice(30))[Math.floor(r() * 40)]!);
    const sentence = ja ? jaSentence : enSentence;
    const paragraphs: string[] = [];
    const np = 2 + Math.floor(r() * 6);
    for (let p = 0; p < np; p++) {
      if (r() < 0.3) paragraphs.push(`## ${sentence(r).replace(/[.。]$/, '')}`);
      const lines = Array.from({ length: 2 + Math.floor(r() * 5) }, () => sentence(r));
      if (r() < 0.5) lines.push(`See [[${titles[Math.floor(r() * count)]}]].`);
      paragraphs.push(lines.join(' '));
    }
    const text = `---\ntags:\n${[...new Set(tags)].map((t) => `  - ${t}`).join('\n')}\naliases: ${r() < 0.2 ? `[${title.split(' ')[0]}]` : '[]'}\ncreated: 2024-0${1 + (i % 9)}-1${i % 10}\n---\n# ${title}\n\n${paragraphs.join('\n\n')}\n`;
    const folderDir = path.join(dir, folder);
    await mkdir(folderDir, { recursive: true });
    await writeFile(path.join(folderDir, `${title}.md`), text);
  }
  return { name: 'generated', dir, lang: 'mixed', notes: (await listNotes(dir)).length };
}
