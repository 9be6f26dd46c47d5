/**
 * How a stored step moves the discussion's cursor (RunState). Pure; applied inside the
 * transaction that stores the step's message, to the run as it is then (a terminate that arrived
 * during the step has already set its stop reason, which nothing here overrides).
 */
import type { Consensus } from '../../../shared/contracts/discussions';
import { concludes } from './consensus';
import type { SpeakingStep } from './next-step';
import type { RunState } from './store';

export interface StepResult {
  /** The step's output was stored (false: a failed turn). */
  ok: boolean;
  /** The provider failed: the cursor stays, so resume retries the same step. */
  providerFailure: boolean;
  consensus?: Consensus;
  tokens: number;
  /** For an acknowledgement: the redirect's new topic. */
  redirectTopic?: string;
}

export function advance(current: RunState, step: SpeakingStep, r: StepResult, limits: { maxRounds: number; tokenBudget: number }): RunState {
  const run: RunState = { ...current, steps: current.steps + 1, tokensUsed: current.tokensUsed + r.tokens };
  const stop = (reason: NonNullable<RunState['stopReason']>) => {
    run.stopReason ??= reason;
  };
  if (!r.providerFailure) {
    switch (step.kind) {
      case 'opening':
        run.round = 1;
        run.turnIndex = 0;
        run.topicRound = 1;
        break;
      case 'acknowledgement':
        // The redirect applies even if the acknowledgement failed its schema: the user asked for it.
        if (r.redirectTopic) run.topic = r.redirectTopic;
        if (run.turnIndex > 0) {
          // The round in progress is cut; the new topic gets a fresh round.
          if (run.round >= limits.maxRounds) stop('round_limit');
          else run.round += 1;
        }
        run.turnIndex = 0;
        run.topicRound = run.round;
        break;
      case 'turn':
        if (step.advances) run.turnIndex += 1;
        break;
      case 'judgement':
        if (r.consensus) run.consensus = r.consensus;
        if (r.consensus && concludes(r.consensus, step.phase)) stop('consensus');
        else if (run.round >= limits.maxRounds) stop('round_limit');
        else {
          run.round += 1;
          run.turnIndex = 0;
        }
        break;
      case 'summary':
      case 'review':
        break;
    }
  }
  if (run.tokensUsed >= limits.tokenBudget) stop('token_budget');
  return run;
}
