import { asc, eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { roleEndpoints, type Role } from '../../../../shared/contracts/roles';
import { roles } from '../../db/schema';
import type { AppDeps } from '../app';
import { conflict, notFound } from '../errors';
import { register, type AppEnv } from '../route';
import { countRows, iso } from './list';

type RoleRow = typeof roles.$inferSelect;

const toApi = (r: RoleRow): Role => ({
  id: r.id,
  name: r.name,
  description: r.description,
  category: r.category,
  subcategory: r.subcategory,
  permissions: (r.permissions ?? {}) as Record<string, boolean>,
  isSystem: r.isSystem,
  createdAt: iso(r.createdAt),
  updatedAt: iso(r.updatedAt),
});

export function roleRoutes({ database }: AppDeps) {
  const app = new Hono<AppEnv>();
  const { db } = database;

  const find = async (id: number) => {
    const [row] = await db.select().from(roles).where(eq(roles.id, id));
    if (!row) throw notFound('Role', id);
    return row;
  };
  const refuseSystem = (row: RoleRow) => {
    if (row.isSystem) throw conflict('system_role', `Role "${row.name}" is a system role and cannot be changed or deleted`);
  };

  register(app, roleEndpoints.list, async ({ query }) => {
    const rows = await db.select().from(roles).orderBy(asc(roles.id)).limit(query.limit).offset(query.offset);
    return { items: rows.map(toApi), total: await countRows(db, roles) };
  });

  register(app, roleEndpoints.get, async ({ params }) => toApi(await find(params.id)));

  register(app, roleEndpoints.create, async ({ body }) => {
    const [row] = await db.insert(roles).values({ ...body, isSystem: false }).returning();
    return toApi(row!);
  });

  register(app, roleEndpoints.update, async ({ params, body }) => {
    refuseSystem(await find(params.id));
    const [row] = await db.update(roles).set(body).where(eq(roles.id, params.id)).returning();
    if (!row) throw notFound('Role', params.id);
    return toApi(row);
  });

  register(app, roleEndpoints.remove, async ({ params }) => {
    refuseSystem(await find(params.id));
    await db.delete(roles).where(eq(roles.id, params.id));
    return undefined;
  });
  return app;
}
