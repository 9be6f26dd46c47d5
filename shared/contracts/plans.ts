/**
 * Plan approvals (プラン承認, design §3.8): plans with a strict state machine, versions with diffs,
 * approvals with conditions, notes generated from plans, plans drafted by an assistant, and the
 * notifications those drafts raise. See docs/plans.md.
 *
 * Concurrency: every change carries `expectedVersion`, the `version` the client last saw. A stale one
 * is refused with 409 `stale_version`; an action the current status does not allow with 409
 * `illegal_transition` (details: the current status and the allowed actions).
 */
import { z } from 'zod';
import {
  costItemSchema,
  MAX_ITEM_CHARS,
  milestoneSchema,
  personSchema,
  planContentSchema,
  planFields,
  resourcesSchema,
  timelineSchema,
} from '../plans/schemas';
import { endpoint } from './endpoint';
import { id, idParams, optionalText, text, timestamp } from './fields';
import { listOf, pageQuerySchema } from './list';
import { configDirParam } from './vaults';

export const PLAN_STATUSES = ['draft', 'submitted', 'under_review', 'approved', 'rejected', 'revision_requested'] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];

/** What can be done to a plan; which of them the current status allows is `plan.allowedActions`. */
export const PLAN_ACTIONS = ['edit', 'submit', 'start_review', 'approve', 'reject', 'request_revision', 'copy', 'delete'] as const;
export type PlanAction = (typeof PLAN_ACTIONS)[number];

export const APPROVAL_ACTIONS = ['approve', 'reject', 'request_revision'] as const;
export type ApprovalAction = (typeof APPROVAL_ACTIONS)[number];
export const APPROVAL_STATUSES = ['pending', 'approved', 'rejected', 'revision_requested'] as const;
export const APPROVER_TYPES = ['user', 'assistant', 'system'] as const;

export const MAX_CONDITIONS = 50;
export const MAX_COMMENT_CHARS = 10_000;

/** One recorded decision (plan_approvals): approve, reject or request revision. */
export const planApprovalSchema = z.object({
  id,
  planId: id,
  approverType: z.enum(APPROVER_TYPES),
  /** users.id or ai_assistants.id depending on approverType. */
  approverId: id.nullable(),
  action: z.enum(APPROVAL_ACTIONS),
  status: z.enum(APPROVAL_STATUSES),
  comments: z.string().nullable(),
  conditions: z.array(z.string()),
  approvalDate: timestamp,
  createdAt: timestamp,
});
export type PlanApprovalApi = z.output<typeof planApprovalSchema>;

/** A condition attached to an approval (or a revision request), shown on the plan and as a checkbox in its note. */
export const planConditionSchema = z.object({
  text: z.string(),
  approvalId: id,
  action: z.enum(APPROVAL_ACTIONS),
});
export type PlanCondition = z.output<typeof planConditionSchema>;

/** A plan as listed. */
export const planSchema = z.object({
  id,
  title: z.string(),
  description: z.string().nullable(),
  objective: z.string(),
  scope: z.string().nullable(),
  status: z.enum(PLAN_STATUSES),
  /** Bumped by every edit; send it back as `expectedVersion`. */
  version: z.number().int().min(1),
  assistantId: id,
  assistantName: z.string().nullable(),
  workflowId: id.nullable(),
  timeline: timelineSchema,
  resources: resourcesSchema,
  riskAssessment: z.string().nullable(),
  successCriteria: z.array(z.string()),
  submittedAt: timestamp.nullable(),
  approvedAt: timestamp.nullable(),
  rejectedAt: timestamp.nullable(),
  rejectionReason: z.string().nullable(),
  /** The actions the current status allows (the state machine), for the buttons to show. */
  allowedActions: z.array(z.enum(PLAN_ACTIONS)),
  /** Conditions of every approval record, oldest first. */
  conditions: z.array(planConditionSchema),
  createdAt: timestamp,
  updatedAt: timestamp,
});
export type PlanApi = z.output<typeof planSchema>;

