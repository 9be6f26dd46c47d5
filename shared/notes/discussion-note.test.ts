import { describe, expect, it } from 'vitest';
import { discussionNoteDataSchema, type DiscussionMessage, type DiscussionNoteData, type Interruption } from '../contracts/discussions';
import { discussionNoteFileName, renderDiscussionNote } from './discussion-note';

const at = (minute: number) => `2025-08-13T10:${String(minute).padStart(2, '0')}:00.000Z`;

const participant = (id: number, name: string, role: 'moderator' | 'participant' | 'observer', persona: string | null, stance: string | null, contributions: number) => ({
  id,
  discussionId: 7,
  assistantId: id + 100,
  name,
  role,
  stance,
  persona: persona ? { id: id + 200, name: persona, personality: `${persona} is calm\nand precise.`, description: role === 'moderator' ? 'Keeps order.' : null, iconUrl: null, imageUrl: null } : null,
  contributionCount: contributions,
  isActive: false,
  joinedAt: at(0),
  leftAt: at(30),
});

let nextId = 40;
const message = (p: Partial<DiscussionMessage> & Pick<DiscussionMessage, 'participantId' | 'kind' | 'round' | 'phase' | 'content' | 'createdAt'>): DiscussionMessage => ({
  id: ++nextId,
  discussionId: 7,
  assistantId: p.participantId + 100,
  messageType: 'contribution',
  reasoning: null,
  confidence: null,
  references: [],
  parentMessageId: null,
  formsConsensus: false,
  answersInterruptionId: null,
  consensus: null,
  failure: null,
  usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15 },
  ...p,
});

const interruption = (p: Partial<Interruption> & Pick<Interruption, 'id' | 'type' | 'message' | 'createdAt'>): Interruption => ({
  discussionId: 7,
  redirectTopic: null,
  priority: 'medium',
  initiatedBy: 'user',
  initiatorId: 1,
  statusBefore: 'active',
  statusAfter: 'active',
  resolvedAt: null,
  ...p,
});

function fixture(): DiscussionNoteData {
  nextId = 40;
  const opening = message({ participantId: 1, kind: 'opening', round: 0, phase: 'opening', content: 'Motion: the office closes on Fridays.', confidence: 8, createdAt: at(1) });
  const pro = message({ participantId: 2, kind: 'turn', round: 1, phase: 'argue', messageType: 'proposal', content: 'Close it: we save rent.', reasoning: 'Rent is 30% of costs.\nFridays are quiet.', confidence: 7, references: [{ path: 'Finance/Budget 2025.md', title: 'Budget 2025' }, { path: 'Rent.md', title: 'Rent' }], createdAt: at(2) });
  const con = message({ participantId: 3, kind: 'turn', round: 1, phase: 'argue', messageType: 'disagreement', content: 'Keep it: the team needs a day together.', confidence: 6, parentMessageId: pro.id, answersInterruptionId: 5, createdAt: at(4) });
  const failed = message({ participantId: 2, kind: 'turn', round: 1, phase: 'argue', content: '', failure: { kind: 'schema', reason: 'The answer did not have the expected structure (confidence).' }, usage: { inputTokens: 20, outputTokens: 10, totalTokens: 30 }, createdAt: at(5) });
  const judgement = message({
    participantId: 1,
    kind: 'judgement',
    round: 1,
    phase: 'argue',
    content: 'Savings are real; the "team day" matters too.',
    consensus: { progress: 0.45, reached: false, summary: 'Savings are real; the "team day" matters too.', openPoints: ['Which day instead?'] },
    createdAt: at(6),
  });
  const ack = message({ participantId: 1, kind: 'acknowledgement', round: 2, phase: 'argue', content: 'Noted: we discuss a hybrid week.', confidence: 9, createdAt: at(8) });
  const summary = message({ participantId: 1, kind: 'summary', round: 2, phase: 'closing', content: 'We stood at: close Fridays, keep a team day.', confidence: 7, createdAt: at(12) });
  const review = message({ participantId: 4, kind: 'review', round: 2, phase: 'closing', content: 'Costs were argued well; culture less so.', confidence: 5, createdAt: at(13) });
  return discussionNoteDataSchema.parse({
    discussion: {
      id: 7,
      title: 'Office Fridays: close? [draft]',
      description: 'From the note "Costs".',
      topic: 'Close the office on Fridays',
      currentTopic: 'A hybrid week',
      type: 'debate',
      status: 'terminated',
      stopReason: 'terminated',
      pause: null,
      allowedActions: [],
      maxParticipants: 5,
      currentParticipantCount: 0,
      settings: { maxRounds: 3, tokenBudget: 60000, language: 'en', consultVault: true, vaultId: null, observerReview: true },
      round: 2,
      phase: 'closing',
      tokensUsed: 135,
      contributionCount: 7,
      consensusReached: false,
      consensusSummary: null,
      consensus: { progress: 0.45, reached: false, summary: 'Savings are real; the "team day" matters too.', openPoints: ['Which day instead?'] },
      participants: [participant(1, 'Moderator', 'moderator', '綾', null, 4), participant(2, 'Alpha', 'participant', 'Aki', 'For', 1), participant(3, 'Beta', 'participant', null, 'Against', 1), participant(4, 'Observer', 'observer', 'Oto', null, 1)],
      startedAt: at(0),
      endedAt: at(13),
      createdAt: at(0),
      updatedAt: at(13),
    },
    messages: [opening, pro, con, failed, judgement, ack, summary, review],
    interruptions: [
      interruption({ id: 5, type: 'clarify', message: 'What does it cost\nper month?', createdAt: at(3), resolvedAt: at(4) }),
      interruption({ id: 6, type: 'redirect', message: '', redirectTopic: 'A hybrid week', createdAt: at(7), resolvedAt: at(8) }),
      interruption({ id: 7, type: 'pause', message: 'The local model server had an internal error (HTTP 503).', initiatedBy: 'system', initiatorId: null, statusAfter: 'paused', createdAt: at(9), resolvedAt: at(10) }),
      interruption({ id: 8, type: 'terminate', message: 'Enough for today', statusAfter: 'terminated', createdAt: at(11), resolvedAt: at(13) }),
    ],
  });
}

