/**
 * Every (status, action) pair of the plan state machine, through HTTP on every database target,
 * against the table below (the specification, written out independently of the implementation).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLAN_ACTIONS, PLAN_STATUSES, type PlanAction, type PlanDetail, type PlanStatus } from '../../../shared/contracts/plans';
import { allowedActions, IllegalTransitionError, transition } from '../../src/plans/state-machine';
import { createTestApp, type TestApp } from '../helpers/app';
import { testDatabaseTargets } from '../helpers/databases';
import { api, asPlan, createAssistant, planIn } from './helpers';

/** status → action → the status after it (absent: illegal, 409). copy and delete leave the plan's status as it is. */
const SPEC: Record<PlanStatus, Partial<Record<PlanAction, PlanStatus>>> = {
  draft: { edit: 'draft', submit: 'submitted', delete: 'draft' },
  submitted: { start_review: 'under_review' },
  under_review: { approve: 'approved', reject: 'rejected', request_revision: 'revision_requested' },
  revision_requested: { edit: 'revision_requested', submit: 'submitted', delete: 'revision_requested' },
  approved: { delete: 'approved' },
  rejected: { copy: 'rejected', delete: 'rejected' },
};

const allowed = (status: PlanStatus) => PLAN_ACTIONS.filter((a) => SPEC[status][a] !== undefined);
const pairs = PLAN_STATUSES.flatMap((status) => PLAN_ACTIONS.map((action) => ({ status, action, legal: SPEC[status][action] !== undefined })));

describe('the state machine module', () => {
  it.each(pairs)('$status + $action → legal: $legal', ({ status, action, legal }) => {
    expect(allowedActions(status)).toEqual(allowed(status));
    if (legal) expect(transition(status, action)).toBe(SPEC[status][action]);
    else expect(() => transition(status, action)).toThrow(IllegalTransitionError);
  });
});

function perform(t: TestApp, plan: PlanDetail, action: PlanAction) {
  const v = plan.version;
  switch (action) {
    case 'edit':
      return t.json('PATCH', api(`/plans/${plan.id}`), { body: { expectedVersion: v, title: '改訂版' } });
    case 'submit':
      return t.json('POST', api(`/plans/${plan.id}/submit`), { body: { expectedVersion: v } });
    case 'start_review':
      return t.json('POST', api(`/plans/${plan.id}/start-review`), { body: { expectedVersion: v } });
    case 'approve':
      return t.json('POST', api(`/plans/${plan.id}/approve`), { body: { expectedVersion: v, conditions: ['条件'] } });
    case 'reject':
      return t.json('POST', api(`/plans/${plan.id}/reject`), { body: { expectedVersion: v, reason: '理由' } });
    case 'request_revision':
      return t.json('POST', api(`/plans/${plan.id}/request-revision`), { body: { expectedVersion: v, comments: '直してください' } });
    case 'copy':
      return t.json('POST', api(`/plans/${plan.id}/copy`));
    case 'delete':
      return t.json('DELETE', api(`/plans/${plan.id}?expectedVersion=${v}`));
  }
}

describe.each(testDatabaseTargets())('every (status, action) pair over HTTP on $kind', (target) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(await target.open());
    await createAssistant(t);
  });
  afterAll(async () => t?.dispose());

  it.each(pairs)('$status + $action → legal: $legal', async ({ status, action, legal }) => {
    const plan = await planIn(t, status);
    expect(plan.status).toBe(status);
    expect(plan.allowedActions).toEqual(allowed(status));
    const r = await perform(t, plan, action);
    const after = await t.json('GET', api(`/plans/${plan.id}`));

    if (!legal) {
      expect(r.status).toBe(409);
      expect(r.body.error.code).toBe('illegal_transition');
      expect(r.body.error.message).toContain(status);
      expect(r.body.error.details).toEqual({ status, action, allowedActions: allowed(status) });
      // Nothing changed.
      expect(asPlan(after)).toEqual(plan);
      return;
    }

    if (action === 'delete') {
      expect(r.status).toBe(204);
      expect(after.status).toBe(404);
      return;
    }
    if (action === 'copy') {
      const copy = asPlan(r, 201);
      expect(copy.id).not.toBe(plan.id);
      expect(copy).toMatchObject({ status: 'draft', version: 1, title: plan.title, timeline: plan.timeline, resources: plan.resources, approvals: [], submittedAt: null, rejectedAt: null });
      expect(asPlan(after)).toEqual(plan);
      return;
    }
    const changed = asPlan(r);
    expect(changed.status).toBe(SPEC[status][action]);
    expect(asPlan(after)).toEqual(changed);
    expect(changed.version).toBe(action === 'edit' ? plan.version + 1 : plan.version);
    if (action === 'submit') expect(changed.submittedAt).not.toBeNull();
    if (action === 'approve') expect(changed).toMatchObject({ approvedAt: expect.any(String), conditions: [{ text: '条件', action: 'approve' }] });
    if (action === 'reject') expect(changed).toMatchObject({ rejectedAt: expect.any(String), rejectionReason: '理由' });
    if (['approve', 'reject', 'request_revision'].includes(action)) {
      expect(changed.approvals.at(-1)).toMatchObject({ action, approverType: 'user', approverId: t.localUserId });
    }
  });
});
