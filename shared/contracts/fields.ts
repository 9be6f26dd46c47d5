import { z } from 'zod';

/** Field builders shared by the contracts, so limits match the database columns. */
export const text = (max: number, what = 'this field') =>
  z.string().trim().min(1, `${what} must not be empty`).max(max, `${what} must be at most ${max} characters`);

export const optionalText = (max: number, what = 'this field') =>
  z.string().trim().max(max, `${what} must be at most ${max} characters`).nullable();

/** Free JSON objects (jsonb columns). */
export const jsonObject = z.record(z.string(), z.unknown());

/** Timestamps travel as ISO 8601 strings. */
export const timestamp = z.string();

export const id = z.number().int().positive();

/** `{ id }` and `{ id, memberId }` path parameters. */
const pathId = (name: string) =>
  z.coerce.number({ error: `${name} must be a number` }).int(`${name} must be a whole number`).positive(`${name} must be positive`).max(Number.MAX_SAFE_INTEGER);
export const idParams = z.object({ id: pathId('id') });
export const memberParams = z.object({ id: pathId('id'), memberId: pathId('memberId') });

/** Requires at least one key in a PATCH body. */
export function nonEmptyPatch<T extends z.ZodObject>(schema: T) {
  return schema.partial().strict().refine((v) => Object.keys(v).length > 0, 'send at least one field to change');
}
