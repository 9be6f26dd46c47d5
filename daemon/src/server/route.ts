import type { Context, Hono } from 'hono';
import type { z } from 'zod';
import type { Endpoint, Infer } from '../../../shared/contracts/endpoint';
import { ApiError } from './errors';

export type AppEnv = { Variables: { requestId: string } };

export interface Input<P, Q, B> {
  params: Infer<P>;
  query: Infer<Q>;
  body: Infer<B>;
}

/** "name: must not be empty; maxMembers: must be at least 1" */
function summarize(issues: z.core.$ZodIssue[]): string {
  const parts = issues.slice(0, 5).map((i) => {
    const where = i.path.length ? `${i.path.join('.')}: ` : '';
    const extra = i.code === 'unrecognized_keys' ? ` (${i.keys.join(', ')})` : '';
    return `${where}${i.message}${extra}`;
  });
  if (issues.length > 5) parts.push(`and ${issues.length - 5} more`);
  return parts.join('; ');
}

function check<T extends z.ZodType>(schema: T, value: unknown, where: string): z.output<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new ApiError(400, 'validation_failed', `Invalid ${where}: ${summarize(parsed.error.issues)}`, {
    issues: parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message, code: i.code })),
  });
}

async function readJson(c: Context): Promise<unknown> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/([a-z.+-]+\+)?json\b/i.test(type)) {
    throw new ApiError(415, 'unsupported_media_type', 'Send the body as JSON with "Content-Type: application/json"');
  }
  const text = await c.req.text();
  if (!text.trim()) throw new ApiError(400, 'invalid_json', 'The request body is empty; send a JSON object');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ApiError(400, 'invalid_json', `The request body is not valid JSON: ${(e as Error).message}`);
  }
}

/**
 * Registers one endpoint of the contract: its params, query and body are validated with the
 * contract's schemas before the handler runs, so handlers only ever see valid input.
 */
export function register<P extends z.ZodType | undefined, Q extends z.ZodType | undefined, B extends z.ZodType | undefined, R extends z.ZodType | undefined>(
  app: Hono<AppEnv>,
  e: Endpoint<P, Q, B, R>,
  /** Returns the body, or a whole Response (a stream) for endpoints that are not JSON. */
  handler: (input: Input<P, Q, B>, c: Context<AppEnv>) => Promise<Infer<R> | Response> | Infer<R> | Response,
): void {
  app.on(e.method.toUpperCase(), e.path, async (c) => {
    const params = (e.params ? check(e.params, c.req.param(), 'path') : undefined) as Infer<P>;
    const query = (e.query ? check(e.query, c.req.query(), 'query') : undefined) as Infer<Q>;
    const body = (e.body ? check(e.body, await readJson(c), 'body') : undefined) as Infer<B>;
    const result = await handler({ params, query, body }, c);
    if (result instanceof Response) return result;
    const status = e.status ?? 200;
    if (status === 204) return c.body(null, 204);
    if (e.contentType) return c.body(String(result), status, { 'Content-Type': e.contentType });
    return c.json(result as object, status);
  });
}