describe('discussion note', () => {
  it('renders the whole discussion: frontmatter, topic, participants, transcript, consensus and flow', () => {
    expect(renderDiscussionNote(fixture(), 'en')).toMatchInlineSnapshot(`
      "---
      hisho: discussion
      discussion_id: 7
      title: "Office Fridays: close? [draft]"
      type: debate
      topic: "A hybrid week"
      status: terminated
      stop_reason: terminated
      consensus_reached: false
      participants:
        - "Moderator (moderator)"
        - "Alpha (participant)"
        - "Beta (participant)"
        - "Observer (observer)"
      started: "2025-08-13T10:00:00.000Z"
      ended: "2025-08-13T10:13:00.000Z"
      tags:
        - hisho/discussion
      ---

      # Office Fridays: close? [draft]

      **Topic:** A hybrid week (Started as: Close the office on Fridays)  
      **Type:** Debate  
      **Held:** 2025-08-13 10:00 UTC – 2025-08-13 10:13 UTC

      ## Background

      From the note "Costs".

      ## Participants

      - **Moderator** · Moderator · Contributions: 4
        - 綾: 綾 is calm and precise.
        - Keeps order.
      - **Alpha** · Participant · Stance: For · Contributions: 1
        - Aki: Aki is calm and precise.
      - **Beta** · Participant · Stance: Against · Contributions: 1
      - **Observer** · Observer
        - Oto: Oto is calm and precise.

      ## Transcript

      ### Opening

      #### Moderator · Opening · Contribution · Confidence 8/10

      Motion: the office closes on Fridays.

      ### Round 1 · Arguments

      #### Alpha · Turn · Proposal · Confidence 7/10

      Close it: we save rent.

      > [!note]- Reasoning
      > Rent is 30% of costs.
      > Fridays are quiet.

      References: [[Finance/Budget 2025|Budget 2025]], [[Rent]]

      > [!question] The user asks
      > What does it cost
      > per month?

      #### Beta · Turn · Disagreement · Confidence 6/10

      Keep it: the team needs a day together.

      #### Alpha · Turn

      > [!warning]
      > This turn failed: The answer did not have the expected structure (confidence).

      #### Moderator · Consensus judgement · Progress 45%

      Savings are real; the "team day" matters too.

      Open points:
      - Which day instead?

      > [!tip] The user changed the topic to “A hybrid week”

      ### Round 2 · Arguments

      #### Moderator · Redirect acknowledged · Contribution · Confidence 9/10

      Noted: we discuss a hybrid week.

      > [!info] Paused: The local model server had an internal error (HTTP 503).

      > [!info] The user ended the discussion
      > Enough for today

      ### Closing

      #### Moderator · Summary · Contribution · Confidence 7/10

      We stood at: close Fridays, keep a team day.

      #### Observer · Closing review · Contribution · Confidence 5/10

      Costs were argued well; culture less so.

      ## Consensus

      Ended by the user

      No consensus was reached (progress 45%).

      Savings are real; the "team day" matters too.

      Open points:
      - Which day instead?

      ## Flow

      \`\`\`mermaid
      flowchart TD
        start(["Start: Close the office on Fridays"])
        n1["Moderator: Opening"]
        start --> n1
        n2["Alpha: Proposal (7/10)"]
        n1 --> n2
        n3[/"User: ? What does it cost per month?"/]
        n2 --> n3
        n4["Beta: Disagreement (6/10)"]
        n4 -.-> n2
        n3 --> n4
        n5["Alpha: ✗ Turn"]
        n4 --> n5
        n6{"Moderator: Consensus judgement 45%"}
        n5 --> n6
        n7[/"User: → A hybrid week"/]
        n6 --> n7
        n8["Moderator: Redirect acknowledged"]
        n7 --> n8
        n9[/"Paused"/]
        n8 --> n9
        n10[/"The user ended the discussion"/]
        n9 --> n10
        n11["Moderator: Summary"]
        n10 --> n11
        n12["Observer: Closing review"]
        n11 --> n12
        finish(["Ended by the user"])
        n12 --> finish
      \`\`\`
      "
    `);
  });

  it('renders in Japanese with the same structure', () => {
    const ja = renderDiscussionNote(fixture(), 'ja');
    expect(ja).toContain('## 参加者');
    expect(ja).toContain('#### Alpha · 発言 · 提案 · 確信度 7/10');
    expect(ja).toContain('> [!question] ユーザーからの質問');
    expect(ja).toContain('ユーザーにより終了');
    expect(ja.split('\n').filter((l) => l.startsWith('## ')).length).toBe(renderDiscussionNote(fixture(), 'en').split('\n').filter((l) => l.startsWith('## ')).length);
  });

  it('names the file safely for every OS', () => {
    expect(discussionNoteFileName({ title: 'Office Fridays: close? [draft]' }, 'en')).toBe('Discussion - Office Fridays close draft.md');
    expect(discussionNoteFileName({ title: '週二日/出社|案' }, 'ja')).toBe('協議 - 週二日 出社 案.md');
    expect(discussionNoteFileName({ title: '???' }, 'en')).toBe('Discussion - -.md');
  });
});
