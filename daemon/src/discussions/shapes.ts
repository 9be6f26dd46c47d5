/**
 * The shape of each discussion type: which phase a round is in, what speakers are asked to do in
 * it, whether the moderator may end the discussion on consensus after it, and what the moderator
 * weighs. Pure; the scheduler (next-step.ts) and the prompts (prompts.ts) read it.
 */
import type { DiscussionPhase, DiscussionType } from '../../../shared/contracts/discussions';

/**
 * The phase of a round. `roundInTopic` counts from 1 since the topic was set (a redirect starts the
 * shape again); `roundsLeft` is how many rounds the topic can still have, this one included, so
 * that a short discussion still reaches its deciding phase in its last round.
 */
export function phaseOf(type: DiscussionType, roundInTopic: number, roundsLeft: number): DiscussionPhase {
  const lastRound = roundsLeft <= 1;
  switch (type) {
    case 'collaborative':
      return 'build';
    case 'debate':
      return 'argue';
    case 'brainstorming': {
      // Diverge for the first half of the rounds available to the topic, then converge.
      const total = roundInTopic - 1 + roundsLeft;
      return roundInTopic <= Math.floor(total / 2) && !lastRound ? 'diverge' : 'converge';
    }
    case 'problem_solving': {
      if (lastRound) return 'decide';
      const order: DiscussionPhase[] = ['define', 'options', 'evaluate', 'decide'];
      return order[Math.min(roundInTopic - 1, order.length - 1)]!;
    }
  }
}

/** Whether consensus after a round of this phase ends the discussion (diverging and defining are not for agreeing). */
export function mayConclude(phase: DiscussionPhase): boolean {
  return phase !== 'diverge' && phase !== 'define' && phase !== 'options' && phase !== 'evaluate';
}

/** What a speaker is asked to do in each phase. */
export const PHASE_GUIDE: Record<DiscussionPhase, string> = {
  opening: 'Open the discussion: state the topic and the question to settle, say what a good outcome looks like, and invite the participants.',
  build: "Build on the previous speaker's contribution: extend it, improve it or fill its gaps, and say what you take from it. Do not simply repeat it.",
  argue: 'Argue your stance with concrete reasons and evidence, and answer the strongest point of the opposing side.',
  diverge: 'Brainstorm: add new, different ideas. Do not criticise or narrow down yet; quantity and variety matter now.',
  converge: 'Converge: group the ideas so far, keep the most promising ones and propose which to pursue, with reasons.',
  define: 'Define the problem: what exactly is to be solved, its constraints, and what a solution must achieve.',
  options: 'Propose options: distinct ways to solve the problem as defined, each in a sentence or two.',
  evaluate: 'Evaluate the options against the constraints and goals: benefits, costs and risks of each.',
  decide: 'Decide: propose the option to choose (or a combination) and say why; agree or disagree with proposals made.',
  closing: 'The discussion is closing.',
};

/** What the moderator weighs when judging consensus after a round. */
export function judgeGuide(type: DiscussionType, phase: DiscussionPhase): string {
  const conclude = mayConclude(phase)
    ? 'Set reached to true only when the speakers genuinely agree on an answer to the topic.'
    : `This round was a ${phase} round, which is not for agreeing: set reached to false and judge how well the discussion is progressing.`;
  switch (type) {
    case 'debate':
      return `Weigh the arguments of each side on their merits (evidence, reasoning, answers to the other side), say which is stronger and where they could meet. ${conclude}`;
    case 'brainstorming':
      return `Judge the range and quality of the ideas so far and, when converging, whether the speakers agree on which to pursue. ${conclude}`;
    case 'problem_solving':
      return `Judge whether the problem-solving step of this round is done well and whether the speakers agree on the decision. ${conclude}`;
    case 'collaborative':
      return `Judge whether the speakers' contributions have come together into a shared answer. ${conclude}`;
  }
}

/** A debate participant without a stance of their own gets one of these, alternately. */
export const DEFAULT_STANCES = { ja: ['賛成', '反対'], en: ['For', 'Against'] } as const;
