import { z } from 'zod';
import { tokenUsageSchema } from './assistants';
import { endpoint } from './endpoint';
import { id, idParams, optionalText, text, timestamp } from './fields';
import { listOf, pageQuerySchema } from './list';
import { PRIORITIES } from './preferences';

/**
 * AI discussions (協議, design §3.7): several assistants with personas discuss a topic in rounds,
 * the moderator judges consensus after each round, and the user steers (pause, resume, redirect,
 * clarify, terminate). How the engine runs is described in docs/discussions.md.
 */

export const DISCUSSION_TYPES = ['collaborative', 'debate', 'brainstorming', 'problem_solving'] as const;
export type DiscussionType = (typeof DISCUSSION_TYPES)[number];
/** `active` runs (or waits for its runner), `paused` waits for resume; `completed`/`terminated` end (endedAt set once the closing steps are done). */
export const DISCUSSION_STATUSES = ['active', 'paused', 'completed', 'terminated'] as const;
export type DiscussionStatus = (typeof DISCUSSION_STATUSES)[number];
export const PARTICIPANT_ROLES = ['moderator', 'participant', 'observer'] as const;
export type ParticipantRole = (typeof PARTICIPANT_ROLES)[number];
export const DISCUSSION_MESSAGE_TYPES = ['contribution', 'question', 'answer', 'proposal', 'agreement', 'disagreement'] as const;
export type DiscussionMessageType = (typeof DISCUSSION_MESSAGE_TYPES)[number];
/**
 * What the user can do to a discussion; `resume` ends a pause (it is recorded on the pause's row),
 * or starts the runner again of a discussion that should run but has none (it stopped on an error).
 */
export const DISCUSSION_ACTIONS = ['pause', 'resume', 'redirect', 'clarify', 'terminate'] as const;
export type DiscussionAction = (typeof DISCUSSION_ACTIONS)[number];
/** The rows of discussion_interruptions (resume is not one: it resolves the open pause). */
export const INTERRUPTION_TYPES = ['pause', 'redirect', 'clarify', 'terminate'] as const;
export type InterruptionType = (typeof INTERRUPTION_TYPES)[number];
/** Why a discussion ended. */
export const STOP_REASONS = ['consensus', 'round_limit', 'token_budget', 'terminated'] as const;
export type StopReason = (typeof STOP_REASONS)[number];
/**
 * Why a discussion is paused: the user asked, a provider kept failing, the daemon restarted with
 * "wait paused" set, or the database kept failing while the discussion ran (storage_failure).
 */
export const PAUSE_REASONS = ['user', 'provider_failure', 'restart', 'storage_failure'] as const;
export type PauseReason = (typeof PAUSE_REASONS)[number];
/**
 * What a stored message is: the moderator's `opening`, a speaker's `turn`, the moderator's
 * consensus `judgement` after a round, its `acknowledgement` of a redirect, its closing `summary`
 * (after terminate), an observer's closing `review`.
 */
export const MESSAGE_KINDS = ['opening', 'turn', 'judgement', 'acknowledgement', 'summary', 'review'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];
/**
 * The step of the discussion's shape a round belongs to: collaborative rounds `build` on the previous
 * speaker, debate rounds `argue` opposing stances, brainstorming `diverge`s then `converge`s, problem
 * solving goes `define` → `options` → `evaluate` → `decide`. `opening` and `closing` frame them.
 */
export const DISCUSSION_PHASES = ['opening', 'build', 'argue', 'diverge', 'converge', 'define', 'options', 'evaluate', 'decide', 'closing'] as const;
export type DiscussionPhase = (typeof DISCUSSION_PHASES)[number];
export const PARTICIPANT_STATES = ['waiting', 'thinking', 'speaking'] as const;
export type ParticipantState = (typeof PARTICIPANT_STATES)[number];
/** One entry of the live flow of steps: a message kind, `failed` (a failed turn), or what the user did, or `end`. */
export const FLOW_ACTIONS = [...MESSAGE_KINDS, 'failed', ...DISCUSSION_ACTIONS, 'end'] as const;
export type FlowAction = (typeof FLOW_ACTIONS)[number];

