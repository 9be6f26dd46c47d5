/**
 * The vault's template folder, by one rule for every reader (the template list, the plan template):
 * Hisho's own setting (`obsidian_integration_settings.template_folder`) when the person set one;
 * else the folder of Obsidian's core Templates plugin, which Obsidian saves in
 * `<vault>/<configDir>/templates.json` as `{"folder": "Templates"}`; else DEFAULT_TEMPLATE_FOLDER.
 *
 * The daemon reads templates.json itself rather than being told the folder: it reads the vault
 * anyway (never writing it), and so every caller of its API gets the same folder, whatever client
 * asks. Only the config folder's name comes from the plugin (Obsidian's `app.vault.configDir`),
 * because a person can rename it per device and only Obsidian knows it; without it, `.obsidian`.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { normalizeFolder } from './paths';

export const DEFAULT_CONFIG_DIR = '.obsidian';
/** The design's default for `template_folder`, used when neither Hisho nor Obsidian names one. */
export const DEFAULT_TEMPLATE_FOLDER = 'templates';
/** templates.json holds three short strings; anything far larger is not Obsidian's. */
const MAX_SETTINGS_BYTES = 64 * 1024;

/**
 * The folder Obsidian's Templates core plugin uses in this vault, or null when there is none to
 * use: no templates.json, one that is not a file, too large, not JSON, without a `folder` string,
 * or with a folder that is empty or leaves the vault. Never throws.
 */
export async function obsidianTemplateFolder(vaultRoot: string, configDir = DEFAULT_CONFIG_DIR): Promise<string | null> {
  const file = path.join(vaultRoot, configDir, 'templates.json');
  try {
    // stat first: a folder or a FIFO by that name must not be read (a FIFO would block the read).
    const info = await stat(file);
    if (!info.isFile() || info.size > MAX_SETTINGS_BYTES) return null;
    const saved: unknown = JSON.parse(await readFile(file, 'utf8'));
    const folder = saved !== null && typeof saved === 'object' && !Array.isArray(saved) ? (saved as Record<string, unknown>).folder : undefined;
    if (typeof folder !== 'string') return null;
    const clean = normalizeFolder(folder);
    return clean && !clean.split('/').includes('..') ? clean : null;
  } catch {
    return null; // never set up, unreadable or half-written by Obsidian: the default
  }
}

/** The template folder to use: `stored` when set (not null, not blank), else Obsidian's, else the default. */
export async function resolveTemplateFolder(vaultRoot: string, stored: string | null, configDir?: string): Promise<string> {
  if (stored !== null && stored.trim() !== '') return stored;
  return (await obsidianTemplateFolder(vaultRoot, configDir)) ?? DEFAULT_TEMPLATE_FOLDER;
}
