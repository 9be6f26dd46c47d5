/**
 * Storing a step: the message, the cursor, the counters, the assistant's usage, the interruptions
 * it resolves and — after a provider failure — the pause, all in one transaction under the
 * discussion's row lock. Only then is anything announced. A step whose cursor moved meanwhile
 * (another runner stored it) is refused, so no step is ever stored twice.
 */
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Consensus, DiscussionType } from '../../../shared/contracts/discussions';
import { recordUsage } from '../ai/assistants';
import type { TokenUsage } from '../ai/provider';
import type { Db } from '../db/database';
import type { Tx } from '../db/drivers';
import { aiDiscussions, discussionInterruptions, discussionMessages, discussionParticipants } from '../db/schema';
import { toConsensus } from './consensus';
import type { SpeakingStep } from './next-step';
import type { JudgementOutput, TurnOutput } from './outputs';
import { advance } from './progress';
import type { NoteReference } from './references';
import { lockDiscussion, type InterruptionRow, type MessageMeta, type MessageRow, type RunState } from './store';

export type StepOutput =
  | { ok: true; kind: 'turn'; object: TurnOutput }
  | { ok: true; kind: 'judgement'; object: JudgementOutput }
  | { ok: false; failure: { kind: 'schema' | 'provider'; reason: string } };

export interface StepRecord {
  discussionId: number;
  type: DiscussionType;
  step: SpeakingStep;
  /** RunState.steps when the step was computed. */
  expectedSteps: number;
  assistantId: number;
  output: StepOutput;
  usage: TokenUsage;
  /** Usage of each call that reached the provider (each counts one use of the assistant). */
  calls: TokenUsage[];
  /** The notes offered to the speaker: the only paths a turn may cite. */
  offered: NoteReference[];
}

export interface Recorded {
  message: MessageRow;
  run: RunState;
  /** Interruptions created (a provider failure's pause) or resolved (an answered clarify, an acknowledged redirect). */
  interruptions: InterruptionRow[];
  statusChanged: boolean;
}

export async function recordStep(db: Db, r: StepRecord): Promise<Recorded | 'stale'> {
  return db.transaction(async (tx) => {
    const locked = await lockDiscussion(tx, r.discussionId);
    if (!locked || locked.row.endedAt !== null || locked.settings.run.steps !== r.expectedSteps) return 'stale';
    const { row, settings } = locked;
    const { step, output } = r;

    let values: Omit<typeof discussionMessages.$inferInsert, 'discussionId' | 'participantId'>;
    let consensus: Consensus | undefined;
    if (!output.ok) {
      values = { messageType: 'contribution', content: '', reasoning: null, confidenceLevel: null, noteReferences: [], isConsensusForming: false, parentMessageId: null };
    } else if (output.kind === 'judgement') {
      consensus = toConsensus(output.object);
      values = { messageType: consensus.reached ? 'agreement' : 'contribution', content: consensus.summary, reasoning: null, confidenceLevel: null, noteReferences: [], isConsensusForming: consensus.reached, parentMessageId: null };
    } else {
      const o = output.object;
      const offered = new Set(r.offered.map((n) => n.path));
      values = {
        messageType: o.message_type,
        content: o.content.trim(),
        reasoning: o.reasoning.trim() || null,
        confidenceLevel: o.confidence,
        noteReferences: [...new Set(o.references.filter((p) => offered.has(p)))],
        isConsensusForming: o.forms_consensus,
        parentMessageId: await parentOf(tx, r, o.reply_to),
      };
    }
    const [message] = await tx.insert(discussionMessages).values({ discussionId: r.discussionId, participantId: step.participantId, ...values }).returning();

    const meta: MessageMeta = { kind: step.kind, round: step.round, phase: step.phase, usage: r.usage };
    if (step.answers !== undefined) meta.answers = step.answers;
    if (consensus) meta.consensus = consensus;
    if (!output.ok) meta.failure = output.failure;

    const resolved: InterruptionRow[] = [];
    const resolve = async (id: number) => {
      const [i] = await tx
        .update(discussionInterruptions)
        .set({ resolvedAt: sql`now()`, discussionStatusAfter: row.status })
        .where(and(eq(discussionInterruptions.id, id), isNull(discussionInterruptions.resolvedAt)))
        .returning();
      if (i) resolved.push(i);
      return i;
    };
    let redirectTopic: string | undefined;
    const providerFailure = !output.ok && output.failure.kind === 'provider';
    if (step.kind === 'acknowledgement' && step.redirect !== undefined && !providerFailure) redirectTopic = (await resolve(step.redirect))?.redirectTopic ?? undefined;
    if (output.ok && step.answers !== undefined) await resolve(step.answers);

    const run = advance(settings.run, step, { ok: output.ok, providerFailure, consensus, tokens: r.usage.totalTokens, redirectTopic }, settings);
    run.messages = { ...run.messages, [String(message!.id)]: meta };

    // A provider that keeps failing pauses a running discussion; resume retries the step (the cursor did not move).
    let status = row.status;
    if (providerFailure && row.status === 'active' && run.stopReason === null) {
      status = 'paused';
      const reason = output.failure.reason;
      const [pause] = await tx
        .insert(discussionInterruptions)
        .values({ discussionId: r.discussionId, interruptionType: 'pause', message: reason, priority: 'high', initiatedBy: 'system', discussionStatusBefore: 'active', discussionStatusAfter: 'paused' })
        .returning();
      resolved.push(pause!);
      run.pause = { reason: 'provider_failure', interruptionId: pause!.id, message: reason, since: new Date(pause!.createdAt).toISOString() };
    }

    if (output.ok) {
      await tx
        .update(discussionParticipants)
        .set({ contributionCount: sql`${discussionParticipants.contributionCount} + 1` })
        .where(eq(discussionParticipants.id, step.participantId));
    }
    const reached = consensus !== undefined && run.stopReason === 'consensus' && settings.run.stopReason === null;
    await tx
      .update(aiDiscussions)
      .set({
        status,
        settings: { ...settings, run } as unknown as Record<string, unknown>,
        ...(reached ? { consensusReached: true, consensusSummary: consensus!.summary } : {}),
        updatedAt: sql`now()`,
      })
      .where(eq(aiDiscussions.id, r.discussionId));
    for (const usage of r.calls) await recordUsage(tx, r.assistantId, usage);
    return { message: message!, run, interruptions: resolved, statusChanged: status !== row.status || run.stopReason !== settings.run.stopReason || reached || redirectTopic !== undefined };
  });
}

