import * as z from 'zod/mini';
import type { Assistant } from '../../../shared/contracts/assistants';
import type {
  Consensus,
  CurrentTurn,
  Discussion,
  DiscussionAction,
  DiscussionMessage,
  DiscussionMessageType,
  DiscussionParticipant,
  DiscussionPhase,
  DiscussionStatus,
  DiscussionType,
  FlowAction,
  Interruption,
  InterruptionType,
  LiveState,
  MessageKind,
  ParticipantRole,
  ParticipantState,
  PauseReason,
  StopReason,
  DiscussionEvent,
  discussionEndpoints,
} from '../../../shared/contracts/discussions';
import type { ResponseOf } from '../../../shared/contracts/endpoint';
import type { Persona } from '../../../shared/contracts/personas';

/*
 * The plugin's copies of the discussion contract (zod/mini, see schemas.ts for why). Each names the
 * shared type, so a contract change they miss is a compile error; the enum values are listed as
 * records keyed by the shared unions, so a value added there is a compile error here too.
 */

function valuesOf<T extends string>(record: Record<T, true>): T[] {
  return Object.keys(record) as T[];
}

export const DISCUSSION_TYPE_VALUES = valuesOf<DiscussionType>({ collaborative: true, debate: true, brainstorming: true, problem_solving: true });
export const DISCUSSION_STATUS_VALUES = valuesOf<DiscussionStatus>({ active: true, paused: true, completed: true, terminated: true });
export const PARTICIPANT_ROLE_VALUES = valuesOf<ParticipantRole>({ moderator: true, participant: true, observer: true });
export const DISCUSSION_ACTION_VALUES = valuesOf<DiscussionAction>({ pause: true, resume: true, redirect: true, clarify: true, terminate: true });
const MESSAGE_TYPE_VALUES = valuesOf<DiscussionMessageType>({ contribution: true, question: true, answer: true, proposal: true, agreement: true, disagreement: true });
const INTERRUPTION_TYPE_VALUES = valuesOf<InterruptionType>({ pause: true, redirect: true, clarify: true, terminate: true });
const STOP_REASON_VALUES = valuesOf<StopReason>({ consensus: true, round_limit: true, token_budget: true, terminated: true });
const PAUSE_REASON_VALUES = valuesOf<PauseReason>({ user: true, provider_failure: true, restart: true, storage_failure: true });
const MESSAGE_KIND_VALUES = valuesOf<MessageKind>({ opening: true, turn: true, judgement: true, acknowledgement: true, summary: true, review: true });
const PHASE_VALUES = valuesOf<DiscussionPhase>({
  opening: true,
  build: true,
  argue: true,
  diverge: true,
  converge: true,
  define: true,
  options: true,
  evaluate: true,
  decide: true,
  closing: true,
});
const PARTICIPANT_STATE_VALUES = valuesOf<ParticipantState>({ waiting: true, thinking: true, speaking: true });
const FLOW_ACTION_VALUES = valuesOf<FlowAction>({
  opening: true,
  turn: true,
  judgement: true,
  acknowledgement: true,
  summary: true,
  review: true,
  failed: true,
  pause: true,
  resume: true,
  redirect: true,
  clarify: true,
  terminate: true,
  end: true,
});
const PRIORITY_VALUES = valuesOf<Interruption['priority']>({ low: true, medium: true, high: true, urgent: true });

const int = () => z.number().check(z.int());
const timestamp = z.string();

function listSchema<T>(item: z.ZodMiniType<T>): z.ZodMiniType<{ items: T[]; total: number }> {
  return z.object({ items: z.array(item), total: z.number() });
}

const consensusSchema: z.ZodMiniType<Consensus> = z.object({
  progress: z.number(),
  reached: z.boolean(),
  summary: z.string(),
  openPoints: z.array(z.string()),
});

