import * as z from 'zod/mini';
import type {
  NotificationApi,
  PlanDetail,
  PlanDiff,
  PlanNoteData,
  PlanVersionApi,
  planApproveSchema,
  planCreateSchema,
  planDraftRequestSchema,
  planRejectSchema,
  planRequestRevisionSchema,
  planUpdateSchema,
} from '../../../shared/contracts/plans';
import { DaemonError, queryString, type DaemonClient } from './client';
import {
  notificationListSchema,
  notificationSchema,
  planDetailSchema,
  planDiffSchema,
  planListSchema,
  planNoteDataSchema,
  planVersionListSchema,
  type PlanSummary,
} from './plans-schemas';

export type PlanCreateBody = z.input<typeof planCreateSchema>;
export type PlanUpdateBody = z.input<typeof planUpdateSchema>;
export type PlanDraftBody = z.input<typeof planDraftRequestSchema>;
export type PlanApproveBody = Omit<z.input<typeof planApproveSchema>, 'expectedVersion'>;
export type PlanRejectBody = Omit<z.input<typeof planRejectSchema>, 'expectedVersion'>;
export type PlanRevisionBody = Omit<z.input<typeof planRequestRevisionSchema>, 'expectedVersion'>;

/** The most plans one list call asks for (the contract's page limit). */
const LIST_LIMIT = 500;
/** How long a draft may take: the daemon asks the assistant's model up to twice, each call with the provider's own retries. */
const DRAFT_TIMEOUT_MS = 5 * 60_000;

/** The daemon's plans and notifications API (shared/contracts/plans.ts), for the Plans pane and its commands. */
export class PlansApi {
  constructor(private readonly client: DaemonClient) {}

  /** Every plan (up to the contract's page limit), newest change first; the pane groups them by status. */
  list(): Promise<{ items: PlanSummary[]; total: number }> {
    return this.client.request('GET', `/api/v1/plans${queryString({ limit: LIST_LIMIT })}`, planListSchema);
  }

  get(id: number): Promise<PlanDetail> {
    return this.client.request('GET', `/api/v1/plans/${id}`, planDetailSchema);
  }

  create(body: PlanCreateBody): Promise<PlanDetail> {
    return this.client.request('POST', '/api/v1/plans', planDetailSchema, body);
  }

  /** Has an assistant draft a plan from a prompt or a discussion's consensus; it arrives submitted. */
  draft(body: PlanDraftBody): Promise<PlanDetail> {
    return this.client.withTimeout(DRAFT_TIMEOUT_MS).request('POST', '/api/v1/plans/draft', planDetailSchema, body);
  }

  update(id: number, body: PlanUpdateBody): Promise<PlanDetail> {
    return this.client.request('PATCH', `/api/v1/plans/${id}`, planDetailSchema, body);
  }

  submit(id: number, expectedVersion: number): Promise<PlanDetail> {
    return this.client.request('POST', `/api/v1/plans/${id}/submit`, planDetailSchema, { expectedVersion });
  }

  startReview(id: number, expectedVersion: number): Promise<PlanDetail> {
    return this.client.request('POST', `/api/v1/plans/${id}/start-review`, planDetailSchema, { expectedVersion });
  }

  approve(id: number, expectedVersion: number, body: PlanApproveBody): Promise<PlanDetail> {
    return this.client.request('POST', `/api/v1/plans/${id}/approve`, planDetailSchema, { expectedVersion, ...body });
  }

  reject(id: number, expectedVersion: number, body: PlanRejectBody): Promise<PlanDetail> {
    return this.client.request('POST', `/api/v1/plans/${id}/reject`, planDetailSchema, { expectedVersion, ...body });
  }

  requestRevision(id: number, expectedVersion: number, body: PlanRevisionBody): Promise<PlanDetail> {
    return this.client.request('POST', `/api/v1/plans/${id}/request-revision`, planDetailSchema, { expectedVersion, ...body });
  }

  /** A rejected plan copied into a new draft. */
  copy(id: number): Promise<PlanDetail> {
    return this.client.request('POST', `/api/v1/plans/${id}/copy`, planDetailSchema);
  }

  async versions(id: number): Promise<PlanVersionApi[]> {
    return (await this.client.request('GET', `/api/v1/plans/${id}/versions`, planVersionListSchema)).items;
  }

  compare(id: number, from: number, to: number): Promise<PlanDiff> {
    return this.client.request('GET', `/api/v1/plans/${id}/compare${queryString({ from, to })}`, planDiffSchema);
  }

  /**
   * What writing the plan's note needs; `vaultId` lets the daemon read that vault's template, and
   * `configDir` (Obsidian's config folder) where Obsidian's template folder is set.
   */
  note(id: number, vaultId: string | undefined, configDir?: string): Promise<PlanNoteData> {
    return this.client.request('GET', `/api/v1/plans/${id}/note${queryString({ vaultId, configDir })}`, planNoteDataSchema);
  }

  async notifications(unreadOnly: boolean): Promise<NotificationApi[]> {
    const query = unreadOnly ? queryString({ unread: 'true' }) : '';
    return (await this.client.request('GET', `/api/v1/notifications${query}`, notificationListSchema)).items;
  }

  markRead(id: string): Promise<NotificationApi> {
    return this.client.request('POST', `/api/v1/notifications/${encodeURIComponent(id)}/read`, notificationSchema);
  }
}

/** Why the daemon refused a plan change, when it is one the pane answers itself (409). */
export type PlanConflict = 'stale_version' | 'illegal_transition';

export function planConflictOf(e: unknown): PlanConflict | null {
  if (!(e instanceof DaemonError) || e.reason.code !== 'http-error' || e.reason.status !== 409) return null;
  const code = e.body?.error.code;
  return code === 'stale_version' || code === 'illegal_transition' ? code : null;
}

/** One field the daemon refused (400 validation_failed), by its path in the request body. */
export interface FieldIssue {
  path: string[];
  message: string;
}

const issuesSchema = z.object({
  issues: z.array(z.object({ path: z.array(z.string()), message: z.string() })),
});

/** The fields a 400 named, or null when the error is not a validation failure. */
export function fieldIssuesOf(e: unknown): FieldIssue[] | null {
  if (!(e instanceof DaemonError) || e.reason.code !== 'http-error' || e.reason.status !== 400) return null;
  const parsed = issuesSchema.safeParse(e.body?.error.details);
  return parsed.success ? parsed.data.issues : null;
}
