/** Serving workflow_summary (design §7.2): the view, refreshed by SummaryRefresher before it is read. */
import { asc, count, eq } from 'drizzle-orm';
import type { z } from 'zod';
import type { WorkflowStatus, WorkflowSummaryApi, workflowSummaryListQuerySchema } from '../../../shared/contracts/workflows';
import type { Db } from '../db/drivers';
import { workflowSummary } from '../db/schema';
import type { SummaryRefresher } from './summary-refresher';
import { findWorkflow } from './workflows';

type SummaryRow = typeof workflowSummary.$inferSelect;

const toApi = (s: SummaryRow): WorkflowSummaryApi => ({
  workflowId: s.id,
  name: s.name,
  status: s.status as WorkflowStatus,
  totalTasks: s.totalTasks,
  completedTasks: s.completedTasks,
  // avg(numeric) arrives as a string such as '2.5000000000000000'.
  avgTaskHours: s.avgTaskHours === null ? null : Number(s.avgTaskHours),
});

export async function workflowSummaryOf(db: Db, refresher: SummaryRefresher, workflowId: number): Promise<WorkflowSummaryApi> {
  await findWorkflow(db, workflowId);
  await refresher.fresh();
  let [row] = await db.select().from(workflowSummary).where(eq(workflowSummary.id, workflowId));
  if (!row) {
    // A workflow committed by a caller that did not mark the view dirty (it should): refresh now.
    refresher.markDirty();
    await refresher.fresh();
    [row] = await db.select().from(workflowSummary).where(eq(workflowSummary.id, workflowId));
  }
  if (!row) throw new Error(`workflow_summary has no row for live workflow ${workflowId} after a refresh`);
  return toApi(row);
}

export async function listWorkflowSummaries(
  db: Db,
  refresher: SummaryRefresher,
  query: z.output<typeof workflowSummaryListQuerySchema>,
): Promise<{ items: WorkflowSummaryApi[]; total: number }> {
  await refresher.fresh();
  // The view holds live workflows only (drizzle/0007): no deleted_at filter needed.
  const where = query.status ? eq(workflowSummary.status, query.status) : undefined;
  const rows = await db.select().from(workflowSummary).where(where).orderBy(asc(workflowSummary.id)).limit(query.limit).offset(query.offset);
  const [total] = await db.select({ n: count() }).from(workflowSummary).where(where);
  return { items: rows.map(toApi), total: Number(total?.n ?? 0) };
}
