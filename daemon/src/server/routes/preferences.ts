import { eq } from 'drizzle-orm';
import { Hono } from 'hono';
import {
  DEFAULT_PREFERENCES,
  preferenceEndpoints,
  preferencesSchema,
  type Preferences,
  type PreferencesPatch,
} from '../../../../shared/contracts/preferences';
import type { Language } from '../../../../shared/i18n';
import type { Db } from '../../db/database';
import { users } from '../../db/schema';
import type { AppDeps } from '../app';
import { notFound } from '../errors';
import { register, type AppEnv } from '../route';

type Section = keyof Preferences;

/**
 * Reads stored preferences leniently: each section that no longer validates (an older
 * format, a hand edit) falls back to its default instead of failing the whole read.
 */
export function resolvePreferences(stored: unknown): Preferences {
  const source = stored && typeof stored === 'object' && !Array.isArray(stored) ? (stored as Record<string, unknown>) : {};
  const result = { ...DEFAULT_PREFERENCES } as Record<Section, unknown>;
  for (const key of Object.keys(DEFAULT_PREFERENCES) as Section[]) {
    const fallback = DEFAULT_PREFERENCES[key];
    const value = source[key];
    if (value === undefined) continue;
    const candidate =
      typeof fallback === 'object' && fallback !== null && value && typeof value === 'object' && !Array.isArray(value)
        ? { ...fallback, ...value }
        : value;
    const parsed = preferencesSchema.shape[key].safeParse(candidate);
    if (parsed.success) result[key] = parsed.data;
  }
  return result as Preferences;
}

/** The language the person reads Hisho in (their preference now), for sentences stored or sent to them. */
export async function preferredLanguage(db: Db, userId: number): Promise<Language> {
  const [u] = await db.select({ preferences: users.preferences }).from(users).where(eq(users.id, userId));
  return resolvePreferences(u?.preferences).language;
}

export function applyPatch(current: Preferences, patch: PreferencesPatch): Preferences {
  const next = { ...current } as Record<Section, unknown>;
  for (const [key, value] of Object.entries(patch) as [Section, unknown][]) {
    const base = current[key];
    next[key] = typeof base === 'object' && base !== null ? { ...base, ...(value as object) } : value;
  }
  return preferencesSchema.parse(next);
}

export function preferenceRoutes({ database, localUserId }: AppDeps) {
  const app = new Hono<AppEnv>();
  const { db } = database;

  register(app, preferenceEndpoints.get, async () => {
    const [row] = await db.select({ preferences: users.preferences }).from(users).where(eq(users.id, localUserId));
    if (!row) throw notFound('Local user');
    return resolvePreferences(row.preferences);
  });

  register(app, preferenceEndpoints.update, async ({ body }) =>
    db.transaction(async (tx) => {
      const [row] = await tx.select({ preferences: users.preferences }).from(users).where(eq(users.id, localUserId)).for('update');
      if (!row) throw notFound('Local user');
      const next = applyPatch(resolvePreferences(row.preferences), body);
      await tx.update(users).set({ preferences: next }).where(eq(users.id, localUserId));
      return next;
    }),
  );
  return app;
}