export const DISCUSSION_LIMITS = {
  /** The largest max_participants a discussion can have. */
  maxParticipants: 10,
  maxRounds: 50,
  maxTokenBudget: 10_000_000,
  /** A clarify message or a redirect note (characters). */
  maxMessageChars: 10_000,
} as const;

export const DISCUSSION_DEFAULTS = {
  maxParticipants: 5,
  maxRounds: 5,
  tokenBudget: 60_000,
  consultVault: true,
  observerReview: false,
} as const;

/** The settings of one discussion, as stored and returned (every field filled in). */
export const discussionSettingsSchema = z.object({
  /** Rounds of speaking turns (each followed by the moderator's judgement). */
  maxRounds: z.number().int(),
  /** Tokens every call of the discussion may use together; reaching it ends the discussion. */
  tokenBudget: z.number().int(),
  /** The language the assistants speak. */
  language: z.enum(['ja', 'en']),
  /** Whether turns cite vault notes found by the librarian's retrieval. */
  consultVault: z.boolean(),
  /** The vault to consult; null: the only registered vault. */
  vaultId: id.nullable(),
  /** Whether observers give a closing review when the discussion ends (not after a token budget stop). */
  observerReview: z.boolean(),
});
export type DiscussionSettings = z.output<typeof discussionSettingsSchema>;

const positiveInt = (what: string, max: number) =>
  z
    .number({ error: `${what} must be a number` })
    .int(`${what} must be a whole number`)
    .min(1, `${what} must be at least 1`)
    .max(max, `${what} must be at most ${max}`);

export const discussionSettingsInputSchema = z
  .object({
    maxRounds: positiveInt('maxRounds', DISCUSSION_LIMITS.maxRounds),
    tokenBudget: positiveInt('tokenBudget', DISCUSSION_LIMITS.maxTokenBudget),
    language: z.enum(['ja', 'en'], { error: 'language must be ja or en' }),
    consultVault: z.boolean(),
    vaultId: id.nullable(),
    observerReview: z.boolean(),
  })
  .partial()
  .strict();

export const participantInputSchema = z
  .object({
    assistantId: id,
    role: z.enum(PARTICIPANT_ROLES, { error: `role must be one of ${PARTICIPANT_ROLES.join(', ')}` }).default('participant'),
    /** A debate stance ("for remote work"); debates without one alternate for/against. */
    stance: optionalText(200, 'stance').optional(),
  })
  .strict();

export const discussionCreateSchema = z
  .object({
    title: text(200, 'title'),
    /** Background the assistants read with the topic (e.g. the selected text). */
    description: optionalText(10_000, 'description').optional(),
    topic: text(100, 'topic'),
    type: z.enum(DISCUSSION_TYPES, { error: `type must be one of ${DISCUSSION_TYPES.join(', ')}` }),
    maxParticipants: z
      .number({ error: 'maxParticipants must be a number' })
      .int('maxParticipants must be a whole number')
      .min(2, 'maxParticipants must be at least 2')
      .max(DISCUSSION_LIMITS.maxParticipants, `maxParticipants must be at most ${DISCUSSION_LIMITS.maxParticipants}`)
      .optional(),
    /** One moderator, at least one more speaker (two for a debate), any observers. */
    participants: z.array(participantInputSchema).max(DISCUSSION_LIMITS.maxParticipants, `at most ${DISCUSSION_LIMITS.maxParticipants} participants`),
    settings: discussionSettingsInputSchema.optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    const max = v.maxParticipants ?? DISCUSSION_DEFAULTS.maxParticipants;
    if (v.participants.length > max) {
      ctx.addIssue({ code: 'custom', path: ['participants'], message: `${v.participants.length} participants are more than maxParticipants (${max}); remove some or raise maxParticipants` });
    }
    const ids = v.participants.map((p) => p.assistantId);
    const repeated = ids.filter((x, i) => ids.indexOf(x) !== i);
    if (repeated.length) ctx.addIssue({ code: 'custom', path: ['participants'], message: `assistant ${repeated[0]} is listed twice; each assistant takes part once` });
    const moderators = v.participants.filter((p) => p.role === 'moderator').length;
    if (moderators !== 1) ctx.addIssue({ code: 'custom', path: ['participants'], message: `name exactly one moderator (role "moderator"), found ${moderators}; the moderator opens, judges consensus after each round and sums up` });
    const speakers = v.participants.filter((p) => p.role !== 'observer').length;
    if (speakers < 2) ctx.addIssue({ code: 'custom', path: ['participants'], message: `a discussion needs at least two speakers (moderator and participants), found ${speakers}` });
    const debaters = v.participants.filter((p) => p.role === 'participant').length;
    if (v.type === 'debate' && debaters < 2) ctx.addIssue({ code: 'custom', path: ['participants'], message: `a debate needs at least two participants besides the moderator, to take opposing stances; found ${debaters}` });
  });