/** A plan with its approval history (oldest first): GET /plans/:id and every change. */
export const planDetailSchema = planSchema.extend({ approvals: z.array(planApprovalSchema) });
export type PlanDetail = z.output<typeof planDetailSchema>;

const expectedVersion = z
  .number({ error: 'expectedVersion must be a number: the version of the plan you are acting on' })
  .int('expectedVersion must be a whole number')
  .min(1, 'expectedVersion must be at least 1');
const comments = optionalText(MAX_COMMENT_CHARS, 'comments').optional();
const conditions = z
  .array(text(MAX_ITEM_CHARS, 'a condition'))
  .max(MAX_CONDITIONS, `at most ${MAX_CONDITIONS} conditions`)
  .default([]);

/**
 * `assistantId`: the assistant the plan is filed under (design: plans.assistant_id NOT NULL). When a
 * person writes the plan and leaves it out, the first active assistant (lowest id) is used.
 */
export const planCreateSchema = planContentSchema.extend({ assistantId: id.optional() }).strict();

const contentKeys = Object.keys(planFields) as Array<keyof typeof planFields>;
export const planUpdateSchema = z
  .object({
    expectedVersion,
    /** Recorded with the version snapshot once the plan has been submitted; generated when absent. */
    changeSummary: optionalText(MAX_ITEM_CHARS, 'changeSummary').optional(),
    ...z.object(planFields).partial().shape,
  })
  .strict()
  .refine((v) => contentKeys.some((k) => v[k] !== undefined), `send at least one field to change (${contentKeys.join(', ')})`);

export const planTransitionSchema = z.object({ expectedVersion }).strict();
export const planApproveSchema = z
  .object({
    expectedVersion,
    comments,
    conditions,
    /** Also create a workflow with one task per milestone (asked at approval; see docs/workflows.md). */
    createWorkflow: z.boolean({ error: 'createWorkflow must be true or false' }).optional(),
  })
  .strict();
export const planRejectSchema = z
  .object({ expectedVersion, reason: text(MAX_COMMENT_CHARS, 'reason'), comments })
  .strict();
export const planRequestRevisionSchema = z
  .object({ expectedVersion, comments: text(MAX_COMMENT_CHARS, 'comments'), conditions })
  .strict();
export const planDeleteQuerySchema = z.object({
  expectedVersion: z.coerce.number({ error: 'expectedVersion must be a number' }).int().min(1, 'expectedVersion must be at least 1'),
});

const positive = (what: string) => z.coerce.number({ error: `${what} must be a number` }).int(`${what} must be a whole number`).positive(`${what} must be positive`).max(Number.MAX_SAFE_INTEGER);

export const planListQuerySchema = pageQuerySchema.extend({
  status: z.enum(PLAN_STATUSES, { error: `status must be one of ${PLAN_STATUSES.join(', ')}` }).optional(),
  assistantId: positive('assistantId').optional(),
  workflowId: positive('workflowId').optional(),
});

/** A snapshot in plan_versions: the content as it was at that version. */
export const planVersionSchema = z.object({
  id,
  planId: id,
  versionNumber: z.number().int().min(1),
  title: z.string(),
  description: z.string().nullable(),
  objective: z.string(),
  scope: z.string().nullable(),
  timeline: timelineSchema,
  resources: resourcesSchema,
  riskAssessment: z.string().nullable(),
  successCriteria: z.array(z.string()),
  changeSummary: z.string().nullable(),
  /** The user who made the change; null when an assistant drafted it. */
  createdBy: id.nullable(),
  createdAt: timestamp,
});
export type PlanVersionApi = z.output<typeof planVersionSchema>;

// ---------------------------------------------------------------------------------------------
// Comparing two versions (computed by shared/plans/diff.ts)
// ---------------------------------------------------------------------------------------------

export const DIFF_OPS = ['equal', 'insert', 'delete'] as const;
/** A run of words that is in both texts, only in the newer (insert) or only in the older (delete). */
export const diffSegmentSchema = z.object({ op: z.enum(DIFF_OPS), text: z.string() });
export type DiffSegment = z.output<typeof diffSegmentSchema>;

