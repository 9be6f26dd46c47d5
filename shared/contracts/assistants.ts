import { z } from 'zod';
import { endpoint } from './endpoint';
import { id, idParams, nonEmptyPatch, optionalText, text, timestamp } from './fields';
import { listOf, pageQuerySchema } from './list';

/** The design's ai_provider values ('claude' is Anthropic; 'openai_compatible' is Ollama, LM Studio…). */
export const AI_PROVIDERS = ['openai', 'claude', 'gemini', 'openai_compatible'] as const;
export type AiProviderName = (typeof AI_PROVIDERS)[number];

/** Model names as providers spell them: gpt-4o-mini, claude-sonnet-4-5, models/gemini-2.5-flash, llama3.2:3b, org/model@q4. */
const modelName = text(100, 'model').regex(/^[A-Za-z0-9][\w.:/@+-]*$/, 'model must be a model name such as gpt-4o-mini or llama3.2 (letters, digits and . _ : / @ + -)');

const baseUrl = z
  .string()
  .trim()
  .max(500, 'baseUrl must be at most 500 characters')
  .refine((v) => {
    try {
      const u = new URL(v);
      return (u.protocol === 'http:' || u.protocol === 'https:') && !u.username && !u.password;
    } catch {
      return false;
    }
  }, 'baseUrl must be an http:// or https:// URL without credentials, such as http://127.0.0.1:11434/v1');

/** The write-only key; never sent back. */
const apiKey = z.string().trim().min(8, 'apiKey looks too short').max(500, 'apiKey must be at most 500 characters').regex(/^\S+$/, 'apiKey must not contain spaces');

/** Per-assistant call settings (stored in ai_assistants.settings). */
export const assistantSettingsSchema = z
  .object({
    /** Endpoint of a local server (openai_compatible) or a proxy; null for the provider's own. */
    baseUrl: baseUrl.nullable(),
    temperature: z.number().min(0).max(2),
    maxOutputTokens: z.number().int().min(1).max(200_000),
    /** How long one call may wait for the provider's first answer. */
    timeoutMs: z.number().int().min(1_000).max(600_000),
  })
  .partial()
  .strict();
export type AssistantSettings = z.output<typeof assistantSettingsSchema>;

export const tokenUsageSchema = z.object({ inputTokens: z.number().int(), outputTokens: z.number().int(), totalTokens: z.number().int() });
export type TokenUsageApi = z.output<typeof tokenUsageSchema>;

export const assistantSchema = z.object({
  id,
  name: z.string(),
  description: z.string().nullable(),
  provider: z.enum(AI_PROVIDERS),
  model: z.string(),
  /** Whether a key is stored, and its last four characters; the key itself is never returned. */
  apiKey: z.object({ set: z.boolean(), last4: z.string().nullable(), readable: z.boolean() }),
  settings: assistantSettingsSchema,
  personaId: id.nullable(),
  teamId: id.nullable(),
  isActive: z.boolean(),
  usageCount: z.number().int(),
  lastUsed: timestamp.nullable(),
  /** Tokens used by every call so far. */
  tokenUsage: tokenUsageSchema,
  createdAt: timestamp,
  updatedAt: timestamp,
});
export type Assistant = z.output<typeof assistantSchema>;

export const assistantCreateSchema = z
  .object({
    name: text(100, 'name'),
    description: optionalText(10_000, 'description').optional(),
    provider: z.enum(AI_PROVIDERS, { error: `provider must be one of ${AI_PROVIDERS.join(', ')}` }),
    model: modelName,
    apiKey: apiKey.nullable().optional(),
    settings: assistantSettingsSchema.optional(),
    personaId: id.nullable().optional(),
    teamId: id.nullable().optional(),
    isActive: z.boolean().optional(),
  })
  .strict();
export const assistantUpdateSchema = nonEmptyPatch(assistantCreateSchema);

export const assistantListQuerySchema = pageQuerySchema.extend({
  provider: z.enum(AI_PROVIDERS).optional(),
  teamId: z.coerce.number({ error: 'teamId must be a number' }).int().positive().optional(),
  active: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
});