export type DiscussionCreate = z.input<typeof discussionCreateSchema>;

export const personaSummarySchema = z.object({
  id,
  name: z.string(),
  personality: z.string(),
  description: z.string().nullable(),
  iconUrl: z.string().nullable(),
  imageUrl: z.string().nullable(),
});

export const participantSchema = z.object({
  id,
  discussionId: id,
  assistantId: id,
  /** The assistant's name. */
  name: z.string(),
  role: z.enum(PARTICIPANT_ROLES),
  /** The debate stance given to a participant; null otherwise. */
  stance: z.string().nullable(),
  persona: personaSummarySchema.nullable(),
  /** Stored messages that did not fail. */
  contributionCount: z.number().int(),
  isActive: z.boolean(),
  joinedAt: timestamp,
  leftAt: timestamp.nullable(),
});
export type DiscussionParticipant = z.output<typeof participantSchema>;

export const pauseSchema = z.object({
  reason: z.enum(PAUSE_REASONS),
  /** The user's note, or the provider's or the database's failure in one sentence. */
  message: z.string().nullable(),
  interruptionId: id,
  since: timestamp,
});

export const consensusSchema = z.object({
  /** 0 (far apart) to 1 (agreed). */
  progress: z.number().min(0).max(1),
  reached: z.boolean(),
  summary: z.string(),
  openPoints: z.array(z.string()),
});
export type Consensus = z.output<typeof consensusSchema>;

export const discussionSchema = z.object({
  id,
  title: z.string(),
  description: z.string().nullable(),
  /** The topic as created. */
  topic: z.string(),
  /** The topic being discussed now (after redirects). */
  currentTopic: z.string(),
  type: z.enum(DISCUSSION_TYPES),
  status: z.enum(DISCUSSION_STATUSES),
  stopReason: z.enum(STOP_REASONS).nullable(),
  pause: pauseSchema.nullable(),
  /** What the user may do now (anything else answers 409 with this list). */
  allowedActions: z.array(z.enum(DISCUSSION_ACTIONS)),
  maxParticipants: z.number().int(),
  currentParticipantCount: z.number().int(),
  settings: discussionSettingsSchema,
  /** The round being run (0 before the first). */
  round: z.number().int(),
  phase: z.enum(DISCUSSION_PHASES),
  tokensUsed: z.number().int(),
  /** Messages stored that did not fail, all speakers together. */
  contributionCount: z.number().int(),
  consensusReached: z.boolean(),
  consensusSummary: z.string().nullable(),
  /** The moderator's last judgement; null before the first. */
  consensus: consensusSchema.nullable(),
  participants: z.array(participantSchema),
  startedAt: timestamp,
  endedAt: timestamp.nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
});
export type Discussion = z.output<typeof discussionSchema>;

/** A vault note a turn cites (it existed in the index when the turn was stored). */
export const noteReferenceSchema = z.object({
  /** Vault-relative, with ".md": link it as [[path]] without the extension. */
  path: z.string(),
  title: z.string(),
});

