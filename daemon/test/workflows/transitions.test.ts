/** The state machines, the cycle finder and the summary refresher, without a database. */
import { describe, expect, it } from 'vitest';
import { TASK_ACTIONS, WORKFLOW_ACTIONS, WORKFLOW_STATUSES, type TaskStatus } from '../../../shared/contracts/workflows';
import { cycleThrough } from '../../src/workflows/dependency-graph';
import { SummaryRefresher } from '../../src/workflows/summary-refresher';
import { allowedTaskActions, nextTaskStatus } from '../../src/workflows/task-transitions';
import { allowedWorkflowActions, isWorkflowClosed, nextWorkflowStatus } from '../../src/workflows/workflow-transitions';
import { TASK_SPEC, TASK_STATES, WORKFLOW_SPEC } from './spec';

describe('workflow state machine', () => {
  for (const status of WORKFLOW_STATUSES) {
    for (const action of WORKFLOW_ACTIONS) {
      const expected = WORKFLOW_SPEC.find(([s, a]) => s === status && a === action)?.[2];
      it(`${status} + ${action} → ${expected ?? 'refused'}`, () => {
        expect(nextWorkflowStatus(status, action)).toBe(expected);
        expect(allowedWorkflowActions(status).includes(action)).toBe(expected !== undefined);
      });
    }
  }
  it('completed and cancelled are final', () => {
    expect(WORKFLOW_STATUSES.filter(isWorkflowClosed)).toEqual(['completed', 'cancelled']);
  });
});

describe('task state machine', () => {
  const states: Array<[TaskStatus, boolean]> = [...TASK_STATES, ['completed', false]];
  for (const [status, assigned] of states) {
    for (const action of TASK_ACTIONS) {
      const expected = TASK_SPEC.find(([s, a, act]) => s === status && a === assigned && act === action)?.[3];
      it(`${status}${assigned ? ' (assigned)' : ''} + ${action} → ${expected ?? 'refused'}`, () => {
        expect(nextTaskStatus({ status, assigned }, action)).toBe(expected);
        expect(allowedTaskActions({ status, assigned }).includes(action)).toBe(expected !== undefined);
      });
    }
  }
});

describe('dependency cycles', () => {
  const graph = (edges: Record<number, number[]>) => new Map(Object.entries(edges).map(([k, v]) => [Number(k), v]));

  it('a task depending on itself is a cycle of one', () => {
    expect(cycleThrough(graph({}), 4, 4)).toEqual([4, 4]);
  });
  it('direct: 1 → 2 exists, 2 → 1 closes it', () => {
    expect(cycleThrough(graph({ 1: [2] }), 2, 1)).toEqual([2, 1, 2]);
  });
  it('indirect: 1 → 2 → 3 exists, 3 → 1 closes 3 → 1 → 2 → 3', () => {
    expect(cycleThrough(graph({ 1: [2], 2: [3] }), 3, 1)).toEqual([3, 1, 2, 3]);
  });
  it('names the path that closes, not a dead branch', () => {
    expect(cycleThrough(graph({ 1: [5, 2], 5: [6], 2: [3] }), 3, 1)).toEqual([3, 1, 2, 3]);
  });
  it('diamonds and chains are not cycles', () => {
    const g = graph({ 2: [1], 3: [1], 4: [2, 3] });
    expect(cycleThrough(g, 5, 4)).toBeUndefined();
    expect(cycleThrough(g, 4, 1)).toBeUndefined();
    expect(cycleThrough(graph({ 1: [2], 2: [3] }), 1, 3)).toBeUndefined();
  });
});

describe('SummaryRefresher', () => {
  /** A refresh that waits until the test releases it, counting calls. */
  function controlledRefresh() {
    const calls: Array<() => void> = [];
    return {
      calls,
      refresh: () => new Promise<void>((resolve) => calls.push(resolve)),
    };
  }
  // The timer never fires during a test (one hour): only fresh() refreshes.
  const options = { delayMs: 3_600_000, onError: () => undefined };

  it('does nothing when nothing changed', async () => {
    let n = 0;
    const r = new SummaryRefresher(async () => void n++, options);
    await r.fresh();
    expect(n).toBe(0);
    await r.close();
  });

  it('coalesces a burst of changes into one refresh', async () => {
    let n = 0;
    const r = new SummaryRefresher(async () => void n++, options);
    for (let i = 0; i < 25; i++) r.markDirty();
    await Promise.all([r.fresh(), r.fresh(), r.fresh()]);
    expect(n).toBe(1);
    await r.fresh();
    expect(n).toBe(1);
    await r.close();
  });

  it('refreshes again for a change marked while a refresh was running', async () => {
    const c = controlledRefresh();
    const r = new SummaryRefresher(c.refresh, options);
    r.markDirty();
    const first = r.fresh();
    await Promise.resolve();
    expect(c.calls).toHaveLength(1);
    r.markDirty(); // committed after the running refresh took its snapshot
    const second = r.fresh();
    c.calls[0]!();
    while (c.calls.length < 2) await new Promise((resolve) => setImmediate(resolve));
    c.calls[1]!();
    await Promise.all([first, second]);
    expect(c.calls).toHaveLength(2);
    await r.close();
  });

  it('a failed refresh is retried by the next read and reported to it', async () => {
    let fail = true;
    let n = 0;
    const r = new SummaryRefresher(async () => {
      n++;
      if (fail) throw new Error('database away');
    }, options);
    r.markDirty();
    await expect(r.fresh()).rejects.toThrow('database away');
    fail = false;
    await r.fresh();
    expect(n).toBe(2);
    await r.close();
  });

  it('the timer refreshes on its own after the delay', async () => {
    let resolveRefresh: () => void = () => undefined;
    const refreshed = new Promise<void>((resolve) => (resolveRefresh = resolve));
    let calls = 0;
    const r = new SummaryRefresher(
      async () => {
        calls++;
        resolveRefresh();
      },
      { delayMs: 1, onError: () => undefined },
    );
    r.markDirty();
    await refreshed;
    await r.close();
    expect(calls).toBe(1);
  });
});
