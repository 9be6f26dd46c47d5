import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_PREFIX } from '../../../shared/contracts';
import { personaSchema } from '../../../shared/contracts/personas';
import { DEFAULT_PREFERENCES, preferencesSchema } from '../../../shared/contracts/preferences';
import { roleSchema } from '../../../shared/contracts/roles';
import { teamMemberSchema, teamSchema } from '../../../shared/contracts/teams';
import { aiAssistants, personas, users } from '../../src/db/schema';
import { createTestApp, type TestApp } from '../helpers/app';
import { testDatabaseTargets } from '../helpers/databases';

const api = (path: string) => `${API_PREFIX}${path}`;

describe.each(testDatabaseTargets())('resources on $kind', (target) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(await target.open());
  });
  afterAll(async () => t?.dispose());

  async function newAssistant(name: string): Promise<number> {
    const [row] = await t.database.db
      .insert(aiAssistants)
      .values({ name, aiProvider: 'openai_compatible', model: 'llama3', createdBy: t.localUserId })
      .returning({ id: aiAssistants.id });
    return row!.id;
  }

  describe('preferences', () => {
    it('start at the defaults', async () => {
      const { status, body } = await t.json('GET', api('/preferences'));
      expect(status).toBe(200);
      expect(body).toEqual(DEFAULT_PREFERENCES);
    });
    it('change part of a section, keep the rest, and persist', async () => {
      const { status, body } = await t.json('PATCH', api('/preferences'), { body: { language: 'en', aiSettings: { temperature: 0.2 } } });
      expect(status).toBe(200);
      expect(body.language).toBe('en');
      expect(body.aiSettings).toEqual({ ...DEFAULT_PREFERENCES.aiSettings, temperature: 0.2 });
      expect((await t.json('GET', api('/preferences'))).body).toEqual(body);
      const [row] = await t.database.db.select({ p: users.preferences }).from(users).where(eq(users.id, t.localUserId));
      expect(preferencesSchema.parse(row!.p)).toEqual(body);
    });
    it('refuse bad values and leave the stored ones untouched', async () => {
      const before = (await t.json('GET', api('/preferences'))).body;
      for (const bad of [{ timezone: 'Mars/Olympus' }, { theme: 'neon' }, { aiSettings: { temperature: 5 } }, { colour: 'red' }, { notifications: { sms: true } }, {}]) {
        const { status, body } = await t.json('PATCH', api('/preferences'), { body: bad });
        expect(status, JSON.stringify(bad)).toBe(400);
        expect(body.error.code).toBe('validation_failed');
      }
      expect((await t.json('GET', api('/preferences'))).body).toEqual(before);
    });
    it('survive stored data of an older or broken shape', async () => {
      await t.database.db.update(users).set({ preferences: { theme: 'dark', aiSettings: 'broken', notifications: { notices: false } } as never }).where(eq(users.id, t.localUserId));
      const { body } = await t.json('GET', api('/preferences'));
      expect(body.theme).toBe('dark');
      expect(body.aiSettings).toEqual(DEFAULT_PREFERENCES.aiSettings);
      expect(body.notifications).toEqual({ ...DEFAULT_PREFERENCES.notifications, notices: false });
    });
  });

  describe('roles', () => {
    it('list the five system roles', async () => {
      const { body } = await t.json('GET', api('/roles'));
      const system = body.items.map(roleSchema.parse).filter((r: { isSystem: boolean }) => r.isSystem);
      expect(system.map((r: { name: string }) => r.name).sort()).toEqual(['admin', 'ai_assistant', 'team_leader', 'user', 'workflow_manager']);
    });
    it('create, read, change and delete a role', async () => {
      const created = await t.json('POST', api('/roles'), { body: { name: 'reviewer', category: 'team', permissions: { read: true } } });
      expect(created.status).toBe(201);
      const role = roleSchema.parse(created.body);
      expect(role).toMatchObject({ name: 'reviewer', isSystem: false, permissions: { read: true } });
      expect((await t.json('GET', api(`/roles/${role.id}`))).body).toEqual(created.body);
      const changed = await t.json('PATCH', api(`/roles/${role.id}`), { body: { description: '査読者' } });
      expect(changed.status).toBe(200);
      expect(changed.body.description).toBe('査読者');
      expect((await t.request('DELETE', api(`/roles/${role.id}`))).status).toBe(204);
      expect((await t.request('GET', api(`/roles/${role.id}`))).status).toBe(404);
    });
    it('refuse a duplicate name with 409', async () => {
      const { status, body } = await t.json('POST', api('/roles'), { body: { name: 'admin', category: 'x' } });
      expect(status).toBe(409);
      expect(body.error.code).toBe('already_exists');
    });
    it('refuse to change or delete a system role', async () => {
      const { body } = await t.json('GET', api('/roles'));
      const admin = body.items.find((r: { name: string }) => r.name === 'admin');
      const patch = await t.json('PATCH', api(`/roles/${admin.id}`), { body: { name: 'root' } });
      expect(patch.status).toBe(409);
      expect(patch.body.error.code).toBe('system_role');
      expect((await t.request('DELETE', api(`/roles/${admin.id}`))).status).toBe(409);
      expect((await t.json('GET', api(`/roles/${admin.id}`))).body.name).toBe('admin');
    });
    it('refuse an empty PATCH', async () => {
      const { body } = await t.json('POST', api('/roles'), { body: { name: 'empty-patch', category: 'c' } });
      const { status } = await t.json('PATCH', api(`/roles/${body.id}`), { body: {} });
      expect(status).toBe(400);
    });
  });

  describe('personas', () => {
    it('include the five defaults with 司書AI and its icon', async () => {
      const { body } = await t.json('GET', api('/personas'));
      const librarian = body.items.map(personaSchema.parse).find((p: { name: string }) => p.name === '司書AI');
      expect(librarian).toMatchObject({ isDefault: true, iconType: 'preset', iconMetadata: { icon_name: 'librarian', color: '#EF4444' } });
    });
    it('create with a role, filter by role, soft delete', async () => {
      const roles = (await t.json('GET', api('/roles'))).body.items;
      const roleId = roles.find((r: { name: string }) => r.name === 'ai_assistant').id;
      const created = await t.json('POST', api('/personas'), {
        body: { name: '編集者', personality: '丁寧で簡潔', roleId, iconType: 'upload', iconUrl: 'hisho/icons/editor.png', iconMetadata: { color: '#000000' } },
      });
      expect(created.status).toBe(201);
      const persona = personaSchema.parse(created.body);
      const filtered = (await t.json('GET', api(`/personas?roleId=${roleId}`))).body;
      expect(filtered.items.map((p: { id: number }) => p.id)).toContain(persona.id);
      expect(filtered.items.every((p: { roleId: number }) => p.roleId === roleId)).toBe(true);

      expect((await t.request('DELETE', api(`/personas/${persona.id}`))).status).toBe(204);
      expect((await t.request('GET', api(`/personas/${persona.id}`))).status).toBe(404);
      expect((await t.request('PATCH', api(`/personas/${persona.id}`), { body: { name: 'x' } })).status).toBe(404);
      expect((await t.request('DELETE', api(`/personas/${persona.id}`))).status).toBe(404);
      const list = (await t.json('GET', api('/personas?limit=500'))).body;
      expect(list.items.map((p: { id: number }) => p.id)).not.toContain(persona.id);
      // Soft: the row is still there, marked deleted.
      const [row] = await t.database.db.select().from(personas).where(eq(personas.id, persona.id));
      expect(row?.deletedAt).toBeInstanceOf(Date);
    });
    it('refuse an unknown role with a message naming it', async () => {
      const { status, body } = await t.json('POST', api('/personas'), { body: { name: 'x', personality: 'y', roleId: 987654 } });
      expect(status).toBe(400);
      expect(body.error.message).toContain('987654');
    });
    it('refuse empty required text', async () => {
      const { status, body } = await t.json('POST', api('/personas'), { body: { name: '   ', personality: 'y' } });
      expect(status).toBe(400);
      expect(body.error.message).toContain('name');
    });
  });

  describe('teams and members', () => {
    it('list the five default teams', async () => {
      const { body } = await t.json('GET', api('/teams'));
      expect(body.items.map(teamSchema.parse).map((team: { name: string }) => team.name)).toEqual(
        expect.arrayContaining(['開発チーム', 'デザインチーム', 'プロジェクト管理チーム', 'データ分析チーム', '知識管理チーム']),
      );
      expect(body.total).toBeGreaterThanOrEqual(5);
    });
    it('add members up to the limit, refuse duplicates and a full team', async () => {
      const team = teamSchema.parse((await t.json('POST', api('/teams'), { body: { name: '小さなチーム', maxMembers: 2 } })).body);
      const [a, b, c] = [await newAssistant('A'), await newAssistant('B'), await newAssistant('C')];
      const first = await t.json('POST', api(`/teams/${team.id}/members`), { body: { assistantId: a, role: 'leader' } });
      expect(first.status).toBe(201);
      expect(teamMemberSchema.parse(first.body)).toMatchObject({ teamId: team.id, assistantId: a, role: 'leader', isActive: true });
      const dup = await t.json('POST', api(`/teams/${team.id}/members`), { body: { assistantId: a } });
      expect(dup.status).toBe(409);
      expect(dup.body.error.code).toBe('already_member');
      expect((await t.json('POST', api(`/teams/${team.id}/members`), { body: { assistantId: b } })).status).toBe(201);
      const full = await t.json('POST', api(`/teams/${team.id}/members`), { body: { assistantId: c } });
      expect(full.status).toBe(409);
      expect(full.body.error.code).toBe('team_full');
      expect((await t.json('GET', api(`/teams/${team.id}`))).body.memberCount).toBe(2);

      // Deactivating frees a seat; reactivating when full is refused.
      const members = (await t.json('GET', api(`/teams/${team.id}/members`))).body.items;
      const second = members.find((m: { assistantId: number }) => m.assistantId === b);
      expect((await t.json('PATCH', api(`/teams/${team.id}/members/${second.id}`), { body: { isActive: false } })).body.isActive).toBe(false);
      expect((await t.json('POST', api(`/teams/${team.id}/members`), { body: { assistantId: c } })).status).toBe(201);
      const reactivate = await t.json('PATCH', api(`/teams/${team.id}/members/${second.id}`), { body: { isActive: true } });
      expect(reactivate.status).toBe(409);

      expect((await t.request('DELETE', api(`/teams/${team.id}/members/${second.id}`))).status).toBe(204);
      expect((await t.request('DELETE', api(`/teams/${team.id}/members/${second.id}`))).status).toBe(404);
    });
    it('refuse two concurrent adds for the last seat: exactly one wins', async () => {
      const team = (await t.json('POST', api('/teams'), { body: { name: '一席', maxMembers: 1 } })).body;
      const [a, b] = [await newAssistant('X'), await newAssistant('Y')];
      const results = await Promise.all([a, b].map((assistantId) => t.json('POST', api(`/teams/${team.id}/members`), { body: { assistantId } })));
      expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    });
    it('refuse unknown assistants and members of another team', async () => {
      const team = (await t.json('POST', api('/teams'), { body: { name: '別チーム' } })).body;
      const unknown = await t.json('POST', api(`/teams/${team.id}/members`), { body: { assistantId: 424242 } });
      expect(unknown.status).toBe(400);
      expect(unknown.body.error.message).toContain('424242');
      const other = (await t.json('POST', api('/teams'), { body: { name: '他' } })).body;
      const m = (await t.json('POST', api(`/teams/${other.id}/members`), { body: { assistantId: await newAssistant('Z') } })).body;
      expect((await t.request('PATCH', api(`/teams/${team.id}/members/${m.id}`), { body: { role: 'leader' } })).status).toBe(404);
    });
    it('soft delete a team', async () => {
      const team = (await t.json('POST', api('/teams'), { body: { name: '消えるチーム', teamType: 'temp' } })).body;
      expect((await t.request('DELETE', api(`/teams/${team.id}`))).status).toBe(204);
      expect((await t.request('GET', api(`/teams/${team.id}`))).status).toBe(404);
      expect((await t.request('GET', api(`/teams/${team.id}/members`))).status).toBe(404);
      const list = (await t.json('GET', api('/teams?limit=500'))).body;
      expect(list.items.map((x: { id: number }) => x.id)).not.toContain(team.id);
    });
  });
});
