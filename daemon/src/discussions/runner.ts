/**
 * The loop that runs one discussion: read what is stored → compute the next step → run it (the
 * model's text streamed to the clients) → store it → announce it → again, until the discussion is
 * paused or ended. Everything it decides comes from the database, so a runner started after a
 * restart continues exactly where the stopped one left off. Every read and write goes through the
 * runner's StorageGuard (storage-wait.ts): a database that fails makes the runner wait and try that
 * read or write again, never skip it or die.
 */
import type { CurrentTurn } from '../../../shared/contracts/discussions';
import { modelConfigOf, type AssistantModelConfig } from '../ai/assistants';
import { format, MESSAGES } from '../../../shared/i18n';
import { AiError, aiErrorSentence } from '../ai/errors';
import type { ChatModel, TokenUsage } from '../ai/provider';
import { ZERO_USAGE } from '../ai/provider';
import type { EngineContext } from './engine';
import { writeSystemPause } from './interruptions';
import { nextStep, type SpeakingStep } from './next-step';
import { judgementOutputSchema, turnOutputSchema } from './outputs';
import { buildRequest } from './prompts';
import { findReferences, type NoteReference } from './references';
import { finishDiscussion, recordStep, type StepOutput } from './record';
import { RunnerStop, StorageGuard } from './storage-wait';
import { loadSnapshot, type Snapshot } from './store';
import { runTurn } from './turn';

export interface RunnerControl {
  readonly signal: AbortSignal;
  /** Set when asked to run while this runner was about to stop (a resume racing its last step). */
  wake: boolean;
  /** Set by the runner, synchronously, the moment it stops looking for work: from then on a new runner is needed. */
  finished: boolean;
}

export async function runDiscussion(ctx: EngineContext, id: number, control: RunnerControl): Promise<void> {
  const log: EngineContext['log'] = (level, message, extra) => ctx.log(level, message, { discussionId: id, ...extra });
  const guard = new StorageGuard({
    policy: ctx.storageRetry,
    signal: control.signal,
    log,
    sentence: (pausing) => MESSAGES[ctx.lastLanguage()][pausing ? 'discussions.storage.pausing' : 'discussions.storage.waiting'],
    onWait: (wait) => ctx.setStorageWait(id, wait),
    pause: async (failures) =>
      writeSystemPause(ctx.db, id, { reason: 'storage_failure', message: format(MESSAGES[await ctx.language()]['discussions.storage.paused'], { attempts: failures }), priority: 'high' }),
    onPaused: (pause) => {
      ctx.announce(id, { interruptions: [pause], discussionChanged: true }).catch((e: unknown) => log('warn', 'discussion pause not announced', { error: e instanceof Error ? e.message : String(e) }));
    },
  });
  try {
    await loop(ctx, id, control, guard);
  } catch (e) {
    if (!(e instanceof RunnerStop)) throw e;
  } finally {
    // Other ways out (stopped, deleted, paused for its storage, an error) as well.
    control.finished = true;
  }
}

async function loop(ctx: EngineContext, id: number, control: RunnerControl, guard: StorageGuard): Promise<void> {
  const load = () => guard.run('read the discussion', () => loadSnapshot(ctx.db, id));
  for (;;) {
    if (control.signal.aborted) return;
    let snap = await load();
    if (!snap) return;
    let step = nextStep(snap);
    if (step.kind !== 'idle' && ctx.checkpoints.beforeStep) {
      // Held before the step: whatever happened meanwhile (an interruption) decides the step taken.
      await ctx.checkpoints.beforeStep(id, step);
      if (control.signal.aborted) return;
      snap = await load();
      if (!snap) return;
      step = nextStep(snap);
    }
    if (step.kind === 'idle') {
      if (control.wake) {
        control.wake = false;
        continue;
      }
      control.finished = true; // no await between the wake check and this
      return;
    }

    if (step.kind === 'finish') {
      let tries = 0;
      const { ended, resolved } = await guard.run('end the discussion', () => {
        tries++;
        return finishDiscussion(ctx.db, id);
      });
      // After a failed try the end may have been stored all the same (the answer to COMMIT was lost): announce it anyway.
      if (ended || tries > 1) await guard.run('announce the end', () => ctx.announce(id, { interruptions: resolved, discussionChanged: true }));
      continue;
    }

    const outcome = await speak(ctx, snap, step, control.signal, guard);
    if (outcome === 'cancelled') return;
    const spoken = snap;
    let tries = 0;
    // The spoken step is kept here until it is stored: a failed write is tried again with it, the model is not asked again.
    const recorded = await guard.run('store the step', () => {
      tries++;
      return recordStep(ctx.db, {
        discussionId: id,
        type: spoken.row.discussionType,
        step,
        expectedSteps: spoken.settings.run.steps,
        assistantId: spoken.participants.find((p) => p.row.id === step.participantId)!.assistant.id,
        ...outcome,
      });
    });
    ctx.setTurn(id, null);
    if (recorded === 'stale') {
      // After a failed try this step may have been stored all the same (the answer to COMMIT was lost): announce what is new.
      if (tries > 1) await guard.run('announce the step', () => announceSince(ctx, id, spoken));
      continue;
    }
    await ctx.checkpoints.afterPersist?.(id, recorded.message.id);
    if (control.signal.aborted) return;
    await guard.run('announce the step', () => ctx.announce(id, { message: recorded.message, interruptions: recorded.interruptions, discussionChanged: recorded.statusChanged }));
  }
}