/**
 * The message a turn replies to: the id the model gave when it is a message of this discussion;
 * otherwise, for a turn of a collaborative discussion, the previous message (each builds on the one before).
 */
async function parentOf(tx: Tx, r: StepRecord, replyTo: number | null): Promise<number | null> {
  if (replyTo !== null) {
    const [found] = await tx
      .select({ id: discussionMessages.id })
      .from(discussionMessages)
      .where(and(eq(discussionMessages.discussionId, r.discussionId), eq(discussionMessages.id, replyTo)));
    if (found) return found.id;
  }
  if (r.type !== 'collaborative' || r.step.kind !== 'turn') return null;
  const [previous] = await tx
    .select({ id: discussionMessages.id })
    .from(discussionMessages)
    .where(and(eq(discussionMessages.discussionId, r.discussionId), sql`${discussionMessages.content} <> ''`))
    .orderBy(sql`${discussionMessages.id} desc`)
    .limit(1);
  return previous?.id ?? null;
}

/** Ends a discussion whose closing steps are done: status, end time, terminate resolved, participants leave. */
export async function finishDiscussion(db: Db, discussionId: number): Promise<{ ended: boolean; resolved: InterruptionRow[] }> {
  return db.transaction(async (tx) => {
    const locked = await lockDiscussion(tx, discussionId);
    if (!locked || locked.row.endedAt !== null) return { ended: false, resolved: [] };
    const status = locked.settings.run.stopReason === 'terminated' ? 'terminated' : 'completed';
    const resolved = await tx
      .update(discussionInterruptions)
      .set({ resolvedAt: sql`now()`, discussionStatusAfter: status })
      .where(and(eq(discussionInterruptions.discussionId, discussionId), eq(discussionInterruptions.interruptionType, 'terminate'), isNull(discussionInterruptions.resolvedAt)))
      .returning();
    // A pause that arrived during the step that ended the discussion ends with it.
    resolved.push(
      ...(await tx
        .update(discussionInterruptions)
        .set({ resolvedAt: sql`now()` })
        .where(and(eq(discussionInterruptions.discussionId, discussionId), eq(discussionInterruptions.interruptionType, 'pause'), isNull(discussionInterruptions.resolvedAt)))
        .returning()),
    );
    await tx
      .update(discussionParticipants)
      .set({ leftAt: sql`now()`, isActive: false })
      .where(and(eq(discussionParticipants.discussionId, discussionId), isNull(discussionParticipants.leftAt)));
    await tx
      .update(aiDiscussions)
      .set({ status, endedAt: sql`now()`, currentParticipantCount: 0, updatedAt: sql`now()` })
      .where(eq(aiDiscussions.id, discussionId));
    return { ended: true, resolved };
  });
}