const participantSchema: z.ZodMiniType<DiscussionParticipant> = z.object({
  id: int(),
  discussionId: int(),
  assistantId: int(),
  name: z.string(),
  role: z.enum(PARTICIPANT_ROLE_VALUES),
  stance: z.nullable(z.string()),
  persona: z.nullable(
    z.object({
      id: int(),
      name: z.string(),
      personality: z.string(),
      description: z.nullable(z.string()),
      iconUrl: z.nullable(z.string()),
      imageUrl: z.nullable(z.string()),
    }),
  ),
  contributionCount: int(),
  isActive: z.boolean(),
  joinedAt: timestamp,
  leftAt: z.nullable(timestamp),
});

export const discussionSchema: z.ZodMiniType<Discussion> = z.object({
  id: int(),
  title: z.string(),
  description: z.nullable(z.string()),
  topic: z.string(),
  currentTopic: z.string(),
  type: z.enum(DISCUSSION_TYPE_VALUES),
  status: z.enum(DISCUSSION_STATUS_VALUES),
  stopReason: z.nullable(z.enum(STOP_REASON_VALUES)),
  pause: z.nullable(z.object({ reason: z.enum(PAUSE_REASON_VALUES), message: z.nullable(z.string()), interruptionId: int(), since: timestamp })),
  allowedActions: z.array(z.enum(DISCUSSION_ACTION_VALUES)),
  maxParticipants: int(),
  currentParticipantCount: int(),
  settings: z.object({
    maxRounds: int(),
    tokenBudget: int(),
    language: z.enum(['ja', 'en']),
    consultVault: z.boolean(),
    vaultId: z.nullable(int()),
    observerReview: z.boolean(),
  }),
  round: int(),
  phase: z.enum(PHASE_VALUES),
  tokensUsed: int(),
  contributionCount: int(),
  consensusReached: z.boolean(),
  consensusSummary: z.nullable(z.string()),
  consensus: z.nullable(consensusSchema),
  participants: z.array(participantSchema),
  startedAt: timestamp,
  endedAt: z.nullable(timestamp),
  createdAt: timestamp,
  updatedAt: timestamp,
});

const usageSchema = z.object({ inputTokens: int(), outputTokens: int(), totalTokens: int() });

export const messageSchema: z.ZodMiniType<DiscussionMessage> = z.object({
  id: int(),
  discussionId: int(),
  participantId: int(),
  assistantId: int(),
  kind: z.enum(MESSAGE_KIND_VALUES),
  round: int(),
  phase: z.enum(PHASE_VALUES),
  messageType: z.enum(MESSAGE_TYPE_VALUES),
  content: z.string(),
  reasoning: z.nullable(z.string()),
  confidence: z.nullable(int()),
  references: z.array(z.object({ path: z.string(), title: z.string() })),
  parentMessageId: z.nullable(int()),
  formsConsensus: z.boolean(),
  answersInterruptionId: z.nullable(int()),
  consensus: z.nullable(consensusSchema),
  failure: z.nullable(z.object({ kind: z.enum(['schema', 'provider']), reason: z.string() })),
  usage: z.nullable(usageSchema),
  createdAt: timestamp,
});

export const interruptionSchema: z.ZodMiniType<Interruption> = z.object({
  id: int(),
  discussionId: int(),
  type: z.enum(INTERRUPTION_TYPE_VALUES),
  message: z.string(),
  redirectTopic: z.nullable(z.string()),
  priority: z.enum(PRIORITY_VALUES),
  initiatedBy: z.enum(['user', 'assistant', 'system']),
  initiatorId: z.nullable(int()),
  statusBefore: z.nullable(z.enum(DISCUSSION_STATUS_VALUES)),
  statusAfter: z.nullable(z.enum(DISCUSSION_STATUS_VALUES)),
  resolvedAt: z.nullable(timestamp),
  createdAt: timestamp,
});

const currentTurnSchema: z.ZodMiniType<CurrentTurn> = z.object({
  turnId: z.string(),
  participantId: int(),
  kind: z.enum(MESSAGE_KIND_VALUES),
  round: int(),
  phase: z.enum(PHASE_VALUES),
  attempt: int(),
  text: z.string(),
  startedAt: timestamp,
});

