/**
 * An approved plan becomes a workflow (design §3.4, §3.8: plans.workflow_id): one task per
 * milestone, in date order, each depending on the one before (milestones are sequential steps of
 * one timeline, so a later one cannot start before the earlier one is completed or cancelled).
 *
 * The workflow is created `active` (approval is the go-ahead) with type `plan` and
 * `metadata.planId`; each task is type `milestone`, due on the milestone's date (a bare date is
 * midnight UTC), assigned to `assistantId` when given (it must be an active assistant), and its
 * `created` history entry says which plan it came from.
 *
 * Runs inside the caller's transaction; after it commits, the caller must mark the workflow
 * summary dirty (`SummaryRefresher.markDirty()`), as every other workflow write does.
 */
import { and, eq, isNull, sql } from 'drizzle-orm';
import { isoDateOrDateTime } from '../../../shared/contracts/workflows';
import type { Tx } from '../db/drivers';
import { plans, workflows } from '../db/schema';
import { ApiError, conflict, notFound } from '../server/errors';
import { checkAssistant, dueDateOf, insertTask } from './tasks';
import { insertWorkflow } from './workflows';

const milestoneDate = isoDateOrDateTime('milestone date');

/** Column limits (varchar(100)); longer titles are cut with an ellipsis rather than refused. */
const fit = (s: string, max: number) => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);

export async function createWorkflowFromPlan(
  tx: Tx,
  input: {
    planId: number;
    title: string;
    description: string | null;
    milestones: Array<{ name: string; date: string; description?: string | null }>;
    createdBy: number;
    assistantId: number | null;
  },
): Promise<{ workflowId: number; taskIds: number[] }> {
  const title = input.title.trim();
  if (!title) throw new ApiError(400, 'validation_failed', 'The plan has no title to name its workflow');
  const milestones = input.milestones.map((m, i) => {
    const name = m.name.trim();
    if (!name) throw new ApiError(400, 'validation_failed', `Milestone ${i + 1} has no name`);
    const date = milestoneDate.safeParse(m.date);
    if (!date.success) throw new ApiError(400, 'validation_failed', `Milestone ${i + 1} "${name}": ${date.error.issues[0]?.message}`);
    return { name, date: date.data, at: dueDateOf(date.data)!.getTime(), description: m.description ?? null, order: i };
  });
  // Date order; milestones on the same date keep the plan's order.
  milestones.sort((a, b) => a.at - b.at || a.order - b.order);

  const [plan] = await tx
    .select({ id: plans.id, workflowId: plans.workflowId })
    .from(plans)
    .where(and(eq(plans.id, input.planId), isNull(plans.deletedAt)))
    .for('update');
  if (!plan) throw notFound('Plan', input.planId);
  if (plan.workflowId !== null) {
    const [existing] = await tx.select({ id: workflows.id }).from(workflows).where(and(eq(workflows.id, plan.workflowId), isNull(workflows.deletedAt)));
    if (existing) throw conflict('plan_has_workflow', `Plan ${input.planId} already has workflow ${existing.id}`, { workflowId: existing.id });
  }
  if (input.assistantId !== null) await checkAssistant(tx, input.assistantId);

  const workflowId = await insertWorkflow(
    tx,
    { name: fit(title, 100), description: input.description, workflowType: 'plan', metadata: { planId: input.planId } },
    input.createdBy,
  );
  await tx.update(workflows).set({ status: 'active', startedAt: sql`now()` }).where(eq(workflows.id, workflowId));

  const ctx = { userId: input.createdBy, reason: `created from plan ${input.planId}` };
  const taskIds: number[] = [];
  for (const m of milestones) {
    const previous = taskIds.at(-1);
    taskIds.push(
      await insertTask(
        tx,
        workflowId,
        {
          name: fit(m.name, 100),
          description: m.description,
          taskType: 'milestone',
          dueDate: m.date,
          assignedAssistantId: input.assistantId,
          dependencies: previous === undefined ? [] : [previous],
        },
        ctx,
      ),
    );
  }
  await tx.update(plans).set({ workflowId }).where(eq(plans.id, input.planId));
  return { workflowId, taskIds };
}
