/** A valid row in every table, inserted through drizzle (so each insert also proves a valid row is accepted). */
import type { Db } from '../../src/db/database';
import * as t from '../../src/db/schema';

/** The 21 tables of the design (§3). */
export const DESIGN_TABLES = [
  'users', 'ai_assistants', 'assistant_skills', 'personas', 'teams', 'team_members', 'roles', 'workflows', 'tasks',
  'task_history', 'conversations', 'messages', 'obsidian_integration_settings', 'librarian_assistant', 'ai_discussions',
  'discussion_participants', 'discussion_messages', 'discussion_interruptions', 'plans', 'plan_approvals', 'plan_versions',
];

/** Tables added beyond the design. Vault index (issue 3): drizzle/0005_vault_index.sql, tested by the vault suite. */
export const OTHER_TABLES = ['notes', 'note_links', 'vault_index_errors', 'note_embeddings', 'note_embedding_skips'];

export interface Fixture {
  userId: number;
  roleId: number;
  personaId: number;
  teamId: number;
  assistantId: number;
  assistant2Id: number;
  skillId: number;
  teamMemberId: number;
  workflowId: number;
  taskId: number;
  taskHistoryId: number;
  conversationId: number;
  messageId: number;
  obsidianId: number;
  librarianId: number;
  discussionId: number;
  participantId: number;
  discussionMessageId: number;
  interruptionId: number;
  planId: number;
  planApprovalId: number;
  planVersionId: number;
}

function first<T>(rows: T[]): T {
  const row = rows[0];
  if (!row) throw new Error('insert returned no row');
  return row;
}

export async function insertFixture(db: Db): Promise<Fixture> {
  const user = first(
    await db
      .insert(t.users)
      .values({ username: 'alice', email: 'alice@example.invalid', fullName: 'Alice', preferences: { theme: 'dark' } })
      .returning(),
  );
  const role = first(await db.insert(t.roles).values({ name: 'fixture_role', category: 'test' }).returning());
  const persona = first(
    await db
      .insert(t.personas)
      .values({ name: 'Fixture persona', personality: 'calm', roleId: role.id, iconMetadata: { icon_name: 'x' } })
      .returning(),
  );
  const team = first(await db.insert(t.teams).values({ name: 'Fixture team' }).returning());
  const assistant = first(
    await db
      .insert(t.aiAssistants)
      .values({ name: 'A1', aiProvider: 'openai', model: 'gpt-4o', apiKeyEncrypted: 'enc', personaId: persona.id, teamId: team.id, createdBy: user.id })
      .returning(),
  );
  // A local OpenAI-compatible server: no API key.
  const assistant2 = first(
    await db.insert(t.aiAssistants).values({ name: 'A2', aiProvider: 'openai_compatible', model: 'llama3' }).returning(),
  );
  const skill = first(
    await db.insert(t.assistantSkills).values({ assistantId: assistant.id, skillName: 'writing', skillLevel: 7 }).returning(),
  );
  const member = first(await db.insert(t.teamMembers).values({ teamId: team.id, assistantId: assistant.id }).returning());
  const workflow = first(
    await db
      .insert(t.workflows)
      .values({ name: 'W', workflowType: 'development', createdBy: user.id, assignedTeamId: team.id, estimatedDuration: '2 days' })
      .returning(),
  );
  const task = first(
    await db
      .insert(t.tasks)
      .values({ workflowId: workflow.id, name: 'T', taskType: 'code', assignedAssistantId: assistant.id, estimatedHours: '1.50', dependencies: ['1'] })
      .returning(),
  );
  const history = first(
    await db.insert(t.taskHistory).values({ taskId: task.id, action: 'status', oldValue: 'pending', newValue: 'assigned', changedBy: user.id }).returning(),
  );
  const conversation = first(
    await db.insert(t.conversations).values({ title: 'C', createdBy: user.id, participantAssistantIds: [assistant.id] }).returning(),
  );
  const message = first(
    await db.insert(t.messages).values({ conversationId: conversation.id, senderType: 'user', senderId: user.id, content: 'こんにちは' }).returning(),
  );
  const obsidian = first(await db.insert(t.obsidianIntegrationSettings).values({ vaultPath: '/vault' }).returning());
  const librarian = first(await db.insert(t.librarianAssistant).values({ aiProvider: 'openai_compatible', model: 'qwen', assistantId: assistant.id }).returning());
  const discussion = first(
    await db.insert(t.aiDiscussions).values({ title: 'D', topic: 'topic', discussionType: 'debate' }).returning(),
  );
  const participant = first(
    await db.insert(t.discussionParticipants).values({ discussionId: discussion.id, assistantId: assistant.id, role: 'moderator' }).returning(),
  );
  const dmessage = first(
    await db
      .insert(t.discussionMessages)
      .values({ discussionId: discussion.id, participantId: participant.id, content: 'I propose', confidenceLevel: 8, noteReferences: ['[[Note]]'] })
      .returning(),
  );
  const interruption = first(
    await db.insert(t.discussionInterruptions).values({ discussionId: discussion.id, interruptionType: 'pause', message: 'wait', initiatedBy: 'user', initiatorId: user.id }).returning(),
  );
  const plan = first(
    await db
      .insert(t.plans)
      .values({ title: 'P', objective: 'O', assistantId: assistant.id, workflowId: workflow.id, timeline: { start_date: '2025-01-01' }, resources: {} })
      .returning(),
  );
  const approval = first(
    await db.insert(t.planApprovals).values({ planId: plan.id, approverType: 'user', approverId: user.id, action: 'approve' }).returning(),
  );
  const version = first(
    await db
      .insert(t.planVersions)
      .values({ planId: plan.id, versionNumber: 1, title: 'P', objective: 'O', timeline: {}, resources: {}, createdBy: user.id })
      .returning(),
  );
  return {
    userId: user.id,
    roleId: role.id,
    personaId: persona.id,
    teamId: team.id,
    assistantId: assistant.id,
    assistant2Id: assistant2.id,
    skillId: skill.id,
    teamMemberId: member.id,
    workflowId: workflow.id,
    taskId: task.id,
    taskHistoryId: history.id,
    conversationId: conversation.id,
    messageId: message.id,
    obsidianId: obsidian.id,
    librarianId: librarian.id,
    discussionId: discussion.id,
    participantId: participant.id,
    discussionMessageId: dmessage.id,
    interruptionId: interruption.id,
    planId: plan.id,
    planApprovalId: approval.id,
    planVersionId: version.id,
  };
}

/** Runs a raw statement; returns the error it threw (or undefined). */
export async function errorOf(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (e) {
    return e;
  }
  return undefined;
}
