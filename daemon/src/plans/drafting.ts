/**
 * An assistant drafts a plan (issue 6 item 7) from the person's prompt or from a discussion's
 * consensus. The model is asked for `planDraftShape` (the JSON shape, each field checked on its
 * own); its answer is then checked with the shared `planContentSchema` (lengths, dates in order,
 * milestones within the span, unique names). An answer that breaks one of those rules is sent back
 * once with the list of problems; a second bad answer is refused with 422 and nothing is stored. (An
 * answer that does not fit the shape itself — wrong JSON, a negative cost, a malformed date — was
 * already retried once by the provider layer, see ai/sdk-model.ts, and is refused at once.) A good
 * draft is stored as `submitted`, snapshotted as its first version, and announced with a notification.
 */
import { and, eq, isNull } from 'drizzle-orm';
import type { z } from 'zod';
import type { planDraftRequestSchema } from '../../../shared/contracts/plans';
import { format, MESSAGES, type Language } from '../../../shared/i18n';
import { planContentSchema, planDraftShape, type PlanContent } from '../../../shared/plans/schemas';
import { modelConfigOf, recordUsage, type AssistantModelConfig, type ModelFactory } from '../ai/assistants';
import { AiError, aiErrorSentence } from '../ai/errors';
import { systemPrompt } from '../ai/prompt';
import type { ChatMessage } from '../ai/provider';
import type { SecretBox } from '../ai/secrets';
import type { CacheStore } from '../cache/store';
import type { Db } from '../db/drivers';
import { aiDiscussions } from '../db/schema';
import type { Log } from '../log';
import { ApiError, conflict, notFound } from '../server/errors';
import { personaParts } from '../server/routes/conversations';
import { preferredLanguage } from '../server/routes/preferences';
import { notify } from './notifications';
import { createSubmittedPlan, resolveAssistant } from './store';

export interface DraftDeps {
  db: Db;
  cache: CacheStore;
  models: ModelFactory;
  secrets?: SecretBox;
  log: Log;
  localUserId: number;
}

type DraftRequest = z.output<typeof planDraftRequestSchema>;

function instructions(today: string): string {
  return [
    'Draft a plan the user can approve, as one JSON object with the fields requested.',
    `Today is ${today}. Write every date as YYYY-MM-DD. startDate must not be after endDate, and every milestone date must lie between them.`,
    'Milestone names must be distinct; so must the names of people and of cost items.',
    'Cost amounts are non-negative numbers in one ISO 4217 currency (such as "JPY" or "USD"); use null for cost when there is no estimate.',
    'Keep the title under 200 characters. Success criteria are short, checkable statements.',
    'Write the plan in the same language as the request.',
  ].join('\n');
}

/** What to plan: the prompt, or the discussion's topic and consensus. */
async function sourceText(db: Db, request: DraftRequest): Promise<{ text: string; origin: string }> {
  if (request.prompt !== undefined) return { text: request.prompt, origin: 'a prompt' };
  const id = request.discussionId!;
  const [d] = await db
    .select({ topic: aiDiscussions.topic, consensusSummary: aiDiscussions.consensusSummary })
    .from(aiDiscussions)
    .where(and(eq(aiDiscussions.id, id), isNull(aiDiscussions.deletedAt)));
  if (!d) throw notFound('Discussion', id);
  if (!d.consensusSummary?.trim()) {
    throw conflict('no_consensus', `Discussion ${id} ("${d.topic}") has no consensus summary yet; draft from a prompt, or wait until the discussion reaches consensus`);
  }
  return {
    text: `Turn the consensus of this discussion into a plan.\n\nTopic: ${d.topic}\n\nConsensus:\n${d.consensusSummary}`,
    origin: `discussion ${id}`,
  };
}

function summarizeIssues(issues: z.core.$ZodIssue[]): string[] {
  return issues.slice(0, 10).map((i) => `${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}`);
}

/** A failed model call as an HTTP error, its sentence in the person's language. */
function aiFailure(e: AiError, language: Language): ApiError {
  const sentence = aiErrorSentence(e, language);
  if (e.kind === 'not_configured') return conflict('assistant_not_configured', sentence);
  if (e.kind === 'schema_mismatch') return new ApiError(422, 'draft_invalid', format(MESSAGES[language]['ai.plan.schema-mismatch'], { sentence }));
  if (e.kind === 'timeout') return new ApiError(504, 'ai_timeout', sentence);
  if (e.kind === 'rate_limited') return new ApiError(429, 'ai_rate_limited', sentence);
  return new ApiError(502, `ai_${e.kind}`, sentence);
}

/** Asks the model, at most twice, for a plan that passes the shared schemas. */
async function askForPlan(deps: DraftDeps, config: AssistantModelConfig, system: string, request: string, language: Language): Promise<PlanContent> {
  const model = deps.models(config);
  const messages: ChatMessage[] = [{ role: 'user', content: request }];
  let problems: string[] = [];
  for (let attempt = 1; attempt <= 2; attempt++) {
    let answer: unknown;
    try {
      const result = await model.generateObject(
        { system, messages, temperature: config.settings.temperature, maxOutputTokens: config.settings.maxOutputTokens },
        planDraftShape,
        { name: 'plan', description: 'A plan with its timeline, resources, risks and success criteria' },
      );
      await recordUsage(deps.db, config.assistantId, result.usage);
      answer = result.object;
    } catch (e) {
      if (e instanceof AiError) throw aiFailure(e, language);
      throw e;
    }
    const checked = planContentSchema.safeParse(answer);
    if (checked.success) return checked.data;
    problems = summarizeIssues(checked.error.issues);
    deps.log('warn', 'plan draft broke the plan rules', { assistantId: config.assistantId, attempt, problems });
    messages.push(
      { role: 'assistant', content: JSON.stringify(answer) },
      { role: 'user', content: `That plan breaks these rules:\n- ${problems.join('\n- ')}\nSend the whole plan again, corrected.` },
    );
  }
  throw new ApiError(422, 'draft_invalid', format(MESSAGES[language]['ai.plan.broke-rules'], { problems: problems.join('; ') }), { problems });
}

/** Drafts, stores (submitted) and announces a plan; returns its id. */
export async function draftPlan(deps: DraftDeps, request: DraftRequest): Promise<number> {
  const { db } = deps;
  const assistant = await resolveAssistant(db, request.assistantId);
  const language = await preferredLanguage(db, deps.localUserId);
  let config: AssistantModelConfig;
  try {
    config = modelConfigOf(assistant, deps.secrets);
  } catch (e) {
    if (e instanceof AiError) throw aiFailure(e, language);
    throw e;
  }
  const source = await sourceText(db, request);
  const system = `${systemPrompt(await personaParts(db, assistant), source.text, language)}\n${instructions(new Date().toISOString().slice(0, 10))}`;

  const content = await askForPlan(deps, config, system, source.text, language);
  const planId = await createSubmittedPlan(db, content, assistant.id, `Drafted by ${assistant.name} from ${source.origin}`);
  const message = format(MESSAGES[language]['plans.notification.drafted'], { assistant: assistant.name, title: content.title });
  await notify(deps.cache, deps.localUserId, { type: 'plan_drafted', message, planId });
  return planId;
}
