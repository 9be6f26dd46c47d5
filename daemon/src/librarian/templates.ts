/**
 * The templates of a vault: the Markdown files under its template folder (vault settings
 * `templateFolder`, else Obsidian's: vault/template-folder.ts), read from disk as written — frontmatter and `{{placeholders}}` included, which
 * the index does not keep. The plugin fills them with shared/templates/render.ts and creates the
 * note through Obsidian; the daemon only reads.
 */
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';

/** At most this many templates are listed, and each is read up to this size. */
export const MAX_TEMPLATES = 500;
export const MAX_TEMPLATE_BYTES = 256 * 1024;

export interface TemplateFile {
  name: string;
  path: string;
  content: string;
}

export interface TemplateFolder {
  folder: string | null;
  folderExists: boolean;
  templates: TemplateFile[];
}

/** "/Templates/" → "Templates"; null for an empty folder or one that leaves the vault ("../x"). */
function cleanFolder(folder: string): string | null {
  const f = folder.normalize('NFC').replace(/\\/g, '/').trim().replace(/^\/+|\/+$/g, '');
  if (!f || f.split('/').some((part) => part === '..')) return null;
  return f;
}

async function walk(dir: string, rel: string, out: Array<{ abs: string; rel: string }>): Promise<void> {
  if (out.length >= MAX_TEMPLATES) return;
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    if (out.length >= MAX_TEMPLATES) return;
    if (e.name.startsWith('.')) continue;
    const abs = path.join(dir, e.name);
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) await walk(abs, r, out);
    else if (e.isFile() && /\.md$/i.test(e.name)) out.push({ abs, rel: r });
  }
}

export async function listTemplates(vaultRoot: string, templateFolder: string): Promise<TemplateFolder> {
  const folder = cleanFolder(templateFolder);
  if (folder === null) return { folder: templateFolder.trim() === '' ? null : templateFolder, folderExists: false, templates: [] };
  const root = await realpath(vaultRoot).catch(() => vaultRoot);
  const dir = path.join(root, ...folder.split('/'));
  const real = await realpath(dir).catch(() => undefined);
  // A folder that is missing, not a folder, or a link out of the vault lists nothing.
  if (!real || !(real === root || real.startsWith(root + path.sep)) || !(await stat(real)).isDirectory()) return { folder, folderExists: false, templates: [] };
  const files: Array<{ abs: string; rel: string }> = [];
  await walk(real, '', files);
  const templates: TemplateFile[] = [];
  for (const f of files) {
    let content: string;
    try {
      const buffer = await readFile(f.abs);
      content = buffer.subarray(0, MAX_TEMPLATE_BYTES).toString('utf8').replace(/^\uFEFF/, '');
    } catch {
      continue; // unreadable (removed meanwhile, no permission): not offered
    }
    const name = path.basename(f.rel).replace(/\.md$/i, '').normalize('NFC');
    templates.push({ name, path: `${folder}/${f.rel}`.normalize('NFC'), content });
  }
  return { folder, folderExists: true, templates };
}
