import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { teamEndpoints, type Team, type TeamMember } from '../../../../shared/contracts/teams';
import type { Db } from '../../db/database';
import { aiAssistants, teamMembers, teams } from '../../db/schema';
import type { AppDeps } from '../app';
import { ApiError, conflict, notFound } from '../errors';
import { register, type AppEnv } from '../route';
import { countRows, iso } from './list';

type TeamRow = typeof teams.$inferSelect;
type MemberRow = typeof teamMembers.$inferSelect;

/** Active members, computed in the same query as the team. */
// Table names written out: inside a subquery drizzle would leave teams.id unqualified (it resolves to team_members.id).
const memberCount = sql<number>`(select count(*) from team_members m where m.team_id = teams.id and m.is_active)`.mapWith(Number);

const toApi = (t: TeamRow & { memberCount: number }): Team => ({
  id: t.id,
  name: t.name,
  description: t.description,
  teamType: t.teamType,
  maxMembers: t.maxMembers,
  isActive: t.isActive,
  memberCount: t.memberCount,
  createdAt: iso(t.createdAt),
  updatedAt: iso(t.updatedAt),
});

const memberToApi = (m: MemberRow): TeamMember => ({
  id: m.id,
  teamId: m.teamId,
  assistantId: m.assistantId,
  role: m.role,
  joinedAt: iso(m.joinedAt),
  isActive: m.isActive,
});

const live = (id: number) => and(eq(teams.id, id), isNull(teams.deletedAt));

async function findTeam(db: Db, id: number) {
  const [row] = await db.select({ ...teamColumns(), memberCount }).from(teams).where(live(id));
  if (!row) throw notFound('Team', id);
  return row;
}

function teamColumns() {
  const { id, name, description, teamType, maxMembers, isActive, createdAt, updatedAt, deletedAt } = teams;
  return { id, name, description, teamType, maxMembers, isActive, createdAt, updatedAt, deletedAt };
}

/** Locks the team row so two concurrent adds cannot both take the last seat. */
async function lockTeamForMembers(tx: Db, teamId: number) {
  const [team] = await tx.select().from(teams).where(live(teamId)).for('update');
  if (!team) throw notFound('Team', teamId);
  const [{ active } = { active: 0 }] = await tx
    .select({ active: sql<number>`count(*)`.mapWith(Number) })
    .from(teamMembers)
    .where(and(eq(teamMembers.teamId, teamId), eq(teamMembers.isActive, true)));
  return {
    team,
    ensureSeat() {
      if (active >= team.maxMembers) {
        throw conflict('team_full', `Team "${team.name}" already has its maximum of ${team.maxMembers} active members`);
      }
    },
  };
}

export function teamRoutes({ database }: AppDeps) {
  const app = new Hono<AppEnv>();
  const { db } = database;

  register(app, teamEndpoints.list, async ({ query }) => {
    const where = isNull(teams.deletedAt);
    const rows = await db.select({ ...teamColumns(), memberCount }).from(teams).where(where).orderBy(asc(teams.id)).limit(query.limit).offset(query.offset);
    return { items: rows.map(toApi), total: await countRows(db, teams, where) };
  });

  register(app, teamEndpoints.get, async ({ params }) => toApi(await findTeam(db, params.id)));

  register(app, teamEndpoints.create, async ({ body }) => {
    const [row] = await db.insert(teams).values(body).returning();
    return toApi({ ...row!, memberCount: 0 });
  });

  register(app, teamEndpoints.update, async ({ params, body }) => {
    const [row] = await db.update(teams).set(body).where(live(params.id)).returning({ id: teams.id });
    if (!row) throw notFound('Team', params.id);
    return toApi(await findTeam(db, params.id));
  });

  register(app, teamEndpoints.remove, async ({ params }) => {
    const [row] = await db.update(teams).set({ deletedAt: sql`now()` }).where(live(params.id)).returning({ id: teams.id });
    if (!row) throw notFound('Team', params.id);
    return undefined;
  });

  register(app, teamEndpoints.listMembers, async ({ params }) => {
    await findTeam(db, params.id);
    const rows = await db.select().from(teamMembers).where(eq(teamMembers.teamId, params.id)).orderBy(asc(teamMembers.id));
    return { items: rows.map(memberToApi), total: rows.length };
  });

  register(app, teamEndpoints.addMember, async ({ params, body }) =>
    db.transaction(async (tx) => {
      const { ensureSeat } = await lockTeamForMembers(tx, params.id);
      const [assistant] = await tx
        .select({ id: aiAssistants.id })
        .from(aiAssistants)
        .where(and(eq(aiAssistants.id, body.assistantId), isNull(aiAssistants.deletedAt)));
      if (!assistant) throw new ApiError(400, 'unknown_reference', `assistantId ${body.assistantId} does not exist`);
      const [existing] = await tx
        .select({ id: teamMembers.id })
        .from(teamMembers)
        .where(and(eq(teamMembers.teamId, params.id), eq(teamMembers.assistantId, body.assistantId)));
      if (existing) throw conflict('already_member', `Assistant ${body.assistantId} is already a member of team ${params.id} (member ${existing.id})`);
      ensureSeat();
      const [row] = await tx
        .insert(teamMembers)
        .values({ teamId: params.id, assistantId: body.assistantId, ...(body.role ? { role: body.role } : {}) })
        .returning();
      return memberToApi(row!);
    }),
  );

  register(app, teamEndpoints.updateMember, async ({ params, body }) =>
    db.transaction(async (tx) => {
      const { ensureSeat } = await lockTeamForMembers(tx, params.id);
      const [member] = await tx
        .select()
        .from(teamMembers)
        .where(and(eq(teamMembers.id, params.memberId), eq(teamMembers.teamId, params.id)));
      if (!member) throw notFound('Member', params.memberId);
      if (body.isActive === true && !member.isActive) ensureSeat();
      const [row] = await tx.update(teamMembers).set(body).where(eq(teamMembers.id, member.id)).returning();
      return memberToApi(row!);
    }),
  );

  register(app, teamEndpoints.removeMember, async ({ params }) => {
    await findTeam(db, params.id);
    const [row] = await db
      .delete(teamMembers)
      .where(and(eq(teamMembers.id, params.memberId), eq(teamMembers.teamId, params.id)))
      .returning({ id: teamMembers.id });
    if (!row) throw notFound('Member', params.memberId);
    return undefined;
  });
  return app;
}
