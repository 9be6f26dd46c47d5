import { z } from 'zod';
import { endpoint } from './endpoint';
import { id, idParams, jsonObject, nonEmptyPatch, optionalText, text, timestamp } from './fields';
import { listOf, pageQuerySchema } from './list';

export const ICON_TYPES = ['preset', 'upload', 'ai_generated'] as const;

export const personaSchema = z.object({
  id,
  name: z.string(),
  description: z.string().nullable(),
  personality: z.string(),
  roleId: id.nullable(),
  isDefault: z.boolean(),
  iconUrl: z.string().nullable(),
  imageUrl: z.string().nullable(),
  iconType: z.enum(ICON_TYPES),
  iconMetadata: jsonObject,
  metadata: jsonObject,
  createdAt: timestamp,
  updatedAt: timestamp,
});
export type Persona = z.output<typeof personaSchema>;

export const personaCreateSchema = z
  .object({
    name: text(100, 'name'),
    description: optionalText(10_000, 'description').optional(),
    personality: text(20_000, 'personality'),
    roleId: id.nullable().optional(),
    isDefault: z.boolean().optional(),
    iconUrl: optionalText(500, 'iconUrl').optional(),
    imageUrl: optionalText(500, 'imageUrl').optional(),
    iconType: z.enum(ICON_TYPES).optional(),
    iconMetadata: jsonObject.optional(),
    metadata: jsonObject.optional(),
  })
  .strict();
export const personaUpdateSchema = nonEmptyPatch(personaCreateSchema);

export const personaListQuerySchema = pageQuerySchema.extend({
  roleId: z.coerce.number({ error: 'roleId must be a number' }).int().positive().optional(),
});

export const personaEndpoints = {
  list: endpoint({ method: 'get', path: '/personas', tag: 'personas', summary: 'List personas', query: personaListQuerySchema, response: listOf(personaSchema) }),
  get: endpoint({ method: 'get', path: '/personas/:id', tag: 'personas', summary: 'Get a persona', params: idParams, response: personaSchema }),
  create: endpoint({ method: 'post', path: '/personas', tag: 'personas', summary: 'Create a persona', body: personaCreateSchema, response: personaSchema, status: 201 }),
  update: endpoint({ method: 'patch', path: '/personas/:id', tag: 'personas', summary: 'Change a persona', params: idParams, body: personaUpdateSchema, response: personaSchema }),
  remove: endpoint({ method: 'delete', path: '/personas/:id', tag: 'personas', summary: 'Delete a persona (soft delete)', params: idParams, status: 204 }),
};
