import type { PlanDetail } from '../../contracts/plans';

/** A fixed approved plan, in Japanese, with one approval that carries two conditions. */
export function japanesePlan(overrides: Partial<PlanDetail> = {}): PlanDetail {
  return {
    id: 7,
    title: '新製品ローンチ: 春',
    description: '新製品を三月に発売する。',
    objective: '初月の予約を1000件にする',
    scope: '国内のオンライン販売のみ',
    status: 'approved',
    version: 3,
    assistantId: 2,
    assistantName: '綾',
    workflowId: null,
    timeline: {
      startDate: '2025-02-01',
      endDate: '2025-03-31',
      milestones: [
        { name: 'ベータ版', date: '2025-02-20', description: '社内テスト' },
        { name: 'Launch', date: '2025-03-31' },
      ],
    },
    resources: {
      people: [{ name: '田中', role: 'PM', allocation: 50 }, { name: '佐藤' }],
      cost: { currency: 'JPY', items: [{ name: '広告', amount: 500000 }, { name: '撮影', amount: 120000 }] },
      dependencies: ['法務レビュー'],
    },
    riskAssessment: '競合が先に発売する可能性がある。',
    successCriteria: ['予約1000件', '返品率5%未満'],
    submittedAt: '2025-01-10T01:00:00.000Z',
    approvedAt: '2025-01-12T02:30:00.000Z',
    rejectedAt: null,
    rejectionReason: null,
    allowedActions: ['delete'],
    conditions: [
      { text: '予算上限を守る', approvalId: 11, action: 'approve' },
      { text: 'Weekly status report', approvalId: 11, action: 'approve' },
    ],
    createdAt: '2025-01-05T00:00:00.000Z',
    updatedAt: '2025-01-12T02:30:00.000Z',
    approvals: [
      {
        id: 10,
        planId: 7,
        approverType: 'user',
        approverId: 1,
        action: 'request_revision',
        status: 'revision_requested',
        comments: 'スケジュールを見直してください。',
        conditions: [],
        approvalDate: '2025-01-11T00:00:00.000Z',
        createdAt: '2025-01-11T00:00:00.000Z',
      },
      {
        id: 11,
        planId: 7,
        approverType: 'user',
        approverId: 1,
        action: 'approve',
        status: 'approved',
        comments: 'よい計画です。',
        conditions: ['予算上限を守る', 'Weekly status report'],
        approvalDate: '2025-01-12T02:30:00.000Z',
        createdAt: '2025-01-12T02:30:00.000Z',
      },
    ],
    ...overrides,
  };
}
