/**
 * From an ai_assistants row to a ChatModel, and the bookkeeping after each call.
 *
 * Where things live in the row:
 * - `api_key_encrypted`: the key, `v1:…` ciphertext (secrets.ts); null when none is set.
 * - `settings`: the call settings of the API (`baseUrl`, `temperature`, `maxOutputTokens`,
 *   `timeoutMs`) and, under `settings.usage`, the cumulative tokens of every call
 *   (`inputTokens`, `outputTokens`, `totalTokens`), which the API shows as `tokenUsage` and never
 *   lets a client write.
 * - `usage_count` / `last_used`: one more and now, on every call that reached the provider.
 */
import { eq, sql } from 'drizzle-orm';
import { assistantSettingsSchema, type AssistantSettings } from '../../../shared/contracts/assistants';
import type { Db } from '../db/database';
import { aiAssistants } from '../db/schema';
import type { Log } from '../log';
import { AiError } from './errors';
import type { ChatModel, TokenUsage } from './provider';
import { SecretError, type SecretBox } from './secrets';
import { createChatModel, PROVIDER_NAMES, type ProviderConfig } from './sdk-model';

export type AssistantRow = typeof aiAssistants.$inferSelect;

export interface AssistantModelConfig extends ProviderConfig {
  assistantId: number;
  settings: AssistantSettings;
}

/** Builds the model for an assistant; the app's default is the real providers, tests inject a scripted fake. */
export type ModelFactory = (config: AssistantModelConfig) => ChatModel;

export function defaultModelFactory(log: Log): ModelFactory {
  return (config) =>
    createChatModel(config, {
      policy: config.settings.timeoutMs ? { timeoutMs: config.settings.timeoutMs } : undefined,
      onRetry: (r) => log('warn', 'model call retried', { assistantId: config.assistantId, ...r }),
    });
}

/** The API's settings from the stored jsonb (unknown keys and `usage` left out, bad values dropped). */
export function readSettings(stored: unknown): AssistantSettings {
  const source = stored && typeof stored === 'object' && !Array.isArray(stored) ? (stored as Record<string, unknown>) : {};
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(assistantSettingsSchema.shape) as Array<keyof AssistantSettings>) {
    if (source[key] === undefined) continue;
    const parsed = assistantSettingsSchema.shape[key].safeParse(source[key]);
    if (parsed.success) out[key] = parsed.data;
  }
  return out as AssistantSettings;
}

export function readTokenUsage(stored: unknown): TokenUsage {
  const usage = (stored as { usage?: Record<string, unknown> } | null)?.usage ?? {};
  const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : Number(v) || 0);
  return { inputTokens: n(usage.inputTokens), outputTokens: n(usage.outputTokens), totalTokens: n(usage.totalTokens) };
}

/** The stored settings after a patch: given keys replace, null baseUrl clears it, usage is kept. */
export function mergeSettings(stored: unknown, patch: AssistantSettings | undefined): Record<string, unknown> {
  const current = stored && typeof stored === 'object' && !Array.isArray(stored) ? { ...(stored as Record<string, unknown>) } : {};
  if (!patch) return current;
  for (const [key, value] of Object.entries(patch)) {
    if (value === null || value === undefined) delete current[key];
    else current[key] = value;
  }
  return current;
}

/** What the model needs from the row: the provider, the model, the decrypted key and the settings. */
export function modelConfigOf(row: AssistantRow, secrets: SecretBox | undefined): AssistantModelConfig {
  const settings = readSettings(row.settings);
  let apiKey: string | undefined;
  if (row.apiKeyEncrypted) {
    if (!secrets) throw new AiError({ kind: 'not_configured', problem: 'no_secret_key' });
    try {
      apiKey = secrets.decrypt(row.apiKeyEncrypted);
    } catch (e) {
      if (e instanceof SecretError) throw new AiError({ kind: 'not_configured', problem: 'key_unreadable', name: row.name });
      throw e;
    }
  } else if (row.aiProvider !== 'openai_compatible') {
    throw new AiError({ kind: 'not_configured', problem: 'key_missing', who: PROVIDER_NAMES[row.aiProvider], name: row.name });
  }
  return { assistantId: row.id, provider: row.aiProvider, model: row.model, apiKey, baseUrl: settings.baseUrl ?? undefined, settings };
}

/** One more call, now, and its tokens added to the running totals. */
export async function recordUsage(db: Db, assistantId: number, usage: TokenUsage): Promise<void> {
  const add = (field: keyof TokenUsage) =>
    sql`coalesce((${aiAssistants.settings} #>> ${sql.raw(`'{usage,${field}}'`)})::bigint, 0) + ${sql.raw(String(Math.max(0, Math.round(usage[field]))))}`; // field from a fixed list, count a number
  await db
    .update(aiAssistants)
    .set({
      usageCount: sql`${aiAssistants.usageCount} + 1`,
      lastUsed: sql`now()`,
      settings: sql`jsonb_set(${aiAssistants.settings}, '{usage}', jsonb_build_object('inputTokens', ${add('inputTokens')}, 'outputTokens', ${add('outputTokens')}, 'totalTokens', ${add('totalTokens')}))`,
    })
    .where(eq(aiAssistants.id, assistantId));
}
