/**
 * Creating a discussion: the body already passed its contract (counts of speakers and roles,
 * limits); here what only the database knows — the assistants exist, are active and can be called,
 * the vault to consult is known — then the discussion and its participants in one transaction.
 */
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { discussionCreateSchema } from '../../../shared/contracts/discussions';
import { DISCUSSION_DEFAULTS } from '../../../shared/contracts/discussions';
import type { Language } from '../../../shared/i18n';
import { modelConfigOf } from '../ai/assistants';
import { AiError, aiErrorSentence } from '../ai/errors';
import type { SecretBox } from '../ai/secrets';
import type { Db } from '../db/database';
import { aiAssistants, aiDiscussions, discussionParticipants, obsidianIntegrationSettings } from '../db/schema';
import { ApiError, conflict } from '../server/errors';
import { DEFAULT_STANCES } from './shapes';
import { initialRun, type StoredSettings } from './store';

export type DiscussionCreateInput = z.output<typeof discussionCreateSchema>;

async function checkAssistants(db: Db, input: DiscussionCreateInput, secrets: SecretBox | undefined, language: Language): Promise<void> {
  const ids = input.participants.map((p) => p.assistantId);
  const rows = await db.select().from(aiAssistants).where(and(inArray(aiAssistants.id, ids), isNull(aiAssistants.deletedAt)));
  const missing = ids.filter((id) => !rows.some((r) => r.id === id));
  if (missing.length) throw new ApiError(400, 'unknown_reference', `No assistant ${missing.join(', ')}; list assistants with GET /api/v1/assistants`, { assistantIds: missing });
  const inactive = rows.filter((r) => !r.isActive);
  if (inactive.length) {
    throw conflict('assistant_inactive', `${inactive.map((r) => `"${r.name}"`).join(', ')} ${inactive.length > 1 ? 'are' : 'is'} inactive; activate ${inactive.length > 1 ? 'them' : 'it'} (PATCH /api/v1/assistants/:id with isActive: true) or choose others`, {
      assistantIds: inactive.map((r) => r.id),
    });
  }
  for (const r of rows) {
    try {
      modelConfigOf(r, secrets);
    } catch (e) {
      if (e instanceof AiError) throw conflict('assistant_not_configured', aiErrorSentence(e, language), { assistantIds: [r.id] });
      throw e;
    }
  }
}

async function checkVault(db: Db, consultVault: boolean, vaultId: number | null): Promise<void> {
  if (!consultVault) return;
  const vaults = await db.select({ id: obsidianIntegrationSettings.id }).from(obsidianIntegrationSettings);
  if (vaultId !== null && !vaults.some((v) => v.id === vaultId)) throw new ApiError(400, 'unknown_reference', `No vault ${vaultId}; list vaults with GET /api/v1/vaults`);
  if (vaultId === null && vaults.length > 1) throw new ApiError(400, 'vault_required', 'Several vaults are registered: give settings.vaultId, or set settings.consultVault to false');
}

/** Creates the discussion (status active, not yet run) and returns its id. */
export async function createDiscussion(db: Db, input: DiscussionCreateInput, options: { language: 'ja' | 'en'; secrets?: SecretBox }): Promise<number> {
  await checkAssistants(db, input, options.secrets, options.language);
  const given = input.settings ?? {};
  const settings = {
    maxRounds: given.maxRounds ?? DISCUSSION_DEFAULTS.maxRounds,
    tokenBudget: given.tokenBudget ?? DISCUSSION_DEFAULTS.tokenBudget,
    language: given.language ?? options.language,
    consultVault: given.consultVault ?? DISCUSSION_DEFAULTS.consultVault,
    vaultId: given.vaultId ?? null,
    observerReview: given.observerReview ?? DISCUSSION_DEFAULTS.observerReview,
  };
  await checkVault(db, settings.consultVault, settings.vaultId);

  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(aiDiscussions)
      .values({
        title: input.title,
        description: input.description ?? null,
        topic: input.topic,
        discussionType: input.type,
        maxParticipants: input.maxParticipants ?? DISCUSSION_DEFAULTS.maxParticipants,
        currentParticipantCount: input.participants.length,
        startedAt: sql`now()`,
      })
      .returning({ id: aiDiscussions.id });
    const id = row!.id;
    const participants = await tx
      .insert(discussionParticipants)
      .values(input.participants.map((p) => ({ discussionId: id, assistantId: p.assistantId, role: p.role })))
      .returning({ id: discussionParticipants.id, assistantId: discussionParticipants.assistantId });
    // Debaters without a stance of their own take turns at for and against.
    const stances: Record<string, string> = {};
    let debater = 0;
    for (const p of input.participants) {
      const pid = participants.find((x) => x.assistantId === p.assistantId)!.id;
      if (p.stance) stances[String(pid)] = p.stance;
      else if (input.type === 'debate' && p.role === 'participant') stances[String(pid)] = DEFAULT_STANCES[settings.language][debater % 2]!;
      if (p.role === 'participant') debater++;
    }
    const stored: StoredSettings = { ...settings, stances, run: initialRun(input.topic) };
    await tx.update(aiDiscussions).set({ settings: stored as unknown as Record<string, unknown> }).where(eq(aiDiscussions.id, id));
    return id;
  });
}
