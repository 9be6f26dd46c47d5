import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { assistantEndpoints, type Assistant, type Skill } from '../../../../shared/contracts/assistants';
import { format, MESSAGES } from '../../../../shared/i18n';
import { defaultModelFactory, mergeSettings, modelConfigOf, readSettings, readTokenUsage, recordUsage, type AssistantRow } from '../../ai/assistants';
import { AiError, aiErrorSentence } from '../../ai/errors';
import { last4, SecretError, type SecretBox } from '../../ai/secrets';
import type { Db } from '../../db/database';
import { pgErrorOf } from '../../db/errors';
import { aiAssistants, assistantSkills, personas, teams } from '../../db/schema';
import type { AppDeps } from '../app';
import { ApiError, conflict, notFound } from '../errors';
import { register, type AppEnv } from '../route';
import { countRows, iso } from './list';
import { preferredLanguage } from './preferences';

type SkillRow = typeof assistantSkills.$inferSelect;

function keyView(row: AssistantRow, secrets: SecretBox | undefined): Assistant['apiKey'] {
  if (!row.apiKeyEncrypted) return { set: false, last4: null, readable: true };
  try {
    if (!secrets) return { set: true, last4: null, readable: false };
    return { set: true, last4: last4(secrets.decrypt(row.apiKeyEncrypted)), readable: true };
  } catch (e) {
    if (e instanceof SecretError) return { set: true, last4: null, readable: false };
    throw e;
  }
}

