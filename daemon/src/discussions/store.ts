/**
 * Reading discussions from the database and turning rows into the API's shapes.
 *
 * Where the engine keeps what the design's columns do not hold (docs/discussions.md):
 * `ai_discussions.settings` = the discussion's settings (maxRounds, tokenBudget, language,
 * consultVault, vaultId, observerReview), `stances` (participant id → debate stance) and `run`,
 * the runner's cursor and bookkeeping (RunState), including per-message extras (kind, round, phase,
 * judgement, failure, usage) keyed by message id. Every write of `run` happens in the same
 * transaction as the message it accounts for, under a row lock (engine writes and user actions
 * never overwrite each other).
 */
import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import type {
  Consensus,
  Discussion,
  DiscussionMessage,
  DiscussionParticipant,
  DiscussionPhase,
  DiscussionSettings,
  Interruption,
  MessageKind,
  PauseReason,
  StopReason,
} from '../../../shared/contracts/discussions';
import { DISCUSSION_DEFAULTS } from '../../../shared/contracts/discussions';
import type { TokenUsage } from '../ai/provider';
import type { Db } from '../db/database';
import type { Tx } from '../db/drivers';
import { aiAssistants, aiDiscussions, discussionInterruptions, discussionMessages, discussionParticipants, personas, roles } from '../db/schema';
import { iso } from '../server/routes/list';
import { allowedActions, currentPhase } from './status';

export type DiscussionRow = typeof aiDiscussions.$inferSelect;
export type ParticipantRow = typeof discussionParticipants.$inferSelect;
export type MessageRow = typeof discussionMessages.$inferSelect;
export type InterruptionRow = typeof discussionInterruptions.$inferSelect;
export type AssistantRow = typeof aiAssistants.$inferSelect;

export interface MessageMeta {
  kind: MessageKind;
  round: number;
  phase: DiscussionPhase;
  /** The clarify interruption this message answers. */
  answers?: number;
  consensus?: Consensus;
  failure?: { kind: 'schema' | 'provider'; reason: string };
  usage?: TokenUsage;
}

export interface RunState {
  /** Steps persisted so far; a step is persisted only if this is still what it was when the step began (no step stored twice). */
  steps: number;
  /** The round being run; 0 until the opening is stored. */
  round: number;
  /** Index (in speaking order) of the next participant turn of the round. */
  turnIndex: number;
  topic: string;
  /** The round the current topic started in (a redirect restarts the type's shape). */
  topicRound: number;
  tokensUsed: number;
  stopReason: StopReason | null;
  consensus: Consensus | null;
  pause: { reason: PauseReason; interruptionId: number; message: string | null; since: string } | null;
  messages: Record<string, MessageMeta>;
}

export interface StoredSettings extends DiscussionSettings {
  stances: Record<string, string>;
  run: RunState;
}

export function initialRun(topic: string): RunState {
  return { steps: 0, round: 0, turnIndex: 0, topic, topicRound: 1, tokensUsed: 0, stopReason: null, consensus: null, pause: null, messages: {} };
}

/** The stored settings (written only by the engine; missing parts take their defaults). */
export function readStored(raw: unknown, topic: string): StoredSettings {
  const s = (raw && typeof raw === 'object' ? raw : {}) as Partial<StoredSettings>;
  return {
    maxRounds: s.maxRounds ?? DISCUSSION_DEFAULTS.maxRounds,
    tokenBudget: s.tokenBudget ?? DISCUSSION_DEFAULTS.tokenBudget,
    language: s.language === 'en' ? 'en' : 'ja',
    consultVault: s.consultVault ?? DISCUSSION_DEFAULTS.consultVault,
    vaultId: s.vaultId ?? null,
    observerReview: s.observerReview ?? DISCUSSION_DEFAULTS.observerReview,
    stances: s.stances ?? {},
    run: { ...initialRun(topic), ...s.run },
  };
}

export interface ParticipantInfo {
  row: ParticipantRow;
  assistant: AssistantRow;
  persona: { id: number; name: string; personality: string; description: string | null; iconUrl: string | null; imageUrl: string | null; roleName: string | null; roleDescription: string | null } | null;
}

