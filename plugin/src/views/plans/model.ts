import type { PlanAction, PlanStatus } from '../../../../shared/contracts/plans';
import type { PlanSummary } from '../../daemon/plans-schemas';

/**
 * The order of the status groups in the pane: what waits for the person first (to review, to
 * revise), then their own drafts, then the decided plans.
 */
export const STATUS_ORDER: readonly PlanStatus[] = ['under_review', 'submitted', 'revision_requested', 'draft', 'approved', 'rejected'];

export interface PlanGroup<P> {
  status: PlanStatus;
  plans: P[];
}

/** Plans grouped by status in STATUS_ORDER, empty groups left out; each group keeps the given order. */
export function groupByStatus<P extends Pick<PlanSummary, 'status'>>(plans: readonly P[]): PlanGroup<P>[] {
  return STATUS_ORDER.map((status) => ({ status, plans: plans.filter((p) => p.status === status) })).filter((g) => g.plans.length > 0);
}

/** Approved and rejected plans are decided: nothing more happens to them but a copy or a deletion. */
export const isDecided = (status: PlanStatus) => status === 'approved' || status === 'rejected';

/** The actions the pane offers. */
export type PaneAction = Exclude<PlanAction, 'delete'>;

/**
 * The order of the action buttons: the next step of the review first, the rarer ones last. Deleting
 * is not offered in the pane: a plan and its history are kept.
 */
const BUTTON_ORDER: readonly PaneAction[] = ['start_review', 'approve', 'request_revision', 'reject', 'submit', 'edit', 'copy'];
/** The step that moves a plan forward; shown as the call to action. */
const PRIMARY: ReadonlySet<PaneAction> = new Set(['start_review', 'approve', 'submit']);

export interface ActionButton {
  action: PaneAction;
  primary: boolean;
}

/** The buttons for the actions the daemon allows now (`plan.allowedActions`), and only those (delete aside). */
export function actionButtons(allowed: readonly PlanAction[]): ActionButton[] {
  const present = BUTTON_ORDER.filter((a) => allowed.includes(a));
  const primary = present.find((a) => PRIMARY.has(a));
  return present.map((action) => ({ action, primary: action === primary }));
}

/** Approve, reject and request revision open the decision form instead of acting at once. */
export type DecisionAction = Extract<PlanAction, 'approve' | 'reject' | 'request_revision'>;
export const isDecision = (action: PlanAction): action is DecisionAction =>
  action === 'approve' || action === 'reject' || action === 'request_revision';
