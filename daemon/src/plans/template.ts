/**
 * The vault's own plan template: PLAN_TEMPLATE_FILE in the vault's template folder
 * (obsidian_integration_settings.template_folder, else Obsidian's: vault/template-folder.ts). The
 * daemon only reads it (it never writes the vault); the plugin renders the note with it.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { PLAN_TEMPLATE_FILE } from '../../../shared/contracts/plans';
import type { Db } from '../db/drivers';
import { obsidianIntegrationSettings } from '../db/schema';
import { ApiError, notFound } from '../server/errors';
import { resolveTemplateFolder } from '../vault/template-folder';

/** Larger templates are refused (a template is a page of Markdown, not a book). */
export const MAX_TEMPLATE_BYTES = 256 * 1024;

/** `configDir`: the vault's Obsidian config folder, where Obsidian's template folder is read when Hisho has none set. */
export async function readPlanTemplate(db: Db, vaultId: number, configDir?: string): Promise<{ path: string; content: string } | null> {
  const [vault] = await db
    .select({ vaultPath: obsidianIntegrationSettings.vaultPath, templateFolder: obsidianIntegrationSettings.templateFolder })
    .from(obsidianIntegrationSettings)
    .where(eq(obsidianIntegrationSettings.id, vaultId));
  if (!vault) throw notFound('Vault', vaultId);
  const folder = (await resolveTemplateFolder(vault.vaultPath, vault.templateFolder, configDir)).replace(/^[\\/]+|[\\/]+$/g, '');
  if (!folder) return null;
  const relative = `${folder.replace(/\\/g, '/')}/${PLAN_TEMPLATE_FILE}`;
  const full = path.resolve(vault.vaultPath, relative);
  // The folder setting is checked when saved; this keeps a hand-edited row from reading outside the vault.
  if (path.relative(vault.vaultPath, full).startsWith('..')) return null;
  let size: number;
  try {
    const s = await stat(full);
    if (!s.isFile()) return null;
    size = s.size;
  } catch {
    return null; // no template: the default one is used
  }
  if (size > MAX_TEMPLATE_BYTES) {
    throw new ApiError(422, 'template_too_large', `The plan template ${relative} is ${Math.ceil(size / 1024)} KiB; keep it under ${MAX_TEMPLATE_BYTES / 1024} KiB`);
  }
  try {
    return { path: relative, content: (await readFile(full, 'utf8')).replace(/^\uFEFF/, '') };
  } catch (e) {
    throw new ApiError(422, 'template_unreadable', `The plan template ${relative} could not be read (${(e as NodeJS.ErrnoException).code ?? 'error'}); check its permissions`);
  }
}