/** The result of "test connection": the request succeeded even when the provider refused. */
export const assistantTestResultSchema = z.object({
  ok: z.boolean(),
  /** A plain sentence: what worked, or what to fix. */
  message: z.string(),
  /** The provider error kind when ok is false (unauthorized, unreachable, rate_limited…). */
  kind: z.string().nullable(),
  latencyMs: z.number().int(),
  reply: z.string().nullable(),
  usage: tokenUsageSchema.nullable(),
});

export const SKILL_LEVEL_MIN = 1;
export const SKILL_LEVEL_MAX = 10;

export const skillSchema = z.object({
  id,
  assistantId: id,
  skillName: z.string(),
  skillLevel: z.number().int(),
  description: z.string().nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
});
export type Skill = z.output<typeof skillSchema>;

export const skillCreateSchema = z
  .object({
    skillName: text(100, 'skillName'),
    skillLevel: z
      .number({ error: 'skillLevel must be a number' })
      .int('skillLevel must be a whole number')
      .min(SKILL_LEVEL_MIN, `skillLevel must be between ${SKILL_LEVEL_MIN} and ${SKILL_LEVEL_MAX}`)
      .max(SKILL_LEVEL_MAX, `skillLevel must be between ${SKILL_LEVEL_MIN} and ${SKILL_LEVEL_MAX}`),
    description: optionalText(10_000, 'description').optional(),
  })
  .strict();
export const skillUpdateSchema = nonEmptyPatch(skillCreateSchema);

const pathId = (name: string) => z.coerce.number({ error: `${name} must be a number` }).int(`${name} must be a whole number`).positive(`${name} must be positive`).max(Number.MAX_SAFE_INTEGER);
export const skillParams = z.object({ id: pathId('id'), skillId: pathId('skillId') });

export const assistantEndpoints = {
  list: endpoint({ method: 'get', path: '/assistants', tag: 'assistants', summary: 'List AI assistants', query: assistantListQuerySchema, response: listOf(assistantSchema) }),
  get: endpoint({ method: 'get', path: '/assistants/:id', tag: 'assistants', summary: 'Get an AI assistant', params: idParams, response: assistantSchema }),
  create: endpoint({ method: 'post', path: '/assistants', tag: 'assistants', summary: 'Create an AI assistant (the API key is stored encrypted and never returned)', body: assistantCreateSchema, response: assistantSchema, status: 201 }),
  update: endpoint({ method: 'patch', path: '/assistants/:id', tag: 'assistants', summary: 'Change an AI assistant (apiKey: a new key, or null to remove it)', params: idParams, body: assistantUpdateSchema, response: assistantSchema }),
  remove: endpoint({ method: 'delete', path: '/assistants/:id', tag: 'assistants', summary: 'Delete an AI assistant (soft delete)', params: idParams, status: 204 }),
  test: endpoint({ method: 'post', path: '/assistants/:id/test', tag: 'assistants', summary: 'Test the connection with one tiny call; provider failures are reported in the body (ok: false)', params: idParams, response: assistantTestResultSchema }),
  listSkills: endpoint({ method: 'get', path: '/assistants/:id/skills', tag: 'assistants', summary: "List an assistant's skills", params: idParams, response: listOf(skillSchema) }),
  addSkill: endpoint({ method: 'post', path: '/assistants/:id/skills', tag: 'assistants', summary: 'Add a skill (name unique per assistant, level 1–10)', params: idParams, body: skillCreateSchema, response: skillSchema, status: 201 }),
  updateSkill: endpoint({ method: 'patch', path: '/assistants/:id/skills/:skillId', tag: 'assistants', summary: 'Change a skill', params: skillParams, body: skillUpdateSchema, response: skillSchema }),
  removeSkill: endpoint({ method: 'delete', path: '/assistants/:id/skills/:skillId', tag: 'assistants', summary: 'Remove a skill', params: skillParams, status: 204 }),
};