export const TEXT_DIFF_FIELDS = ['title', 'description', 'objective', 'scope', 'riskAssessment', 'startDate', 'endDate', 'currency'] as const;
export type TextDiffField = (typeof TEXT_DIFF_FIELDS)[number];
export const textDiffSchema = z.object({
  field: z.enum(TEXT_DIFF_FIELDS),
  changed: z.boolean(),
  /** Word-level (Japanese included); joining every non-delete segment gives the newer text. */
  segments: z.array(diffSegmentSchema),
});
export type TextDiff = z.output<typeof textDiffSchema>;

function itemsDiffSchema<T extends z.ZodType>(item: T) {
  return z.object({
    added: z.array(item),
    removed: z.array(item),
    /** Same item (same name; for plain text lists: an edited line at the same place), different content. */
    changed: z.array(z.object({ key: z.string(), before: item, after: item })),
    unchanged: z.number().int(),
  });
}
export const planDiffSchema = z.object({
  planId: id,
  from: z.number().int(),
  to: z.number().int(),
  changed: z.boolean(),
  text: z.array(textDiffSchema),
  milestones: itemsDiffSchema(milestoneSchema),
  people: itemsDiffSchema(personSchema),
  costItems: itemsDiffSchema(costItemSchema),
  dependencies: itemsDiffSchema(z.string()),
  successCriteria: itemsDiffSchema(z.string()),
});
export type PlanDiff = z.output<typeof planDiffSchema>;
export type ItemsDiff<T> = { added: T[]; removed: T[]; changed: Array<{ key: string; before: T; after: T }>; unchanged: number };

export const planCompareQuerySchema = z.object({ from: positive('from'), to: positive('to') });

// ---------------------------------------------------------------------------------------------
// The plan's note (rendered and written by the plugin with shared/plans/note.ts)
// ---------------------------------------------------------------------------------------------

/** The file in the vault's template folder that replaces the default note template. */
export const PLAN_TEMPLATE_FILE = 'hisho-plan.md';

export const planNoteQuerySchema = z.object({
  /** The vault whose template folder may hold PLAN_TEMPLATE_FILE; without it the default template is used. */
  vaultId: positive('vaultId').optional(),
  /** That vault's Obsidian config folder, where its template folder may be set (see configDirParam). */
  configDir: configDirParam,
});
export const planNoteDataSchema = z.object({
  plan: planDetailSchema,
  /** The user's language preference: the default template's headings and dates follow it. */
  language: z.enum(['en', 'ja']),
  /** The vault's own template, when it has one; null: use the default. */
  template: z.object({ path: z.string(), content: z.string() }).nullable(),
});
export type PlanNoteData = z.output<typeof planNoteDataSchema>;

// ---------------------------------------------------------------------------------------------
// Drafting by an assistant, and the notification it raises
// ---------------------------------------------------------------------------------------------

export const MAX_DRAFT_PROMPT_CHARS = 20_000;

export const planDraftRequestSchema = z
  .object({
    /** The assistant that drafts; default: the first active assistant. */
    assistantId: id.optional(),
    /** What to plan, in the person's words. */
    prompt: text(MAX_DRAFT_PROMPT_CHARS, 'prompt').optional(),
    /** Draft from this discussion's topic and consensus summary. */
    discussionId: id.optional(),
  })
  .strict()
  .refine((v) => (v.prompt === undefined) !== (v.discussionId === undefined), 'send either prompt or discussionId (exactly one)');

export const NOTIFICATION_TYPES = ['plan_drafted'] as const;
export const notificationSchema = z.object({
  /** A UUID. */
  id: z.string(),
  type: z.enum(NOTIFICATION_TYPES),
  /** One sentence in the user's language, ready for an Obsidian Notice. */
  message: z.string(),
  planId: id.nullable(),
  read: z.boolean(),
  createdAt: timestamp,
});
export type NotificationApi = z.output<typeof notificationSchema>;
export const notificationListQuerySchema = z.object({
  unread: z.enum(['true', 'false'], { error: 'unread must be true or false' }).optional(),
});
export const notificationParams = z.object({ id: z.uuid({ error: 'id must be a notification id (a UUID)' }) });

