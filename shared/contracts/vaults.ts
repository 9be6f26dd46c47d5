import { z } from 'zod';
import { endpoint } from './endpoint';
import { id, idParams, jsonObject, timestamp } from './fields';
import { listOf, pageQuerySchema } from './list';

export const VAULT_STATUSES = ['idle', 'indexing', 'error'] as const;
export const INDEX_PHASES = ['starting', 'scanning', 'indexing', 'watching', 'error', 'stopped'] as const;

/** Index progress of one vault: the body of GET /vaults/:id/progress and of each SSE `progress` event. */
export const indexProgressSchema = z.object({
  vaultId: id,
  status: z.enum(VAULT_STATUSES),
  phase: z.enum(INDEX_PHASES),
  /** Files looked at in the current (or last) run. */
  seen: z.number().int(),
  /** Files read, parsed and written in the current (or last) run. */
  indexed: z.number().int(),
  unchanged: z.number().int(),
  removed: z.number().int(),
  /** Files that could not be indexed (binary, unreadable). */
  failed: z.number().int(),
  queued: z.number().int(),
  perSecond: z.number(),
  generation: z.number().int(),
  error: z.string().nullable(),
  startedAt: timestamp.nullable(),
  lastSyncAt: timestamp.nullable(),
});
export type IndexProgress = z.output<typeof indexProgressSchema>;

/**
 * The name of the vault's Obsidian config folder (Obsidian's `app.vault.configDir`; `.obsidian`
 * unless renamed), where the daemon reads the core Templates plugin's folder. A name, not a path.
 */
export const configDirParam = z
  .string()
  .trim()
  .min(1, 'configDir must not be empty')
  .max(255, 'configDir must be at most 255 characters')
  .refine((s) => !/[\\/]/.test(s) && s !== '.' && s !== '..', 'configDir must be the name of the vault’s config folder, such as ".obsidian", not a path')
  .optional()
  .describe("Obsidian's config folder in the vault (app.vault.configDir); .obsidian when left out");

export const vaultSchema = z.object({
  id,
  path: z.string(),
  enabled: z.boolean(),
  fileExtensions: z.array(z.string()),
  excludedFolders: z.array(z.string()),
  /** Hisho's own template folder; null: not set, Obsidian's Templates folder is used (else `templates`). */
  templateFolder: z.string().nullable(),
  categoryMappings: jsonObject,
  status: z.enum(VAULT_STATUSES),
  /** Why the vault is in 'error' (e.g. its folder is gone). */
  error: z.string().nullable(),
  notesIndexed: z.number().int(),
  filesFailed: z.number().int(),
  warnings: z.number().int(),
  lastSyncAt: timestamp.nullable(),
  generation: z.number().int(),
  progress: indexProgressSchema,
  createdAt: timestamp,
  updatedAt: timestamp,
});
export type Vault = z.output<typeof vaultSchema>;

export const vaultRegisterSchema = z
  .object({
    path: z.string().trim().min(1, 'path must not be empty').max(4096, 'path must be at most 4096 characters'),
  })
  .strict();

const extension = z
  .string()
  .trim()
  .regex(/^\.?[A-Za-z0-9][A-Za-z0-9._-]{0,19}$/, 'a file extension such as ".md"');
const folder = z.string().trim().max(1024, 'a folder must be at most 1024 characters').refine((s) => !s.split(/[\\/]/).includes('..'), 'a folder must not contain ".."');

export const vaultSettingsSchema = z
  .object({
    enabled: z.boolean(),
    fileExtensions: z.array(extension).min(1, 'fileExtensions needs at least one extension').max(20),
    excludedFolders: z.array(folder.refine((s) => s.replace(/^[\\/]+|[\\/]+$/g, '') !== '', 'an excluded folder must not be empty or the vault root')).max(200),
    templateFolder: folder.nullable(),
    categoryMappings: jsonObject,
  })
  .partial()
  .strict()
  .refine((v) => Object.keys(v).length > 0, 'send at least one field to change');

export const vaultErrorSchema = z.object({
  path: z.string(),
  severity: z.enum(['error', 'warning']),
  message: z.string(),
  at: timestamp,
});
export const vaultErrorsQuerySchema = pageQuerySchema.extend({
  severity: z.enum(['error', 'warning']).optional(),
});

/** One SSE event of GET /vaults/:id/events (`event:` is the type; `data:` this JSON). */
export const vaultEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('progress'), progress: indexProgressSchema }),
  z.object({ type: z.literal('file-error'), vaultId: id, path: z.string(), severity: z.enum(['error', 'warning']), message: z.string() }),
]);

export const vaultEndpoints = {
  list: endpoint({ method: 'get', path: '/vaults', tag: 'vaults', summary: 'List the registered vaults with their index status', response: listOf(vaultSchema) }),
  register: endpoint({
    method: 'post',
    path: '/vaults',
    tag: 'vaults',
    summary: 'Register a vault folder (the same folder again returns the existing vault) and start indexing it',
    body: vaultRegisterSchema,
    response: vaultSchema,
  }),
  get: endpoint({ method: 'get', path: '/vaults/:id', tag: 'vaults', summary: 'Get a vault and its index status', params: idParams, response: vaultSchema }),
  update: endpoint({
    method: 'patch',
    path: '/vaults/:id',
    tag: 'vaults',
    summary: 'Change a vault’s settings (enabled, file extensions, excluded folders, template folder, category mappings)',
    params: idParams,
    body: vaultSettingsSchema,
    response: vaultSchema,
  }),
  reindex: endpoint({ method: 'post', path: '/vaults/:id/reindex', tag: 'vaults', summary: 'Force a full reindex (runs in the background)', params: idParams, response: vaultSchema, status: 200 }),
  errors: endpoint({
    method: 'get',
    path: '/vaults/:id/errors',
    tag: 'vaults',
    summary: 'Files that failed to index (error) or were indexed with a problem (warning)',
    params: idParams,
    query: vaultErrorsQuerySchema,
    response: listOf(vaultErrorSchema),
  }),
  progress: endpoint({ method: 'get', path: '/vaults/:id/progress', tag: 'vaults', summary: 'Index progress of a vault', params: idParams, response: indexProgressSchema }),
  events: endpoint({
    method: 'get',
    path: '/vaults/:id/events',
    tag: 'vaults',
    summary: 'Index progress and per-file errors as Server-Sent Events (text/event-stream; each data is one vaultEvent)',
    params: idParams,
    response: vaultEventSchema,
  }),
};