/** Announces the messages stored after `before` was read. */
async function announceSince(ctx: EngineContext, id: number, before: Snapshot): Promise<void> {
  const known = new Set(before.messages.map((m) => m.id));
  const now = await loadSnapshot(ctx.db, id);
  for (const message of now?.messages.filter((m) => !known.has(m.id)) ?? []) await ctx.announce(id, { message, discussionChanged: true });
}

interface SpokenStep {
  output: StepOutput;
  usage: TokenUsage;
  calls: TokenUsage[];
  offered: NoteReference[];
}

/** The notes offered to a turn; semantic search failing leaves the lexical ones and a line in the log, never a failed turn. */
async function references(ctx: EngineContext, snap: Snapshot, signal: AbortSignal, guard: StorageGuard): Promise<NoteReference[]> {
  const { vaultId, run } = snap.settings;
  const found = await guard.run('find the notes to offer', () => findReferences(ctx, vaultId, run.topic, signal));
  const error = found.semantic.error;
  if (error && error.kind !== 'cancelled') {
    ctx.log('warn', 'semantic search failed; lexical references only', { discussionId: snap.row.id, kind: error.kind, status: error.detail.status, cause: error.detail.cause });
  }
  return found.notes;
}

/** Runs the model for one step; 'cancelled' when the engine stopped during it (nothing is stored then). */
async function speak(ctx: EngineContext, snap: Snapshot, step: SpeakingStep, signal: AbortSignal, guard: StorageGuard): Promise<SpokenStep | 'cancelled'> {
  const speaker = snap.participants.find((p) => p.row.id === step.participantId)!;
  const language = await guard.run('read the language', () => ctx.language());
  const failed = (reason: string): SpokenStep => ({ output: { ok: false, failure: { kind: 'provider', reason } }, usage: ZERO_USAGE, calls: [], offered: [] });
  if (speaker.assistant.deletedAt || !speaker.assistant.isActive) {
    const key = speaker.assistant.deletedAt ? 'ai.discussion.assistant-deleted' : 'ai.discussion.assistant-inactive';
    return failed(format(MESSAGES[language][key], { name: speaker.assistant.name }));
  }
  let model: ChatModel;
  let config: AssistantModelConfig;
  try {
    config = modelConfigOf(speaker.assistant, ctx.secrets);
    model = ctx.models(config);
  } catch (e) {
    if (e instanceof AiError) return failed(aiErrorSentence(e, language));
    throw e;
  }

  const { settings } = snap;
  const cites = step.kind === 'turn' || step.kind === 'opening' || step.kind === 'review';
  const offered = settings.consultVault && cites ? await references(ctx, snap, signal, guard) : [];
  // The engine stopped while the notes were found (their embedding cancelled): no call is started.
  if (signal.aborted) return 'cancelled';
  const request = { ...buildRequest(snap, step, offered), temperature: config.settings.temperature, maxOutputTokens: config.settings.maxOutputTokens, signal };

  let turn: CurrentTurn | null = null;
  const base = { participantId: step.participantId, kind: step.kind, round: step.round, phase: step.phase };
  const call = {
    model,
    request,
    language,
    onAttempt: (attempt: number) => {
      turn = { turnId: `${snap.row.id}-${settings.run.steps + 1}-${attempt}`, ...base, attempt, text: '', startedAt: new Date().toISOString() };
      ctx.setTurn(snap.row.id, turn);
      ctx.emit(snap.row.id, { event: 'turn', data: { discussionId: snap.row.id, turn } });
      void ctx.publishState(snap.row.id);
    },
    onText: (delta: string) => {
      if (!turn) return;
      const first = turn.text === '';
      turn.text += delta;
      ctx.emit(snap.row.id, { event: 'delta', data: { discussionId: snap.row.id, turnId: turn.turnId, text: delta } });
      // thinking → speaking is a change of state worth telling; further tokens are not.
      if (first) void ctx.publishState(snap.row.id);
    },
  };
  try {
    if (step.kind === 'judgement') {
      const r = await runTurn({ ...call, schema: judgementOutputSchema, textField: 'summary' });
      return r.ok ? { output: { ok: true, kind: 'judgement', object: r.object }, usage: r.usage, calls: r.calls, offered } : { output: { ok: false, failure: r.failure }, usage: r.usage, calls: r.calls, offered };
    }
    const r = await runTurn({ ...call, schema: turnOutputSchema, textField: 'content' });
    return r.ok ? { output: { ok: true, kind: 'turn', object: r.object }, usage: r.usage, calls: r.calls, offered } : { output: { ok: false, failure: r.failure }, usage: r.usage, calls: r.calls, offered };
  } catch (e) {
    if (e instanceof AiError && e.kind === 'cancelled') return 'cancelled';
    throw e;
  }
}
