import { z } from 'zod';
import type { Endpoint } from '../../../shared/contracts/endpoint';
import { errorBodySchema } from '../../../shared/contracts/common';
import { API_ENDPOINTS, API_PREFIX } from '../../../shared/contracts';

type JsonSchema = Record<string, unknown>;

function toSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'openapi-3.0' }) as JsonSchema;
  return rest;
}

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query'): JsonSchema[] {
  if (!schema) return [];
  const json = toSchema(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    schema: s,
  }));
}

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });

function operation(e: Endpoint): JsonSchema {
  const status = String(e.status ?? 200);
  const responses: JsonSchema = {
    [status]:
      e.response === undefined
        ? { description: 'Done' }
        : { description: 'OK', content: { [e.contentType ?? 'application/json']: { schema: toSchema(e.response, 'output') } } },
    '400': errorResponse('Invalid input: the message says what to fix'),
    '500': errorResponse('Unexpected failure inside the daemon'),
  };
  if (e.auth !== false) {
    responses['401'] = errorResponse('Missing or wrong bearer token');
    // The public health route reports the database's state instead of failing with it.
    responses['503'] = errorResponse('The daemon cannot reach its database (database_unavailable); send again after Retry-After seconds');
  }
  if (e.params) responses['404'] = errorResponse('Not found');
  if (e.method !== 'get') responses['409'] = errorResponse('Conflicts with the current state');
  return {
    tags: [e.tag],
    summary: e.summary,
    ...(e.auth === false ? { security: [] } : {}),
    parameters: [...parameters(e.params, 'path'), ...parameters(e.query, 'query')],
    ...(e.body ? { requestBody: { required: true, content: { 'application/json': { schema: toSchema(e.body, 'input') } } } } : {}),
    responses,
  };
}

/** The OpenAPI 3 document, generated from the same zod contracts the routes validate with. */
export function buildOpenApi(version: string): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const group of Object.values(API_ENDPOINTS)) {
    for (const e of Object.values(group)) {
      const path = e.path.replace(/:(\w+)/g, '{$1}');
      (paths[path] ??= {})[e.method] = operation(e);
    }
  }
  return {
    openapi: '3.0.3',
    info: { title: 'Hisho daemon API', version, description: 'Local API of the Hisho daemon (127.0.0.1 only).' },
    servers: [{ url: API_PREFIX }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: { Error: toSchema(errorBodySchema, 'output') },
    },
    paths,
  };
}
