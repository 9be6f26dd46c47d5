import type { PlanApproveBody, PlanRejectBody, PlanRevisionBody } from '../../daemon/plans-client';
import type { DecisionAction } from './model';

/**
 * The decision form (approve, reject, request revision) as typed. Comments and conditions go with
 * an approval or a revision request; a rejection needs its reason. Blank condition rows are not
 * sent; `rows` gives each sent condition's row, to place the daemon's complaint next to it.
 * Approving a plan with milestones also asks whether to create its workflow (a task per
 * milestone), on by default; a plan without milestones has nothing to make tasks of.
 */
export interface DecisionForm {
  action: DecisionAction;
  comments: string;
  reason: string;
  conditions: string[];
  createWorkflow: boolean;
}

export const emptyDecision = (action: DecisionAction, hasMilestones = false): DecisionForm => ({
  action,
  comments: '',
  reason: '',
  conditions: [],
  createWorkflow: action === 'approve' && hasMilestones,
});

/** Conditions are asked for where the decision can carry them. */
export const takesConditions = (action: DecisionAction) => action !== 'reject';

export type DecisionRequest =
  | { action: 'approve'; body: PlanApproveBody }
  | { action: 'reject'; body: PlanRejectBody }
  | { action: 'request_revision'; body: PlanRevisionBody };

export function decisionRequest(form: DecisionForm): { request: DecisionRequest; rows: number[] } {
  const rows: number[] = [];
  const conditions: string[] = [];
  form.conditions.forEach((text, i) => {
    if (text.trim() === '') return;
    rows.push(i);
    conditions.push(text.trim());
  });
  const comments = form.comments.trim();
  switch (form.action) {
    case 'approve':
      return {
        request: { action: 'approve', body: { conditions, ...(comments ? { comments } : {}), ...(form.createWorkflow ? { createWorkflow: true } : {}) } },
        rows,
      };
    case 'reject':
      return { request: { action: 'reject', body: { reason: form.reason.trim(), ...(comments ? { comments } : {}) } }, rows: [] };
    case 'request_revision':
      // The daemon requires the comments here (what to revise) and says so when they are empty.
      return { request: { action: 'request_revision', body: { comments, conditions } }, rows };
  }
}

/** The decision form's input a body path belongs to: `comments`, `reason` or `conditions.<row>`. */
export function decisionInputKey(path: readonly string[], rows: readonly number[]): string | null {
  const [head, index] = path;
  if (head === 'comments' || head === 'reason') return head;
  if (head !== 'conditions') return null;
  const row = index === undefined ? undefined : rows[Number(index)];
  return row === undefined ? 'conditions' : `conditions.${row}`;
}
