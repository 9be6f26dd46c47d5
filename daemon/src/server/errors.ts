import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ErrorBody } from '../../../shared/contracts/common';
import { databaseUnavailable, pgErrorOf } from '../db/errors';
import type { Log } from '../log';
import { OutageLog } from './outage-log';

/** An error meant for the client: a status, a stable code and a message that says what to fix. */
export class ApiError extends HTTPException {
  constructor(
    status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(status, { message });
    this.name = 'ApiError';
  }
}

export const notFound = (what: string, id?: number | string) =>
  new ApiError(404, 'not_found', id === undefined ? `${what} not found` : `${what} ${id} not found`);

export const conflict = (code: string, message: string, details?: unknown) => new ApiError(409, code, message, details);

export function errorBody(c: Context, code: string, message: string, details?: unknown): ErrorBody {
  const requestId = (c.get('requestId') as string | undefined) ?? 'unknown';
  return { error: { code, message, ...(details === undefined ? {} : { details }), requestId } };
}

/** Seconds a client is asked to wait (Retry-After) before trying again while the database is away. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

export const DATABASE_UNAVAILABLE_MESSAGE = 'The daemon cannot reach its database right now and keeps retrying; try again in a few seconds';

/** Database errors caused by the request (a bad reference, a duplicate) become 4xx, not 500. */
function fromDatabaseError(e: unknown): ApiError | undefined {
  const pg = pgErrorOf(e);
  if (!pg) return undefined;
  switch (pg.code) {
    case '23505':
      return new ApiError(409, 'already_exists', `That already exists${pg.constraint ? ` (${pg.constraint})` : ''}`, pg.detail ? { detail: pg.detail } : undefined);
    case '23503':
      return new ApiError(409, 'reference_conflict', 'That refers to something that does not exist, or is still used by other records', pg.detail ? { detail: pg.detail } : undefined);
    case '23514':
    case '23502':
    case '22001':
    case '22003':
    case '22P02':
      return new ApiError(400, 'invalid_value', `A value was rejected by the database${pg.constraint ? ` (${pg.constraint})` : ''}`, pg.detail ? { detail: pg.detail } : undefined);
    case '22021': // a NUL character in text
    case '22P05': // a \u0000 escape in jsonb
      return new ApiError(400, 'invalid_text', 'A text contains a character the database cannot store (NUL, \\u0000); remove it and send again');
    default:
      return undefined;
  }
}

/**
 * The one error handler: every failure leaves with the same shape and a request id. The database
 * being away is not a fault of the daemon nor of the request: 503 database_unavailable with
 * Retry-After, logged once per outage (outage-log.ts).
 */
export function handleError(log: Log, outages = new OutageLog(log)) {
  return (err: Error, c: Context) => {
    const unavailable = err instanceof HTTPException ? undefined : databaseUnavailable(err);
    if (unavailable) {
      outages.refused(unavailable, { path: c.req.path, requestId: c.get('requestId') as string | undefined });
      c.header('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS));
      return c.json(errorBody(c, 'database_unavailable', DATABASE_UNAVAILABLE_MESSAGE), 503);
    }
    const mapped = err instanceof ApiError ? err : fromDatabaseError(err);
    if (mapped) return c.json(errorBody(c, mapped.code, mapped.message, mapped.details), mapped.status);
    if (err instanceof HTTPException) {
      const status = err.status;
      const code = status === 413 ? 'payload_too_large' : status === 401 ? 'unauthorized' : status === 404 ? 'not_found' : 'bad_request';
      return c.json(errorBody(c, code, err.message || 'Bad request'), status);
    }
    log('error', 'unhandled error', { requestId: c.get('requestId'), path: c.req.path, error: err.stack ?? String(err) });
    return c.json(errorBody(c, 'internal', 'Something went wrong inside the daemon; see its log'), 500);
  };
}
