import * as z from 'zod/mini';
import type {
  ApprovalAction,
  DiffSegment,
  NotificationApi,
  PlanAction,
  PlanApprovalApi,
  PlanCondition,
  PlanDetail,
  PlanDiff,
  PlanNoteData,
  PlanStatus,
  PlanVersionApi,
  TextDiffField,
} from '../../../shared/contracts/plans';
import type { CostItem, Milestone, Person, Resources, Timeline } from '../../../shared/plans/schemas';

/*
 * zod/mini copies of the plan contracts the Plans pane reads (shared/contracts/plans.ts), each
 * annotated with the shared type so a contract change they do not follow is a compile error. The
 * enums are copied, not imported: the contracts' values would bring zod's full API into main.js.
 */

export const PLAN_STATUS_VALUES = ['draft', 'submitted', 'under_review', 'approved', 'rejected', 'revision_requested'] as const satisfies readonly PlanStatus[];
export const PLAN_ACTION_VALUES = ['edit', 'submit', 'start_review', 'approve', 'reject', 'request_revision', 'copy', 'delete'] as const satisfies readonly PlanAction[];
const APPROVAL_ACTION_VALUES = ['approve', 'reject', 'request_revision'] as const satisfies readonly ApprovalAction[];
const APPROVAL_STATUS_VALUES = ['pending', 'approved', 'rejected', 'revision_requested'] as const satisfies readonly PlanApprovalApi['status'][];
const APPROVER_TYPE_VALUES = ['user', 'assistant', 'system'] as const satisfies readonly PlanApprovalApi['approverType'][];
const TEXT_DIFF_FIELD_VALUES = ['title', 'description', 'objective', 'scope', 'riskAssessment', 'startDate', 'endDate', 'currency'] as const satisfies readonly TextDiffField[];

const nullableString = z.nullable(z.string());

const milestoneSchema: z.ZodMiniType<Milestone> = z.object({
  name: z.string(),
  date: z.string(),
  description: z.optional(nullableString),
});
const timelineSchema: z.ZodMiniType<Timeline> = z.object({ startDate: z.string(), endDate: z.string(), milestones: z.array(milestoneSchema) });
const personSchema: z.ZodMiniType<Person> = z.object({
  name: z.string(),
  role: z.optional(nullableString),
  allocation: z.optional(z.number()),
});
const costItemSchema: z.ZodMiniType<CostItem> = z.object({ name: z.string(), amount: z.number() });
const resourcesSchema: z.ZodMiniType<Resources> = z.object({
  people: z.array(personSchema),
  cost: z.nullable(z.object({ currency: z.string(), items: z.array(costItemSchema) })),
  dependencies: z.array(z.string()),
});

const approvalSchema: z.ZodMiniType<PlanApprovalApi> = z.object({
  id: z.number(),
  planId: z.number(),
  approverType: z.enum(APPROVER_TYPE_VALUES),
  approverId: z.nullable(z.number()),
  action: z.enum(APPROVAL_ACTION_VALUES),
  status: z.enum(APPROVAL_STATUS_VALUES),
  comments: nullableString,
  conditions: z.array(z.string()),
  approvalDate: z.string(),
  createdAt: z.string(),
});
const conditionSchema: z.ZodMiniType<PlanCondition> = z.object({ text: z.string(), approvalId: z.number(), action: z.enum(APPROVAL_ACTION_VALUES) });

/** What a plan and each of its versions hold. */
const contentFields = {
  title: z.string(),
  description: nullableString,
  objective: z.string(),
  scope: nullableString,
  timeline: timelineSchema,
  resources: resourcesSchema,
  riskAssessment: nullableString,
  successCriteria: z.array(z.string()),
};

const planFields = {
  ...contentFields,
  id: z.number(),
  status: z.enum(PLAN_STATUS_VALUES),
  version: z.number(),
  assistantId: z.number(),
  assistantName: nullableString,
  workflowId: z.nullable(z.number()),
  submittedAt: nullableString,
  approvedAt: nullableString,
  rejectedAt: nullableString,
  rejectionReason: nullableString,
  allowedActions: z.array(z.enum(PLAN_ACTION_VALUES)),
  conditions: z.array(conditionSchema),
  createdAt: z.string(),
  updatedAt: z.string(),
};

/** A plan as listed (GET /plans items: no approval history). */
export type PlanSummary = Omit<PlanDetail, 'approvals'>;
export const planListSchema: z.ZodMiniType<{ items: PlanSummary[]; total: number }> = z.object({
  items: z.array(z.object(planFields)),
  total: z.number(),
});
export const planDetailSchema: z.ZodMiniType<PlanDetail> = z.object({ ...planFields, approvals: z.array(approvalSchema) });

export const planVersionListSchema: z.ZodMiniType<{ items: PlanVersionApi[]; total: number }> = z.object({
  items: z.array(
    z.object({
      id: z.number(),
      planId: z.number(),
      versionNumber: z.number(),
      ...contentFields,
      changeSummary: nullableString,
      createdBy: z.nullable(z.number()),
      createdAt: z.string(),
    }),
  ),
  total: z.number(),
});

const segmentSchema: z.ZodMiniType<DiffSegment> = z.object({ op: z.enum(['equal', 'insert', 'delete']), text: z.string() });
function itemsDiff<T>(item: z.ZodMiniType<T>) {
  return z.object({
    added: z.array(item),
    removed: z.array(item),
    changed: z.array(z.object({ key: z.string(), before: item, after: item })),
    unchanged: z.number(),
  });
}
export const planDiffSchema: z.ZodMiniType<PlanDiff> = z.object({
  planId: z.number(),
  from: z.number(),
  to: z.number(),
  changed: z.boolean(),
  text: z.array(z.object({ field: z.enum(TEXT_DIFF_FIELD_VALUES), changed: z.boolean(), segments: z.array(segmentSchema) })),
  milestones: itemsDiff(milestoneSchema),
  people: itemsDiff(personSchema),
  costItems: itemsDiff(costItemSchema),
  dependencies: itemsDiff(z.string()),
  successCriteria: itemsDiff(z.string()),
});

export const planNoteDataSchema: z.ZodMiniType<PlanNoteData> = z.object({
  plan: planDetailSchema,
  language: z.enum(['en', 'ja']),
  template: z.nullable(z.object({ path: z.string(), content: z.string() })),
});

export const notificationSchema: z.ZodMiniType<NotificationApi> = z.object({
  id: z.string(),
  type: z.enum(['plan_drafted']),
  message: z.string(),
  planId: z.nullable(z.number()),
  read: z.boolean(),
  createdAt: z.string(),
});
export const notificationListSchema: z.ZodMiniType<{ items: NotificationApi[]; total: number }> = z.object({
  items: z.array(notificationSchema),
  total: z.number(),
});