export const liveStateSchema: z.ZodMiniType<LiveState> = z.object({
  discussionId: int(),
  status: z.enum(DISCUSSION_STATUS_VALUES),
  running: z.boolean(),
  currentTopic: z.string(),
  round: int(),
  phase: z.enum(PHASE_VALUES),
  participants: z.array(z.object({ participantId: int(), assistantId: int(), role: z.enum(PARTICIPANT_ROLE_VALUES), state: z.enum(PARTICIPANT_STATE_VALUES) })),
  currentSpeaker: z.nullable(int()),
  currentTurn: z.nullable(currentTurnSchema),
  flow: z.array(
    z.object({
      step: int(),
      action: z.enum(FLOW_ACTION_VALUES),
      participantId: z.nullable(int()),
      messageId: z.nullable(int()),
      round: int(),
      phase: z.enum(PHASE_VALUES),
      at: timestamp,
    }),
  ),
  consensusProgress: z.number(),
  tokensUsed: int(),
  tokenBudget: int(),
  maxRounds: int(),
  pending: z.array(z.object({ interruptionId: int(), type: z.enum(INTERRUPTION_TYPE_VALUES) })),
  lastActivity: timestamp,
  storage: z.nullable(z.object({ reason: z.string(), attempts: int(), since: timestamp, retryAt: timestamp, pausing: z.boolean() })),
});

export const discussionListSchema = listSchema(discussionSchema);
export const messageListSchema = listSchema(messageSchema);
export const interruptionListSchema = listSchema(interruptionSchema);

export type InterruptionResult = ResponseOf<typeof discussionEndpoints.interrupt>;
export const interruptionResultSchema: z.ZodMiniType<InterruptionResult> = z.object({
  discussion: discussionSchema,
  interruption: z.nullable(interruptionSchema),
});

/** The part of the note export the plugin writes (the daemon also sends the data it rendered from). */
export type DiscussionNoteFile = Pick<ResponseOf<typeof discussionEndpoints.note>, 'fileName' | 'markdown'>;
export const discussionNoteFileSchema: z.ZodMiniType<DiscussionNoteFile> = z.object({ fileName: z.string(), markdown: z.string() });

type EventData = { [K in DiscussionEvent['event']]: Extract<DiscussionEvent, { event: K }>['data'] };

/** The events of GET /discussions/:id/events, by name. */
export const discussionEventSchemas: { [K in DiscussionEvent['event']]: z.ZodMiniType<EventData[K]> } = {
  state: z.object({ state: liveStateSchema }),
  turn: z.object({ discussionId: int(), turn: currentTurnSchema }),
  delta: z.object({ discussionId: int(), turnId: z.string(), text: z.string() }),
  message: z.object({ discussionId: int(), message: messageSchema }),
  interruption: z.object({ discussionId: int(), interruption: interruptionSchema }),
  discussion: z.object({ discussion: discussionSchema }),
};

// ---- Assistants and personas, as the new-discussion form shows them -----------------------------

/** The part of an assistant the form reads. */
export type AssistantOption = Pick<Assistant, 'id' | 'name' | 'description' | 'provider' | 'model' | 'personaId' | 'isActive'>;
export const assistantOptionListSchema = listSchema<AssistantOption>(
  z.object({
    id: int(),
    name: z.string(),
    description: z.nullable(z.string()),
    provider: z.enum(['openai', 'claude', 'gemini', 'openai_compatible']),
    model: z.string(),
    personaId: z.nullable(int()),
    isActive: z.boolean(),
  }),
);

/** The part of a persona the pane shows (its icon, and who it is). */
export type PersonaInfo = Pick<Persona, 'id' | 'name' | 'personality' | 'description' | 'iconUrl' | 'imageUrl' | 'iconType' | 'iconMetadata'>;
export const personaInfoListSchema = listSchema<PersonaInfo>(
  z.object({
    id: int(),
    name: z.string(),
    personality: z.string(),
    description: z.nullable(z.string()),
    iconUrl: z.nullable(z.string()),
    imageUrl: z.nullable(z.string()),
    iconType: z.enum(['preset', 'upload', 'ai_generated']),
    iconMetadata: z.record(z.string(), z.unknown()),
  }),
);
