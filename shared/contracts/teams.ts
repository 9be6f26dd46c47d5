import { z } from 'zod';
import { endpoint } from './endpoint';
import { id, idParams, memberParams, nonEmptyPatch, optionalText, text, timestamp } from './fields';
import { listOf, pageQuerySchema } from './list';

export const teamSchema = z.object({
  id,
  name: z.string(),
  description: z.string().nullable(),
  teamType: z.string(),
  maxMembers: z.number().int(),
  isActive: z.boolean(),
  memberCount: z.number().int(),
  createdAt: timestamp,
  updatedAt: timestamp,
});
export type Team = z.output<typeof teamSchema>;

export const teamCreateSchema = z
  .object({
    name: text(100, 'name'),
    description: optionalText(10_000, 'description').optional(),
    teamType: text(50, 'teamType').optional(),
    maxMembers: z.number({ error: 'maxMembers must be a number' }).int().min(1, 'maxMembers must be at least 1').max(1000).optional(),
    isActive: z.boolean().optional(),
  })
  .strict();
export const teamUpdateSchema = nonEmptyPatch(teamCreateSchema);

export const TEAM_MEMBER_ROLES = ['leader', 'member'] as const;

export const teamMemberSchema = z.object({
  id,
  teamId: id,
  assistantId: id,
  role: z.string(),
  joinedAt: timestamp,
  isActive: z.boolean(),
});
export type TeamMember = z.output<typeof teamMemberSchema>;

export const teamMemberCreateSchema = z
  .object({
    assistantId: id,
    role: z.enum(TEAM_MEMBER_ROLES).optional(),
  })
  .strict();
export const teamMemberUpdateSchema = nonEmptyPatch(
  z.object({ role: z.enum(TEAM_MEMBER_ROLES), isActive: z.boolean() }),
);

export const teamEndpoints = {
  list: endpoint({ method: 'get', path: '/teams', tag: 'teams', summary: 'List teams', query: pageQuerySchema, response: listOf(teamSchema) }),
  get: endpoint({ method: 'get', path: '/teams/:id', tag: 'teams', summary: 'Get a team', params: idParams, response: teamSchema }),
  create: endpoint({ method: 'post', path: '/teams', tag: 'teams', summary: 'Create a team', body: teamCreateSchema, response: teamSchema, status: 201 }),
  update: endpoint({ method: 'patch', path: '/teams/:id', tag: 'teams', summary: 'Change a team', params: idParams, body: teamUpdateSchema, response: teamSchema }),
  remove: endpoint({ method: 'delete', path: '/teams/:id', tag: 'teams', summary: 'Delete a team (soft delete)', params: idParams, status: 204 }),
  listMembers: endpoint({ method: 'get', path: '/teams/:id/members', tag: 'teams', summary: "List a team's members", params: idParams, response: listOf(teamMemberSchema) }),
  addMember: endpoint({ method: 'post', path: '/teams/:id/members', tag: 'teams', summary: 'Add an assistant to a team', params: idParams, body: teamMemberCreateSchema, response: teamMemberSchema, status: 201 }),
  updateMember: endpoint({ method: 'patch', path: '/teams/:id/members/:memberId', tag: 'teams', summary: "Change a member's role or activity", params: memberParams, body: teamMemberUpdateSchema, response: teamMemberSchema }),
  removeMember: endpoint({ method: 'delete', path: '/teams/:id/members/:memberId', tag: 'teams', summary: 'Remove a member from a team', params: memberParams, status: 204 }),
};

