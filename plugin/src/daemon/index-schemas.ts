import * as z from 'zod/mini';
import type { FoldersResponse } from '../../../shared/contracts/search';
import type { IndexProgress, Vault } from '../../../shared/contracts/vaults';

/*
 * zod/mini copies of the index parts of the contracts the Librarian pane reads (see schemas.ts for
 * why copies): a vault's index progress, the vault list, and the folder list. Each is annotated
 * with the shared type, so a contract change these copies do not follow is a compile error.
 */

const VAULT_STATUSES = ['idle', 'indexing', 'error'] as const satisfies readonly IndexProgress['status'][];
const INDEX_PHASES = ['starting', 'scanning', 'indexing', 'watching', 'error', 'stopped'] as const satisfies readonly IndexProgress['phase'][];

export const indexProgressSchema: z.ZodMiniType<IndexProgress> = z.object({
  vaultId: z.number(),
  status: z.enum(VAULT_STATUSES),
  phase: z.enum(INDEX_PHASES),
  seen: z.number(),
  indexed: z.number(),
  unchanged: z.number(),
  removed: z.number(),
  failed: z.number(),
  queued: z.number(),
  perSecond: z.number(),
  generation: z.number(),
  error: z.nullable(z.string()),
  startedAt: z.nullable(z.string()),
  lastSyncAt: z.nullable(z.string()),
});

/** The `data` of a `progress` event of GET /vaults/:id/events. */
export const progressEventSchema: z.ZodMiniType<{ type: 'progress'; progress: IndexProgress }> = z.object({
  type: z.literal('progress'),
  progress: indexProgressSchema,
});

/** The part of each listed vault the pane reads (the daemon sends more). */
export type ListedVault = Pick<Vault, 'id' | 'status' | 'progress'>;
export const vaultListSchema: z.ZodMiniType<{ items: ListedVault[] }> = z.object({
  items: z.array(z.object({ id: z.number(), status: z.enum(VAULT_STATUSES), progress: indexProgressSchema })),
});

export const foldersResponseSchema: z.ZodMiniType<FoldersResponse> = z.object({
  folders: z.array(z.object({ folder: z.string(), count: z.number(), total: z.number() })),
});