/** A discussion with its settings and participants (enough for the API's discussion object). */
export interface DiscussionBase {
  row: DiscussionRow;
  settings: StoredSettings;
  participants: ParticipantInfo[];
}

export interface Snapshot extends DiscussionBase {
  messages: MessageRow[];
  interruptions: InterruptionRow[];
}

export const liveDiscussion = (id: number) => and(eq(aiDiscussions.id, id), isNull(aiDiscussions.deletedAt));

/** Participants of these discussions with their assistants and personas, in the order they were added. */
export async function loadParticipants(db: Db | Tx, discussionIds: number[]): Promise<Map<number, ParticipantInfo[]>> {
  const out = new Map<number, ParticipantInfo[]>();
  if (discussionIds.length === 0) return out;
  const rows = await db
    .select({
      row: discussionParticipants,
      assistant: aiAssistants,
      persona: {
        id: personas.id,
        name: personas.name,
        personality: personas.personality,
        description: personas.description,
        iconUrl: personas.iconUrl,
        imageUrl: personas.imageUrl,
        deletedAt: personas.deletedAt,
        roleName: roles.name,
        roleDescription: roles.description,
      },
    })
    .from(discussionParticipants)
    .innerJoin(aiAssistants, eq(aiAssistants.id, discussionParticipants.assistantId))
    .leftJoin(personas, eq(personas.id, aiAssistants.personaId))
    .leftJoin(roles, eq(roles.id, personas.roleId))
    .where(inArray(discussionParticipants.discussionId, discussionIds))
    .orderBy(asc(discussionParticipants.id));
  for (const r of rows) {
    const list = out.get(r.row.discussionId) ?? [];
    const p = r.persona;
    list.push({
      row: r.row,
      assistant: r.assistant,
      persona: p && p.id !== null && !p.deletedAt ? { id: p.id, name: p.name ?? '', personality: p.personality ?? '', description: p.description, iconUrl: p.iconUrl, imageUrl: p.imageUrl, roleName: p.roleName, roleDescription: p.roleDescription } : null,
    });
    out.set(r.row.discussionId, list);
  }
  return out;
}

export async function loadBase(db: Db | Tx, id: number): Promise<DiscussionBase | undefined> {
  const [row] = await db.select().from(aiDiscussions).where(liveDiscussion(id));
  if (!row) return undefined;
  const participants = (await loadParticipants(db, [id])).get(id) ?? [];
  return { row, settings: readStored(row.settings, row.topic), participants };
}

/** Everything the runner decides its next step from. */
export async function loadSnapshot(db: Db, id: number): Promise<Snapshot | undefined> {
  const base = await loadBase(db, id);
  if (!base) return undefined;
  const [messages, interruptions] = await Promise.all([
    db.select().from(discussionMessages).where(eq(discussionMessages.discussionId, id)).orderBy(asc(discussionMessages.id)),
    db.select().from(discussionInterruptions).where(eq(discussionInterruptions.discussionId, id)).orderBy(asc(discussionInterruptions.id)),
  ]);
  return { ...base, messages, interruptions };
}

/** Locks the discussion row for the rest of the transaction and reads it. */
export async function lockDiscussion(tx: Tx, id: number): Promise<{ row: DiscussionRow; settings: StoredSettings } | undefined> {
  const [row] = await tx.select().from(aiDiscussions).where(liveDiscussion(id)).for('update');
  return row ? { row, settings: readStored(row.settings, row.topic) } : undefined;
}

// ---------------------------------------------------------------------------------------------
// API shapes
// ---------------------------------------------------------------------------------------------

export function participantToApi(p: ParticipantInfo, settings: StoredSettings): DiscussionParticipant {
  return {
    id: p.row.id,
    discussionId: p.row.discussionId,
    assistantId: p.assistant.id,
    name: p.assistant.name,
    role: p.row.role,
    stance: settings.stances[String(p.row.id)] ?? null,
    persona: p.persona ? { id: p.persona.id, name: p.persona.name, personality: p.persona.personality, description: p.persona.description, iconUrl: p.persona.iconUrl, imageUrl: p.persona.imageUrl } : null,
    contributionCount: p.row.contributionCount,
    isActive: p.row.isActive,
    joinedAt: iso(p.row.joinedAt),
    leftAt: p.row.leftAt ? iso(p.row.leftAt) : null,
  };
}

