/**
 * The scheduler: from what is stored, the one next step of a discussion. Pure, so a restarted
 * daemon computes exactly the step the stopped one was working on (nothing skipped, nothing twice).
 *
 * A discussion goes: the moderator's opening → rounds (each participant speaks in order, then the
 * moderator judges consensus) → closing. Interruptions are taken at step boundaries: a redirect is
 * acknowledged by the moderator before the next step (a round in progress is cut and a new round on
 * the new topic begins); a clarify is answered by the next participant turn — or, when the round's
 * turns are done, by an extra turn of the participant after the last speaker, before the judgement.
 * Once a stop reason is set: an unanswered clarify still gets its answer (unless the user terminated
 * or the budget ran out), a terminate gets the moderator's summary, observers give their reviews
 * if asked (not after a budget stop), then the discussion is finished.
 */
import type { DiscussionPhase, MessageKind } from '../../../shared/contracts/discussions';
import type { Snapshot } from './store';
import { currentPhase } from './status';

export type Step =
  | {
      kind: MessageKind;
      participantId: number;
      round: number;
      phase: DiscussionPhase;
      /** The clarify interruption this turn answers. */
      answers?: number;
      /** The redirect interruption this acknowledgement resolves. */
      redirect?: number;
      /** False for an extra turn (a clarify's answer) that does not use up a place in the round. */
      advances: boolean;
    }
  /** No model call: mark the discussion ended. */
  | { kind: 'finish' }
  /** Nothing to do until the user resumes (paused), or ever (ended). */
  | { kind: 'idle' };

export type SpeakingStep = Extract<Step, { participantId: number }>;

export function nextStep(s: Snapshot): Step {
  const { row, settings } = s;
  const run = settings.run;
  // A discussion that is ending finishes even if a pause arrived during its last step (nothing is left to pause).
  if (row.endedAt !== null || (row.status === 'paused' && run.stopReason === null)) return { kind: 'idle' };
  const moderator = s.participants.find((p) => p.row.role === 'moderator');
  const speakers = s.participants.filter((p) => p.row.role === 'participant');
  if (!moderator) return { kind: 'finish' };
  const metaOf = (id: number) => run.messages[String(id)];
  const unresolved = (type: 'redirect' | 'clarify') => s.interruptions.find((i) => i.interruptionType === type && i.resolvedAt === null);
  const clarify = unresolved('clarify');
  const answerFailures = clarify === undefined ? [] : s.messages.map((m) => metaOf(m.id)).filter((meta) => meta?.answers === clarify.id && meta.failure);
  const phase = currentPhase({ type: row.discussionType, round: run.round, topicRound: run.topicRound, maxRounds: settings.maxRounds, stopReason: run.stopReason, ended: false });

  /** The participant after the last one who took a turn (the first one if nobody has). */
  const nextSpeaker = () => {
    const last = [...s.messages].reverse().find((m) => metaOf(m.id)?.kind === 'turn');
    const at = last ? speakers.findIndex((p) => p.row.id === last.participantId) : -1;
    return speakers[(at + 1) % speakers.length]!;
  };
  const speak = (kind: MessageKind, participantId: number, extra: Partial<SpeakingStep> = {}): Step => ({ kind, participantId, round: run.round, phase, advances: true, ...extra });

  if (run.stopReason !== null) {
    // One attempt only while closing (where failures do not pause): a failed answer must not hold the discussion open.
    if (clarify && answerFailures.length === 0 && (run.stopReason === 'consensus' || run.stopReason === 'round_limit')) {
      return speak('turn', nextSpeaker().row.id, { answers: clarify.id, advances: false });
    }
    const done = (kind: MessageKind, participantId?: number) => s.messages.some((m) => metaOf(m.id)?.kind === kind && (participantId === undefined || m.participantId === participantId));
    if (run.stopReason === 'terminated' && !done('summary')) return speak('summary', moderator.row.id);
    if (settings.observerReview && run.stopReason !== 'token_budget') {
      const observer = s.participants.find((p) => p.row.role === 'observer' && !done('review', p.row.id));
      if (observer) return speak('review', observer.row.id);
    }
    return { kind: 'finish' };
  }

  if (run.round === 0) return speak('opening', moderator.row.id);
  const redirect = unresolved('redirect');
  if (redirect) return speak('acknowledgement', moderator.row.id, { redirect: redirect.id });
  if (run.turnIndex < speakers.length) return speak('turn', speakers[run.turnIndex]!.row.id, clarify ? { answers: clarify.id } : {});
  // A clarify whose answer failed its schema is answered by the next regular turn, without inserting more turns
  // (a provider failure pauses instead, and resume retries the same step).
  if (clarify && !answerFailures.some((meta) => meta!.failure!.kind === 'schema')) return speak('turn', nextSpeaker().row.id, { answers: clarify.id, advances: false });
  return speak('judgement', moderator.row.id);
}
