/** task_history (design §3.4.3): one row per changed thing, written in the transaction of the change. */
import { asc, eq } from 'drizzle-orm';
import type { TaskHistoryAction, TaskHistoryEntryApi } from '../../../shared/contracts/workflows';
import type { Db } from '../db/drivers';
import { taskHistory } from '../db/schema';
import { countRows, iso } from '../server/routes/list';

export interface HistoryChange {
  action: TaskHistoryAction;
  oldValue?: string | number | null;
  newValue?: string | number | null;
}

/** Who made the changes and why (the same for every row of one request). */
export interface ChangeContext {
  userId: number | null;
  reason: string | null;
}

const asText = (v: string | number | null | undefined): string | null => (v === null || v === undefined ? null : String(v));

export async function recordHistory(tx: Db, taskId: number, changes: readonly HistoryChange[], ctx: ChangeContext): Promise<void> {
  if (changes.length === 0) return;
  await tx.insert(taskHistory).values(
    changes.map((c) => ({
      taskId,
      action: c.action,
      oldValue: asText(c.oldValue),
      newValue: asText(c.newValue),
      changedBy: ctx.userId,
      changeReason: ctx.reason,
    })),
  );
}

export async function listHistory(db: Db, taskId: number, page: { limit: number; offset: number }): Promise<{ items: TaskHistoryEntryApi[]; total: number }> {
  const where = eq(taskHistory.taskId, taskId);
  const rows = await db.select().from(taskHistory).where(where).orderBy(asc(taskHistory.id)).limit(page.limit).offset(page.offset);
  return {
    items: rows.map((h) => ({
      id: h.id,
      taskId: h.taskId,
      action: h.action as TaskHistoryAction,
      oldValue: h.oldValue,
      newValue: h.newValue,
      changedBy: h.changedBy,
      reason: h.changeReason,
      createdAt: iso(h.createdAt),
    })),
    total: await countRows(db, taskHistory, where),
  };
}
