/**
 * "Draft a plan from the consensus": when the pane offers it, who may draft it, and what a refusal
 * says. The plan itself is drafted by the daemon (POST /plans/draft with the discussion's id).
 */
import type { Discussion } from '../../../../shared/contracts/discussions';
import { DaemonError } from '../../daemon/client';
import type { Translate } from '../../i18n';
import { errorSentence } from '../librarian/error-text';

/** Only a discussion that completed with a consensus has something to plan from. */
export function canDraftPlan(discussion: Pick<Discussion, 'status' | 'consensusReached' | 'consensusSummary'>): boolean {
  return discussion.status === 'completed' && discussion.consensusReached && (discussion.consensusSummary?.trim() ?? '') !== '';
}

export interface DraftingAssistant {
  assistantId: number;
  name: string;
}

/** The assistants that may draft the plan: the discussion's own, the moderator first (the default). */
export function draftingAssistants(discussion: Pick<Discussion, 'participants'>): DraftingAssistant[] {
  const rank = (role: string) => (role === 'moderator' ? 0 : 1);
  return [...discussion.participants].sort((a, b) => rank(a.role) - rank(b.role)).map((p) => ({ assistantId: p.assistantId, name: p.name }));
}

/**
 * One sentence for a draft that failed: no consensus in the pane's words; any other refusal
 * (the provider failing, the plan rules broken twice, an assistant not configured) in the daemon's.
 */
export function draftErrorSentence(e: unknown, t: Translate): string {
  if (e instanceof DaemonError && e.reason.code === 'http-error') {
    if (e.reason.status === 409 && e.body?.error.code === 'no_consensus') return t('discussions.plan.no-consensus');
    return e.reason.message;
  }
  return errorSentence(e, t);
}