export const messageFailureSchema = z.object({
  /** `schema`: two answers did not fit the turn's structure (the turn is skipped); `provider`: the provider failed (the discussion paused; resume retries the turn). */
  kind: z.enum(['schema', 'provider']),
  reason: z.string(),
});

export const discussionMessageSchema = z.object({
  id,
  discussionId: id,
  participantId: id,
  assistantId: id,
  kind: z.enum(MESSAGE_KINDS),
  round: z.number().int(),
  phase: z.enum(DISCUSSION_PHASES),
  messageType: z.enum(DISCUSSION_MESSAGE_TYPES),
  /** Empty for a failed turn. */
  content: z.string(),
  reasoning: z.string().nullable(),
  /** 1–10; null for a failed turn. */
  confidence: z.number().int().min(1).max(10).nullable(),
  references: z.array(noteReferenceSchema),
  /** The message this one replies to. */
  parentMessageId: id.nullable(),
  formsConsensus: z.boolean(),
  /** The clarify interruption this turn answers. */
  answersInterruptionId: id.nullable(),
  /** Set on a judgement. */
  consensus: consensusSchema.nullable(),
  failure: messageFailureSchema.nullable(),
  usage: tokenUsageSchema.nullable(),
  createdAt: timestamp,
});
export type DiscussionMessage = z.output<typeof discussionMessageSchema>;

export const interruptionSchema = z.object({
  id,
  discussionId: id,
  type: z.enum(INTERRUPTION_TYPES),
  message: z.string(),
  redirectTopic: z.string().nullable(),
  priority: z.enum(PRIORITIES),
  initiatedBy: z.enum(['user', 'assistant', 'system']),
  initiatorId: id.nullable(),
  statusBefore: z.enum(DISCUSSION_STATUSES).nullable(),
  statusAfter: z.enum(DISCUSSION_STATUSES).nullable(),
  /** When it was dealt with: a pause when resumed, a redirect when acknowledged, a clarify when answered, a terminate when the discussion ended. */
  resolvedAt: timestamp.nullable(),
  createdAt: timestamp,
});
export type Interruption = z.output<typeof interruptionSchema>;

const userNote = z.string().trim().max(DISCUSSION_LIMITS.maxMessageChars, `message must be at most ${DISCUSSION_LIMITS.maxMessageChars} characters`);
const priority = z.enum(PRIORITIES, { error: `priority must be one of ${PRIORITIES.join(', ')}` }).optional();

/** POST /discussions/:id/interruptions: what the user does, by `type`. */
export const interruptionCreateSchema = z.discriminatedUnion(
  'type',
  [
    z.object({ type: z.literal('pause'), message: userNote.optional(), priority }).strict(),
    z.object({ type: z.literal('resume'), message: userNote.optional() }).strict(),
    z.object({ type: z.literal('redirect'), topic: text(100, 'topic'), message: userNote.optional(), priority }).strict(),
    z.object({ type: z.literal('clarify'), message: userNote.min(1, 'message must not be empty'), priority }).strict(),
    z.object({ type: z.literal('terminate'), message: userNote.optional(), priority }).strict(),
  ],
  { error: `type must be one of ${DISCUSSION_ACTIONS.join(', ')}` },
);
export type InterruptionCreate = z.input<typeof interruptionCreateSchema>;

export const interruptionResultSchema = z.object({
  discussion: discussionSchema,
  /** The row recorded (for resume: the pause it resolved, if any). */
  interruption: interruptionSchema.nullable(),
});

export const participantStateSchema = z.object({
  participantId: id,
  assistantId: id,
  role: z.enum(PARTICIPANT_ROLES),
  state: z.enum(PARTICIPANT_STATES),
});

