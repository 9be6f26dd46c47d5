import { z } from 'zod';

/** `?limit=&offset=` on every list endpoint. */
export const pageQuerySchema = z.object({
  limit: z.coerce.number({ error: 'limit must be a number' }).int().min(1).max(500).default(50),
  offset: z.coerce.number({ error: 'offset must be a number' }).int().min(0).default(0),
});

export function listOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), total: z.number().int() });
}
