import * as z from 'zod/mini';
import type { ErrorBody } from '../../../shared/contracts/common';
import type { Health } from '../../../shared/contracts/health';
import type { Discovery } from '../../../shared/discovery';

/*
 * The plugin's copies of the shared contracts it reads, written with zod/mini: the shared ones
 * use zod's full API, which would add hundreds of KB to main.js. Each is annotated with the
 * shared type, so a contract change that these copies do not follow is a compile error.
 */

export const healthSchema: z.ZodMiniType<Health> = z.object({
  status: z.enum(['ok', 'degraded', 'down']),
  version: z.string(),
  uptimeSeconds: z.number(),
  database: z.object({ kind: z.enum(['postgres', 'pglite']), state: z.enum(['ok', 'down']) }),
  cache: z.object({ kind: z.enum(['redis', 'memory']), state: z.enum(['ok', 'down']) }),
});

export const errorBodySchema: z.ZodMiniType<ErrorBody> = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.optional(z.unknown()),
    requestId: z.string(),
  }),
});

export const discoverySchema: z.ZodMiniType<Discovery> = z.object({
  url: z.url({ protocol: /^https?$/ }),
  pid: z.number().check(z.int()),
  version: z.string(),
  startedAt: z.string(),
});
