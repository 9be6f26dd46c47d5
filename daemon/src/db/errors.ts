/**
 * PostgreSQL errors, the same way on both drivers.
 *
 * drizzle wraps driver errors in DrizzleQueryError with the driver's error as `.cause`: a pg
 * DatabaseError (node-postgres) or a PGlite DatabaseError. The classes differ; the fields
 * (code = SQLSTATE, constraint, detail, table, column) are the same. Branch on `code`.
 */
export interface PgErrorInfo {
  code: string;
  constraint?: string;
  detail?: string;
  table?: string;
  column?: string;
}

/** SQLSTATE codes the daemon handles. */
export const PgErrorCode = {
  uniqueViolation: '23505',
  foreignKeyViolation: '23503',
  checkViolation: '23514',
  notNullViolation: '23502',
  invalidTextRepresentation: '22P02',
  undefinedTable: '42P01',
} as const;

const SQLSTATE = /^[0-9A-Z]{5}$/;

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

export function pgErrorOf(e: unknown): PgErrorInfo | undefined {
  let cur: unknown = e;
  for (let depth = 0; depth < 8 && cur !== null && typeof cur === 'object'; depth++) {
    const o = cur as Record<string, unknown>;
    const code = o.code;
    if (typeof code === 'string' && SQLSTATE.test(code)) {
      const info: PgErrorInfo = { code };
      const constraint = str(o.constraint);
      const detail = str(o.detail);
      const table = str(o.table);
      const column = str(o.column);
      if (constraint) info.constraint = constraint;
      if (detail) info.detail = detail;
      if (table) info.table = table;
      if (column) info.column = column;
      return info;
    }
    cur = o.cause;
  }
  return undefined;
}

export function isUniqueViolation(e: unknown, constraint?: string): boolean {
  const info = pgErrorOf(e);
  return info?.code === PgErrorCode.uniqueViolation && (constraint === undefined || info.constraint === constraint);
}

/**
 * SQLSTATEs that say the database cannot serve this connection, not that it refused the query:
 * class 08 (connection exception), class 28 (the server refuses the daemon's login: its role
 * disabled or its password changed while the daemon runs), 53300 (too many connections),
 * 57P01/57P02 (the server terminated the connection: an administrator, a crash of another backend),
 * 57P03 (starting up or shutting down), 57P05 (an idle session ended by the server).
 */
const UNAVAILABLE_CLASSES = new Set(['08', '28']);
const UNAVAILABLE_CODES = new Set(['53300', '57P01', '57P02', '57P03', '57P05']);

/** Socket errors of the connection to a server: nothing listens, the network drops it. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * The drivers' own errors that carry no code: node-postgres and pg-pool losing or failing to open a
 * connection (the pool ended at shutdown too), PGlite closed or closing. Matched at the start only,
 * as the drivers word them.
 */
const DRIVER_MESSAGE =
  /^(Connection terminated|timeout exceeded when trying to connect|timeout expired|Client has encountered a connection error and is not queryable|Client was closed and is not queryable|Cannot use a pool after calling end on the pool|PGlite is closed|PGlite is closing)/;

export interface UnavailableInfo {
  /** The SQLSTATE or socket error code, when the error has one. */
  code?: string;
  /** The driver's message (never the query or its parameters). */
  message: string;
}

/**
 * Why the database cannot be reached, when `e` says so; undefined for any other error (one the
 * database answered with, or not the database's at all). The one test of "the database is away",
 * whatever the driver: the HTTP error handler answers 503 with it.
 *
 * Follows `cause` (drizzle's DrizzleQueryError wraps the driver's error) and an AggregateError's
 * `errors` (a host name with several addresses). A SQLSTATE decides as soon as one is found: the
 * server answered. Socket codes are taken as the database's: the daemon's other network clients
 * never let theirs out raw (a provider's failure becomes an AiError, the cache degrades instead).
 */
export function databaseUnavailable(e: unknown): UnavailableInfo | undefined {
  const queue: unknown[] = [e];
  for (let seen = 0; seen < 16 && queue.length > 0; seen++) {
    const cur = queue.shift();
    if (cur === null || typeof cur !== 'object') continue;
    const o = cur as Record<string, unknown>;
    const message = typeof o.message === 'string' ? o.message : '';
    const code = typeof o.code === 'string' ? o.code : undefined;
    // Before the SQLSTATE test: EPIPE has the shape of one.
    if (code !== undefined && NETWORK_CODES.has(code)) return { code, message };
    if (code !== undefined && SQLSTATE.test(code)) {
      return UNAVAILABLE_CLASSES.has(code.slice(0, 2)) || UNAVAILABLE_CODES.has(code) ? { code, message } : undefined;
    }
    if (DRIVER_MESSAGE.test(message)) return { message };
    queue.push(o.cause);
    if (Array.isArray(o.errors)) queue.push(...(o.errors as unknown[]));
  }
  return undefined;
}
