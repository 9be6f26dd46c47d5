import { Hono } from 'hono';
import { vaultEndpoints, type IndexProgress, type Vault } from '../../../../shared/contracts/vaults';
import { VaultPathError, VaultService, type VaultView } from '../../vault/service';
import type { AppDeps } from '../app';
import { ApiError, notFound } from '../errors';
import { register, type AppEnv } from '../route';
import { sse } from '../sse';
import { iso } from './list';

const toApi = (v: VaultView): Vault => ({
  id: v.row.id,
  path: v.row.vaultPath,
  enabled: v.row.isEnabled,
  fileExtensions: v.row.fileExtensions,
  excludedFolders: v.row.excludedFolders,
  templateFolder: v.row.templateFolder,
  categoryMappings: v.row.categoryMappings ?? {},
  status: v.progress.status,
  error: v.progress.status === 'error' ? (v.progress.error ?? v.row.errorLog) : null,
  notesIndexed: v.notesIndexed,
  filesFailed: v.filesFailed,
  warnings: v.warnings,
  lastSyncAt: v.progress.lastSyncAt ?? (v.row.lastSyncAt ? iso(v.row.lastSyncAt) : null),
  generation: v.progress.generation,
  progress: v.progress as IndexProgress,
  createdAt: iso(v.row.createdAt),
  updatedAt: iso(v.row.updatedAt),
});

export function vaultRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  // Without a running service (some tests) vaults can still be registered and read; nothing indexes them.
  const vaults = deps.vaults ?? new VaultService({ db: deps.database.db, cache: deps.cache });

  const find = async (id: number) => {
    const v = await vaults.get(id);
    if (!v) throw notFound('Vault', id);
    return v;
  };

  register(app, vaultEndpoints.list, async () => {
    const all = await vaults.list();
    return { items: all.map(toApi), total: all.length };
  });

  register(app, vaultEndpoints.register, async ({ body }) => {
    try {
      const { vault } = await vaults.register(body.path);
      return toApi(vault);
    } catch (e) {
      if (e instanceof VaultPathError) throw new ApiError(400, 'invalid_vault_path', e.message);
      throw e;
    }
  });

  register(app, vaultEndpoints.get, async ({ params }) => toApi(await find(params.id)));

  register(app, vaultEndpoints.update, async ({ params, body }) => {
    const v = await vaults.update(params.id, {
      isEnabled: body.enabled,
      fileExtensions: body.fileExtensions,
      excludedFolders: body.excludedFolders,
      templateFolder: body.templateFolder,
      categoryMappings: body.categoryMappings,
    });
    if (!v) throw notFound('Vault', params.id);
    return toApi(v);
  });

  register(app, vaultEndpoints.reindex, async ({ params }) => {
    const v = await vaults.reindex(params.id);
    if (!v) throw notFound('Vault', params.id);
    if (!v.row.isEnabled) throw new ApiError(409, 'vault_disabled', `Vault ${params.id} is disabled; enable it first`);
    return toApi(v);
  });

  register(app, vaultEndpoints.errors, async ({ params, query }) => {
    await find(params.id);
    return vaults.errors(params.id, query);
  });

  register(app, vaultEndpoints.progress, async ({ params }) => (await find(params.id)).progress as IndexProgress);

  const events = vaultEndpoints.events;
  app.get(events.path, async (c) => {
    const parsed = events.params!.safeParse(c.req.param());
    if (!parsed.success) throw new ApiError(400, 'validation_failed', `Invalid path: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
    const v = await find(parsed.data.id);
    return sse(c, async (send) => {
      // The current state first, so a client that connects mid-index shows something at once. It is
      // read in the same tick as the subscription: `v` was read before the stream opened, and a run
      // that ended in between would otherwise never be reported to this client.
      const off = vaults.subscribe(v.row.id, (e) => void send(e.type, e));
      const live = vaults.indexer(v.row.id)?.getProgress();
      await send('progress', { type: 'progress', progress: live ? { ...live, failed: v.progress.failed } : v.progress });
      return off;
    });
  });

  return app;
}