/** A turn being generated: `text` is the content streamed so far (reset when the attempt changes). */
export const currentTurnSchema = z.object({
  /** Unique per attempt; `delta` events carry it. */
  turnId: z.string(),
  participantId: id,
  kind: z.enum(MESSAGE_KINDS),
  round: z.number().int(),
  phase: z.enum(DISCUSSION_PHASES),
  attempt: z.number().int(),
  text: z.string(),
  startedAt: timestamp,
});
export type CurrentTurn = z.output<typeof currentTurnSchema>;

export const flowStepSchema = z.object({
  step: z.number().int(),
  action: z.enum(FLOW_ACTIONS),
  participantId: id.nullable(),
  messageId: id.nullable(),
  round: z.number().int(),
  phase: z.enum(DISCUSSION_PHASES),
  at: timestamp,
});

/**
 * The runner cannot read or store the discussion (the database failed) and tries again by itself,
 * with a growing delay; nothing stored is lost, and it continues from its last stored step.
 */
export const storageWaitSchema = z.object({
  /** One sentence in the person's language: what is wrong and what happens next. */
  reason: z.string(),
  /** Failed attempts in a row so far. */
  attempts: z.number().int(),
  /** The first failure of this wait. */
  since: timestamp,
  /** When the next attempt is made. */
  retryAt: timestamp,
  /** The attempts are used up: the discussion pauses (`storage_failure`) as soon as the database answers. */
  pausing: z.boolean(),
});
export type StorageWait = z.output<typeof storageWaitSchema>;

/** The live state (cache key ai_discussion_state:{id}, design §13.4.3). */
export const liveStateSchema = z.object({
  discussionId: id,
  status: z.enum(DISCUSSION_STATUSES),
  /** True while a runner is working on the discussion in this daemon. */
  running: z.boolean(),
  currentTopic: z.string(),
  round: z.number().int(),
  phase: z.enum(DISCUSSION_PHASES),
  participants: z.array(participantStateSchema),
  /** The participant generating a message now. */
  currentSpeaker: id.nullable(),
  currentTurn: currentTurnSchema.nullable(),
  /** The most recent steps, oldest first (at most 100). */
  flow: z.array(flowStepSchema),
  consensusProgress: z.number().min(0).max(1),
  tokensUsed: z.number().int(),
  tokenBudget: z.number().int(),
  maxRounds: z.number().int(),
  /** Interruptions accepted but not yet dealt with. */
  pending: z.array(z.object({ interruptionId: id, type: z.enum(INTERRUPTION_TYPES) })),
  lastActivity: timestamp,
  /** Set while the runner waits for the database to answer again; null otherwise. */
  storage: storageWaitSchema.nullable(),
});
export type LiveState = z.output<typeof liveStateSchema>;

/**
 * The events of GET /discussions/:id/events (text/event-stream). On connect: `state`, then live:
 * - `state`: the live state changed (speaker, statuses, flow, progress);
 * - `turn`: a turn (attempt) started: clear any text shown for an earlier attempt of it;
 * - `delta`: content text of the turn as it arrives;
 * - `message`: a message was stored (a failed turn too) — always after it is in the database;
 * - `interruption`: an interruption was recorded or resolved;
 * - `discussion`: the discussion changed (status, topic, consensus, end).
 */
export const discussionEventSchemas = {
  state: z.object({ state: liveStateSchema }),
  turn: z.object({ discussionId: id, turn: currentTurnSchema }),
  delta: z.object({ discussionId: id, turnId: z.string(), text: z.string() }),
  message: z.object({ discussionId: id, message: discussionMessageSchema }),
  interruption: z.object({ discussionId: id, interruption: interruptionSchema }),
  discussion: z.object({ discussion: discussionSchema }),
};
export type DiscussionEventName = keyof typeof discussionEventSchemas;
export type DiscussionEvent = { [K in DiscussionEventName]: { event: K; data: z.output<(typeof discussionEventSchemas)[K]> } }[DiscussionEventName];

export const discussionListQuerySchema = pageQuerySchema.extend({
  status: z.enum(DISCUSSION_STATUSES, { error: `status must be one of ${DISCUSSION_STATUSES.join(', ')}` }).optional(),
  type: z.enum(DISCUSSION_TYPES, { error: `type must be one of ${DISCUSSION_TYPES.join(', ')}` }).optional(),
});