function toApi(row: AssistantRow, secrets: SecretBox | undefined): Assistant {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    provider: row.aiProvider,
    model: row.model,
    apiKey: keyView(row, secrets),
    settings: readSettings(row.settings),
    personaId: row.personaId,
    teamId: row.teamId,
    isActive: row.isActive,
    usageCount: row.usageCount,
    lastUsed: row.lastUsed ? iso(row.lastUsed) : null,
    tokenUsage: readTokenUsage(row.settings),
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

const skillToApi = (s: SkillRow): Skill => ({
  id: s.id,
  assistantId: s.assistantId,
  skillName: s.skillName,
  skillLevel: s.skillLevel,
  description: s.description,
  createdAt: iso(s.createdAt),
  updatedAt: iso(s.updatedAt),
});

const live = (id: number) => and(eq(aiAssistants.id, id), isNull(aiAssistants.deletedAt));

export async function findAssistant(db: Db, id: number): Promise<AssistantRow> {
  const [row] = await db.select().from(aiAssistants).where(live(id));
  if (!row) throw notFound('Assistant', id);
  return row;
}

async function requireReferences(db: Db, body: { personaId?: number | null; teamId?: number | null }) {
  if (body.personaId !== undefined && body.personaId !== null) {
    const [p] = await db.select({ id: personas.id }).from(personas).where(and(eq(personas.id, body.personaId), isNull(personas.deletedAt)));
    if (!p) throw new ApiError(400, 'unknown_reference', `personaId ${body.personaId} does not exist; list personas with GET /api/v1/personas`);
  }
  if (body.teamId !== undefined && body.teamId !== null) {
    const [t] = await db.select({ id: teams.id }).from(teams).where(and(eq(teams.id, body.teamId), isNull(teams.deletedAt)));
    if (!t) throw new ApiError(400, 'unknown_reference', `teamId ${body.teamId} does not exist; list teams with GET /api/v1/teams`);
  }
}

function requireSecrets(secrets: SecretBox | undefined): SecretBox {
  if (!secrets) throw new ApiError(503, 'secrets_unavailable', 'The daemon cannot store API keys: its secret key is not loaded');
  return secrets;
}

/** The tiny call of "test connection": a few tokens at most. */
const TEST_PROMPT = 'Reply with the single word OK.';

export function assistantRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  const { db } = deps.database;
  const { secrets } = deps;
  const models = deps.models ?? defaultModelFactory(deps.log);

  register(app, assistantEndpoints.list, async ({ query }) => {
    const where = and(
      isNull(aiAssistants.deletedAt),
      query.provider === undefined ? undefined : eq(aiAssistants.aiProvider, query.provider),
      query.teamId === undefined ? undefined : eq(aiAssistants.teamId, query.teamId),
      query.active === undefined ? undefined : eq(aiAssistants.isActive, query.active),
    );
    const rows = await db.select().from(aiAssistants).where(where).orderBy(asc(aiAssistants.id)).limit(query.limit).offset(query.offset);
    return { items: rows.map((r) => toApi(r, secrets)), total: await countRows(db, aiAssistants, where) };
  });

  register(app, assistantEndpoints.get, async ({ params }) => toApi(await findAssistant(db, params.id), secrets));

  register(app, assistantEndpoints.create, async ({ body }) => {
    await requireReferences(db, body);
    const { apiKey, settings, provider, ...rest } = body;
    const [row] = await db
      .insert(aiAssistants)
      .values({
        ...rest,
        aiProvider: provider,
        apiKeyEncrypted: apiKey ? requireSecrets(secrets).encrypt(apiKey) : null,
        settings: mergeSettings({}, settings),
        createdBy: deps.localUserId,
      })
      .returning();
    return toApi(row!, secrets);
  });

  register(app, assistantEndpoints.update, async ({ params, body }) =>
    db.transaction(async (tx) => {
      const [current] = await tx.select().from(aiAssistants).where(live(params.id)).for('update');
      if (!current) throw notFound('Assistant', params.id);
      await requireReferences(tx, body);
      const { apiKey, settings, provider, ...rest } = body;
      const patch: Partial<typeof aiAssistants.$inferInsert> = { ...rest };
      if (provider !== undefined) patch.aiProvider = provider;
      if (apiKey !== undefined) patch.apiKeyEncrypted = apiKey === null ? null : requireSecrets(secrets).encrypt(apiKey);
      if (settings !== undefined) patch.settings = mergeSettings(current.settings, settings);
      const [row] = await tx.update(aiAssistants).set(patch).where(eq(aiAssistants.id, current.id)).returning();
      return toApi(row!, secrets);
    }),
  );

  register(app, assistantEndpoints.remove, async ({ params }) => {
    const [row] = await db.update(aiAssistants).set({ deletedAt: sql`now()` }).where(live(params.id)).returning({ id: aiAssistants.id });
    if (!row) throw notFound('Assistant', params.id);
    return undefined;
  });

  register(app, assistantEndpoints.test, async ({ params }, c) => {
    const row = await findAssistant(db, params.id);
    const language = await preferredLanguage(db, deps.localUserId);
    const started = Date.now();
    const fail = (e: AiError) => ({ ok: false, message: aiErrorSentence(e, language), kind: e.kind, latencyMs: Date.now() - started, reply: null, usage: null });
    let config;
    try {
      config = modelConfigOf(row, secrets);
    } catch (e) {
      if (e instanceof AiError) return fail(e);
      throw e;
    }
    try {
      const r = await models(config).generate({ messages: [{ role: 'user', content: TEST_PROMPT }], maxOutputTokens: 16, temperature: 0, signal: c.req.raw.signal });
      await recordUsage(db, row.id, r.usage);
      const reply = r.text.trim().slice(0, 200);
      const message = format(MESSAGES[language]['ai.test.answered'], { name: row.name, provider: config.provider, model: config.model });
      return { ok: true, message, kind: null, latencyMs: Date.now() - started, reply, usage: r.usage };
    } catch (e) {
      if (!(e instanceof AiError)) throw e;
      if (e.kind !== 'cancelled') await recordUsage(db, row.id, { inputTokens: 0, outputTokens: 0, totalTokens: 0 });
      deps.log('info', 'assistant test failed', { assistantId: row.id, kind: e.kind, status: e.detail.status, cause: e.detail.cause });
      return fail(e);
    }
  });

  register(app, assistantEndpoints.listSkills, async ({ params }) => {
    await findAssistant(db, params.id);
    const rows = await db.select().from(assistantSkills).where(eq(assistantSkills.assistantId, params.id)).orderBy(asc(assistantSkills.id));
    return { items: rows.map(skillToApi), total: rows.length };
  });

  const duplicateSkill = (name: string) => conflict('skill_exists', `The assistant already has a skill named "${name}"`);

  register(app, assistantEndpoints.addSkill, async ({ params, body }) => {
    await findAssistant(db, params.id);
    const [existing] = await db
      .select({ id: assistantSkills.id })
      .from(assistantSkills)
      .where(and(eq(assistantSkills.assistantId, params.id), eq(assistantSkills.skillName, body.skillName)));
    if (existing) throw duplicateSkill(body.skillName);
    const [row] = await db
      .insert(assistantSkills)
      .values({ assistantId: params.id, ...body })
      .returning()
      .catch((e: unknown) => {
        // Two concurrent adds: the unique constraint decides, with the same answer.
        if (pgErrorOf(e)?.code === '23505') throw duplicateSkill(body.skillName);
        throw e;
      });
    return skillToApi(row!);
  });

  register(app, assistantEndpoints.updateSkill, async ({ params, body }) => {
    await findAssistant(db, params.id);
    if (body.skillName !== undefined) {
      const [clash] = await db
        .select({ id: assistantSkills.id })
        .from(assistantSkills)
        .where(and(eq(assistantSkills.assistantId, params.id), eq(assistantSkills.skillName, body.skillName)));
      if (clash && clash.id !== params.skillId) throw duplicateSkill(body.skillName);
    }
    const [row] = await db
      .update(assistantSkills)
      .set(body)
      .where(and(eq(assistantSkills.id, params.skillId), eq(assistantSkills.assistantId, params.id)))
      .returning();
    if (!row) throw notFound('Skill', params.skillId);
    return skillToApi(row);
  });

  register(app, assistantEndpoints.removeSkill, async ({ params }) => {
    await findAssistant(db, params.id);
    const [row] = await db
      .delete(assistantSkills)
      .where(and(eq(assistantSkills.id, params.skillId), eq(assistantSkills.assistantId, params.id)))
      .returning({ id: assistantSkills.id });
    if (!row) throw notFound('Skill', params.skillId);
    return undefined;
  });

  return app;
}
