/**
 * The moderator's consensus judgement after a round: explicit fields from a validated object
 * (progress, reached, summary, open points), never a word spotted in the text.
 */
import type { Consensus, DiscussionPhase } from '../../../shared/contracts/discussions';
import type { JudgementOutput } from './outputs';
import { mayConclude } from './shapes';

export function toConsensus(o: JudgementOutput): Consensus {
  const openPoints = o.open_points.map((p) => p.trim()).filter(Boolean);
  return { progress: Math.min(1, Math.max(0, o.progress)), reached: o.reached, summary: o.summary.trim(), openPoints };
}

/** Whether the judgement ends the discussion: consensus reached, in a phase meant for agreeing. */
export function concludes(c: Consensus, phase: DiscussionPhase): boolean {
  return c.reached && mayConclude(phase);
}