export const planEndpoints = {
  list: endpoint({ method: 'get', path: '/plans', tag: 'plans', summary: 'List plans (newest change first), by status, assistant or workflow', query: planListQuerySchema, response: listOf(planSchema) }),
  create: endpoint({ method: 'post', path: '/plans', tag: 'plans', summary: 'Create a plan as a draft', body: planCreateSchema, response: planDetailSchema, status: 201 }),
  draft: endpoint({
    method: 'post',
    path: '/plans/draft',
    tag: 'plans',
    summary: 'Have an assistant draft a plan from a prompt or a discussion’s consensus; it arrives submitted, with a notification',
    body: planDraftRequestSchema,
    response: planDetailSchema,
    status: 201,
  }),
  get: endpoint({ method: 'get', path: '/plans/:id', tag: 'plans', summary: 'Get a plan with its approval history', params: idParams, response: planDetailSchema }),
  update: endpoint({ method: 'patch', path: '/plans/:id', tag: 'plans', summary: 'Edit a plan (draft or revision requested only)', params: idParams, body: planUpdateSchema, response: planDetailSchema }),
  remove: endpoint({ method: 'delete', path: '/plans/:id', tag: 'plans', summary: 'Delete a plan (soft delete)', params: idParams, query: planDeleteQuerySchema, status: 204 }),
  submit: endpoint({ method: 'post', path: '/plans/:id/submit', tag: 'plans', summary: 'Submit a draft or a revised plan for approval', params: idParams, body: planTransitionSchema, response: planDetailSchema }),
  startReview: endpoint({ method: 'post', path: '/plans/:id/start-review', tag: 'plans', summary: 'Start reviewing a submitted plan', params: idParams, body: planTransitionSchema, response: planDetailSchema }),
  approve: endpoint({ method: 'post', path: '/plans/:id/approve', tag: 'plans', summary: 'Approve a plan under review, with comments and conditions', params: idParams, body: planApproveSchema, response: planDetailSchema }),
  reject: endpoint({ method: 'post', path: '/plans/:id/reject', tag: 'plans', summary: 'Reject a plan under review, with the reason', params: idParams, body: planRejectSchema, response: planDetailSchema }),
  requestRevision: endpoint({ method: 'post', path: '/plans/:id/request-revision', tag: 'plans', summary: 'Ask for a revision of a plan under review, with comments and conditions', params: idParams, body: planRequestRevisionSchema, response: planDetailSchema }),
  copy: endpoint({ method: 'post', path: '/plans/:id/copy', tag: 'plans', summary: 'Copy a rejected plan into a new draft', params: idParams, response: planDetailSchema, status: 201 }),
  versions: endpoint({ method: 'get', path: '/plans/:id/versions', tag: 'plans', summary: 'The version snapshots of a plan (taken from its first submission on), oldest first', params: idParams, response: listOf(planVersionSchema) }),
  compare: endpoint({ method: 'get', path: '/plans/:id/compare', tag: 'plans', summary: 'Compare two versions of a plan field by field', params: idParams, query: planCompareQuerySchema, response: planDiffSchema }),
  approvals: endpoint({ method: 'get', path: '/plans/:id/approvals', tag: 'plans', summary: 'The approval history of a plan, oldest first', params: idParams, response: listOf(planApprovalSchema) }),
  note: endpoint({ method: 'get', path: '/plans/:id/note', tag: 'plans', summary: 'What the plugin needs to write the plan’s note: the plan, the language and the vault’s template', params: idParams, query: planNoteQuerySchema, response: planNoteDataSchema }),
};

export const notificationEndpoints = {
  list: endpoint({ method: 'get', path: '/notifications', tag: 'notifications', summary: 'The notifications of the last seven days, newest first', query: notificationListQuerySchema, response: listOf(notificationSchema) }),
  markRead: endpoint({ method: 'post', path: '/notifications/:id/read', tag: 'notifications', summary: 'Mark a notification as read', params: notificationParams, response: notificationSchema }),
};
