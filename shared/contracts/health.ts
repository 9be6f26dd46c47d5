import { z } from 'zod';
import { endpoint } from './endpoint';

export const databaseKindSchema = z.enum(['postgres', 'pglite']);
export const cacheKindSchema = z.enum(['redis', 'memory']);
export const componentStateSchema = z.enum(['ok', 'down']);

export const healthSchema = z.object({
  /** ok: everything works; degraded: the cache is down but the daemon serves; down: the database is unreachable. */
  status: z.enum(['ok', 'degraded', 'down']),
  version: z.string(),
  uptimeSeconds: z.number(),
  database: z.object({ kind: databaseKindSchema, state: componentStateSchema }),
  cache: z.object({ kind: cacheKindSchema, state: componentStateSchema }),
});
export type Health = z.infer<typeof healthSchema>;

export const healthEndpoints = {
  get: endpoint({ method: 'get', path: '/health', tag: 'system', summary: 'Daemon health (no token needed)', response: healthSchema, auth: false }),
};
