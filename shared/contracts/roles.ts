import { z } from 'zod';
import { endpoint } from './endpoint';
import { id, idParams, nonEmptyPatch, optionalText, text, timestamp } from './fields';

/** What a role may do, e.g. { "read": true, "write": true }. */
const permissionsSchema = z.record(z.string().min(1).max(100), z.boolean());
import { listOf, pageQuerySchema } from './list';

export const roleSchema = z.object({
  id,
  name: z.string(),
  description: z.string().nullable(),
  category: z.string(),
  subcategory: z.string().nullable(),
  permissions: permissionsSchema,
  isSystem: z.boolean(),
  createdAt: timestamp,
  updatedAt: timestamp,
});
export type Role = z.output<typeof roleSchema>;

export const roleCreateSchema = z
  .object({
    name: text(100, 'name'),
    description: optionalText(10_000, 'description').optional(),
    category: text(50, 'category'),
    subcategory: optionalText(50, 'subcategory').optional(),
    permissions: permissionsSchema.optional(),
  })
  .strict();
export const roleUpdateSchema = nonEmptyPatch(roleCreateSchema);

export const roleEndpoints = {
  list: endpoint({ method: 'get', path: '/roles', tag: 'roles', summary: 'List roles', query: pageQuerySchema, response: listOf(roleSchema) }),
  get: endpoint({ method: 'get', path: '/roles/:id', tag: 'roles', summary: 'Get a role', params: idParams, response: roleSchema }),
  create: endpoint({ method: 'post', path: '/roles', tag: 'roles', summary: 'Create a role', body: roleCreateSchema, response: roleSchema, status: 201 }),
  update: endpoint({ method: 'patch', path: '/roles/:id', tag: 'roles', summary: 'Change a role (system roles cannot change)', params: idParams, body: roleUpdateSchema, response: roleSchema }),
  remove: endpoint({ method: 'delete', path: '/roles/:id', tag: 'roles', summary: 'Delete a role (system roles and roles in use cannot be deleted)', params: idParams, status: 204 }),
};
