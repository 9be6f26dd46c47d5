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
