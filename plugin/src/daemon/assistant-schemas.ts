import * as z from 'zod/mini';
import type { AiProviderName, Assistant, AssistantSettings, assistantEndpoints } from '../../../shared/contracts/assistants';
import type { ResponseOf } from '../../../shared/contracts/endpoint';
import type { Persona } from '../../../shared/contracts/personas';
import type { Team } from '../../../shared/contracts/teams';

/*
 * The plugin's copies of the assistant, persona and team contracts it reads (zod/mini, see
 * schemas.ts for why). Each names the shared type, so a contract change they miss is a compile error.
 */

/** Keyed by every provider of the contract: a provider added there is a compile error here. */
const PROVIDER_SET: Record<AiProviderName, true> = { openai: true, claude: true, gemini: true, openai_compatible: true };
export const AI_PROVIDER_NAMES = Object.keys(PROVIDER_SET) as AiProviderName[];

/** The part of an assistant the settings read (the daemon sends more). */
export type AssistantView = Pick<Assistant, 'id' | 'name' | 'provider' | 'model' | 'apiKey' | 'personaId' | 'teamId' | 'isActive' | 'usageCount'> & {
  settings: Pick<AssistantSettings, 'baseUrl' | 'timeoutMs'>;
};

export const assistantViewSchema: z.ZodMiniType<AssistantView> = z.object({
  id: z.number(),
  name: z.string(),
  provider: z.enum(AI_PROVIDER_NAMES),
  model: z.string(),
  apiKey: z.object({ set: z.boolean(), last4: z.nullable(z.string()), readable: z.boolean() }),
  settings: z.object({ baseUrl: z.optional(z.nullable(z.string())), timeoutMs: z.optional(z.number()) }),
  personaId: z.nullable(z.number()),
  teamId: z.nullable(z.number()),
  isActive: z.boolean(),
  usageCount: z.number(),
});

export type PersonaOption = Pick<Persona, 'id' | 'name'>;
export const personaOptionSchema: z.ZodMiniType<PersonaOption> = z.object({ id: z.number(), name: z.string() });

export type TeamOption = Pick<Team, 'id' | 'name'>;
const teamOptionSchema: z.ZodMiniType<TeamOption> = z.object({ id: z.number(), name: z.string() });

/** `{ items, total }` of a list endpoint (shared/contracts/list.ts). */
function listSchema<T>(item: z.ZodMiniType<T>): z.ZodMiniType<{ items: T[]; total: number }> {
  return z.object({ items: z.array(item), total: z.number() });
}

export const assistantListSchema = listSchema(assistantViewSchema);
export const personaListSchema = listSchema(personaOptionSchema);
export const teamListSchema = listSchema(teamOptionSchema);

/** What "test connection" answered: `ok: false` is an answer too (the provider refused). */
export type AssistantTestResult = Pick<ResponseOf<typeof assistantEndpoints.test>, 'ok' | 'message' | 'kind' | 'latencyMs' | 'reply'>;
export const assistantTestResultSchema: z.ZodMiniType<AssistantTestResult> = z.object({
  ok: z.boolean(),
  message: z.string(),
  kind: z.nullable(z.string()),
  latencyMs: z.number(),
  reply: z.nullable(z.string()),
});

/** A 204 answer (no body). */
export const noContentSchema = z.undefined();