export const discussionMessageListQuerySchema = pageQuerySchema.extend({
  limit: pageQuerySchema.shape.limit.default(200),
  /** Only messages with a larger id (catching up after a reconnect). */
  afterId: z.coerce.number({ error: 'afterId must be a number' }).int().min(0).optional(),
});

/** Everything a discussion note is rendered from (shared/notes/discussion-note.ts). */
export const discussionNoteDataSchema = z.object({
  discussion: discussionSchema,
  messages: z.array(discussionMessageSchema),
  interruptions: z.array(interruptionSchema),
});
export type DiscussionNoteData = z.output<typeof discussionNoteDataSchema>;

export const discussionNoteQuerySchema = z.object({
  language: z.enum(['ja', 'en'], { error: 'language must be ja or en' }).optional(),
});

export const discussionNoteSchema = z.object({
  /** A file name for the note ("協議 - title.md"), safe on every OS. */
  fileName: z.string(),
  markdown: z.string(),
  data: discussionNoteDataSchema,
});

export const discussionEndpoints = {
  list: endpoint({ method: 'get', path: '/discussions', tag: 'discussions', summary: 'List discussions, newest first', query: discussionListQuerySchema, response: listOf(discussionSchema) }),
  get: endpoint({ method: 'get', path: '/discussions/:id', tag: 'discussions', summary: 'Get a discussion with its participants', params: idParams, response: discussionSchema }),
  create: endpoint({
    method: 'post',
    path: '/discussions',
    tag: 'discussions',
    summary: 'Create a discussion and start it (one moderator, two or more speakers, active assistants)',
    body: discussionCreateSchema,
    response: discussionSchema,
    status: 201,
  }),
  remove: endpoint({ method: 'delete', path: '/discussions/:id', tag: 'discussions', summary: 'Delete an ended or paused discussion (soft delete); a running one answers 409', params: idParams, status: 204 }),
  listMessages: endpoint({
    method: 'get',
    path: '/discussions/:id/messages',
    tag: 'discussions',
    summary: 'The transcript, oldest first (failed turns included)',
    params: idParams,
    query: discussionMessageListQuerySchema,
    response: listOf(discussionMessageSchema),
  }),
  listInterruptions: endpoint({
    method: 'get',
    path: '/discussions/:id/interruptions',
    tag: 'discussions',
    summary: 'What the user (or the system) did to the discussion, oldest first',
    params: idParams,
    query: pageQuerySchema,
    response: listOf(interruptionSchema),
  }),
  interrupt: endpoint({
    method: 'post',
    path: '/discussions/:id/interruptions',
    tag: 'discussions',
    summary: 'Pause, resume, redirect, clarify or terminate; an action not allowed now answers 409 with details.allowedActions',
    params: idParams,
    body: interruptionCreateSchema,
    response: interruptionResultSchema,
  }),
  state: endpoint({ method: 'get', path: '/discussions/:id/state', tag: 'discussions', summary: 'The live state (speaker, participants, flow, consensus progress)', params: idParams, response: liveStateSchema }),
  events: endpoint({
    method: 'get',
    path: '/discussions/:id/events',
    tag: 'discussions',
    summary: 'Live state, turns as they stream, stored messages and interruptions as Server-Sent Events (discussionEventSchemas)',
    params: idParams,
    response: z.string().describe('event: state | turn | delta | message | interruption | discussion, each with a JSON data line (discussionEventSchemas)'),
    contentType: 'text/event-stream',
  }),
  note: endpoint({
    method: 'get',
    path: '/discussions/:id/note',
    tag: 'discussions',
    summary: 'The discussion rendered as a Markdown note (the plugin writes it into the vault) and the data it was rendered from',
    params: idParams,
    query: discussionNoteQuerySchema,
    response: discussionNoteSchema,
  }),
};
