import type { z } from 'zod';

/**
 * One HTTP endpoint of the API, described once: the daemon validates requests with these
 * schemas, the OpenAPI document is generated from them, and the plugin imports their types.
 * Paths are Hono-style (`/roles/:id`), relative to `/api/v1`.
 */
export interface Endpoint<
  P extends z.ZodType | undefined = z.ZodType | undefined,
  Q extends z.ZodType | undefined = z.ZodType | undefined,
  B extends z.ZodType | undefined = z.ZodType | undefined,
  R extends z.ZodType | undefined = z.ZodType | undefined,
> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  summary: string;
  tag: string;
  params?: P;
  query?: Q;
  body?: B;
  /** The success body; undefined for 204. */
  response?: R;
  /** 200 unless stated. */
  status?: 200 | 201 | 204;
  /** The success body's media type when it is not JSON (the handler then returns the body as a string). */
  contentType?: string;
  /** Every endpoint needs the bearer token unless this is false. */
  auth?: boolean;
}

export type Infer<T> = T extends z.ZodType ? z.output<T> : undefined;
export type InferInput<T> = T extends z.ZodType ? z.input<T> : undefined;

/** Keeps the literal schema types of an endpoint while checking its shape. */
export function endpoint<
  P extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
  R extends z.ZodType | undefined = undefined,
>(e: Endpoint<P, Q, B, R>): Endpoint<P, Q, B, R> {
  return e;
}

export type ResponseOf<E> = E extends Endpoint<infer _P, infer _Q, infer _B, infer R> ? Infer<R> : never;
export type BodyOf<E> = E extends Endpoint<infer _P, infer _Q, infer B, infer _R> ? InferInput<B> : never;