/** `running`: whether a runner works on it in this daemon (a stranded one may be resumed). */
export function discussionToApi(b: DiscussionBase, running: boolean): Discussion {
  const { row, settings } = b;
  const run = settings.run;
  const ended = row.endedAt !== null;
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    topic: row.topic,
    currentTopic: run.topic,
    type: row.discussionType,
    status: row.status,
    stopReason: run.stopReason,
    pause: row.status === 'paused' && run.pause ? run.pause : null,
    allowedActions: allowedActions({ status: row.status, stopReason: run.stopReason, ended, running }),
    maxParticipants: row.maxParticipants,
    currentParticipantCount: row.currentParticipantCount,
    settings: {
      maxRounds: settings.maxRounds,
      tokenBudget: settings.tokenBudget,
      language: settings.language,
      consultVault: settings.consultVault,
      vaultId: settings.vaultId,
      observerReview: settings.observerReview,
    },
    round: run.round,
    phase: currentPhase({ type: row.discussionType, round: run.round, topicRound: run.topicRound, maxRounds: settings.maxRounds, stopReason: run.stopReason, ended }),
    tokensUsed: run.tokensUsed,
    contributionCount: b.participants.reduce((n, p) => n + p.row.contributionCount, 0),
    consensusReached: row.consensusReached,
    consensusSummary: row.consensusSummary,
    consensus: run.consensus,
    participants: b.participants.map((p) => participantToApi(p, settings)),
    startedAt: iso(row.startedAt),
    endedAt: row.endedAt ? iso(row.endedAt) : null,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

/** note_references holds vault-relative paths; a note's title is its file name, as Obsidian shows a [[link]]. */
export function referenceOf(path: string): { path: string; title: string } {
  return { path, title: path.replace(/^.*\//, '').replace(/\.md$/i, '') };
}

export function messageToApi(m: MessageRow, settings: StoredSettings, assistantOf: (participantId: number) => number): DiscussionMessage {
  const meta: MessageMeta = settings.run.messages[String(m.id)] ?? { kind: 'turn', round: 0, phase: 'opening' };
  return {
    id: m.id,
    discussionId: m.discussionId,
    participantId: m.participantId,
    assistantId: assistantOf(m.participantId),
    kind: meta.kind,
    round: meta.round,
    phase: meta.phase,
    messageType: m.messageType,
    content: m.content,
    reasoning: m.reasoning,
    confidence: m.confidenceLevel,
    references: (m.noteReferences ?? []).map(referenceOf),
    parentMessageId: m.parentMessageId,
    formsConsensus: m.isConsensusForming,
    answersInterruptionId: meta.answers ?? null,
    consensus: meta.consensus ?? null,
    failure: meta.failure ?? null,
    usage: meta.usage ?? null,
    createdAt: iso(m.createdAt),
  };
}

export function assistantLookup(participants: ParticipantInfo[]): (participantId: number) => number {
  const map = new Map(participants.map((p) => [p.row.id, p.assistant.id]));
  return (participantId) => map.get(participantId) ?? 0;
}

const STATUSES = new Set(['active', 'paused', 'completed', 'terminated']);
const asStatus = (s: string | null) => (s && STATUSES.has(s) ? (s as Interruption['statusBefore']) : null);

export function interruptionToApi(r: InterruptionRow): Interruption {
  return {
    id: r.id,
    discussionId: r.discussionId,
    type: r.interruptionType,
    message: r.message,
    redirectTopic: r.redirectTopic,
    priority: r.priority,
    initiatedBy: r.initiatedBy,
    initiatorId: r.initiatorId,
    statusBefore: asStatus(r.discussionStatusBefore),
    statusAfter: asStatus(r.discussionStatusAfter),
    resolvedAt: r.resolvedAt ? iso(r.resolvedAt) : null,
    createdAt: iso(r.createdAt),
  };
}
