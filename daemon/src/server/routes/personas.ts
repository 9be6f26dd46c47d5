import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { personaEndpoints, type Persona } from '../../../../shared/contracts/personas';
import type { Db } from '../../db/database';
import { personas, roles } from '../../db/schema';
import type { AppDeps } from '../app';
import { ApiError, notFound } from '../errors';
import { register, type AppEnv } from '../route';
import { countRows, iso } from './list';

type PersonaRow = typeof personas.$inferSelect;

const toApi = (p: PersonaRow): Persona => ({
  id: p.id,
  name: p.name,
  description: p.description,
  personality: p.personality,
  roleId: p.roleId,
  isDefault: p.isDefault,
  iconUrl: p.iconUrl,
  imageUrl: p.imageUrl,
  iconType: p.iconType as Persona['iconType'],
  iconMetadata: (p.iconMetadata ?? {}) as Record<string, unknown>,
  metadata: (p.metadata ?? {}) as Record<string, unknown>,
  createdAt: iso(p.createdAt),
  updatedAt: iso(p.updatedAt),
});

const live = (id: number) => and(eq(personas.id, id), isNull(personas.deletedAt));

async function requireRole(db: Db, roleId: number | null | undefined) {
  if (roleId === null || roleId === undefined) return;
  const [row] = await db.select({ id: roles.id }).from(roles).where(eq(roles.id, roleId));
  if (!row) throw new ApiError(400, 'unknown_reference', `roleId ${roleId} does not exist; list roles with GET /api/v1/roles`);
}

export function personaRoutes({ database }: AppDeps) {
  const app = new Hono<AppEnv>();
  const { db } = database;

  register(app, personaEndpoints.list, async ({ query }) => {
    const where = and(isNull(personas.deletedAt), query.roleId === undefined ? undefined : eq(personas.roleId, query.roleId));
    const rows = await db.select().from(personas).where(where).orderBy(asc(personas.id)).limit(query.limit).offset(query.offset);
    return { items: rows.map(toApi), total: await countRows(db, personas, where) };
  });

  register(app, personaEndpoints.get, async ({ params }) => {
    const [row] = await db.select().from(personas).where(live(params.id));
    if (!row) throw notFound('Persona', params.id);
    return toApi(row);
  });

  register(app, personaEndpoints.create, async ({ body }) => {
    await requireRole(db, body.roleId);
    const [row] = await db.insert(personas).values(body).returning();
    return toApi(row!);
  });

  register(app, personaEndpoints.update, async ({ params, body }) => {
    await requireRole(db, body.roleId);
    const [row] = await db.update(personas).set(body).where(live(params.id)).returning();
    if (!row) throw notFound('Persona', params.id);
    return toApi(row);
  });

  register(app, personaEndpoints.remove, async ({ params }) => {
    const [row] = await db.update(personas).set({ deletedAt: sql`now()` }).where(live(params.id)).returning({ id: personas.id });
    if (!row) throw notFound('Persona', params.id);
    return undefined;
  });
  return app;
}
