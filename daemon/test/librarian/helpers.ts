/**
 * The librarian tests' setup: a real temporary vault indexed by the daemon's indexer (fake watcher)
 * into a real database, the Hono app with a scripted model, and the ask stream parsed and checked
 * against the contract's event schemas.
 */
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { API_PREFIX } from '../../../shared/contracts';
import { askEventSchemas } from '../../../shared/contracts/librarian';
import { createEmbeddingModel } from '../../src/ai/embedding';
import type { CallPolicy } from '../../src/ai/retry';
import { secretBox } from '../../src/ai/secrets';
import { MemoryCacheStore } from '../../src/cache/memory';
import type { obsidianIntegrationSettings } from '../../src/db/schema';
import { Embedder, type EmbedderOptions } from '../../src/librarian/embedder';
import { VectorCache } from '../../src/librarian/vectors';
import { ScriptedModel } from '../ai/scripted-model';
import { createTestApp, type TestApp } from '../helpers/app';
import type { TestDatabase, TestDatabaseTarget } from '../helpers/databases';
import { indexOnce, registerVaultRow, tempVault, type TempVault } from '../vault/helpers';

export const api = (path: string) => `${API_PREFIX}${path}`;

/** A small bilingual vault: recipes, a garden project with a link, meeting notes in Japanese, templates. */
export const VAULT_FILES: Record<string, string> = {
  'Recipes/Curry.md':
    '---\ntags: [cooking, recipe]\n---\nThe family curry recipe: onions, carrots and potatoes, then the roux.\n\n## Spices\n\nAdd garam masala at the very end, after the heat is off.\n\n## Serving\n\nServe with rice and pickles.\n',
  'Projects/Garden plan.md':
    '---\ntags: [garden, project]\n---\nPlan for the vegetable garden: tomatoes in May, beans in June. Water them as the [[Watering schedule]] says.\n',
  'Projects/Watering schedule.md': '---\ntags: [garden]\n---\nWater the vegetable beds every morning in summer, and twice a day during a heat wave.\n',
  '日記/定例会議.md':
    '---\ntags: [会議]\n---\n# 定例会議\n\n議事録：来週までに予算案を提出する。担当は田中さん。\n\n## 次回の予定\n\n次回の定例会議は金曜日の午後。議題は予算案の確認。\n',
  'Notes/Zettelkasten.md': '---\ntags: [method]\n---\nZettelkasten is a note-taking method of small linked notes, each holding one idea.\n',
  'Templates/Daily.md': '---\ncreated: {{date}}\n---\n# {{title}}\n\n## Tasks\n',
  'Templates/Meetings/Minutes.md': '# {{title}} — {{date:YYYY年M月D日}}\n\n- 出席者:\n- 議題:\n',
};

export interface LibrarianFixture {
  t: TestApp;
  model: ScriptedModel;
  vault: TempVault;
  vaultId: number;
  assistantId: number;
  dispose(): Promise<void>;
}

/** Indexes `files` in a fresh temp vault of the app's database; returns the vault id. */
export async function indexVault(t: TestApp, files: Record<string, string>, extra: Partial<typeof obsidianIntegrationSettings.$inferInsert> = {}): Promise<{ vault: TempVault; vaultId: number }> {
  const vault = await tempVault(files);
  const vaultId = await registerVaultRow(t.database.db, vault.root, extra);
  await indexOnce(t.database.db, vaultId, vault.root);
  return { vault, vaultId };
}

/**
 * The app over a fresh database with the vault indexed, one local assistant (no key needed) and,
 * unless `configure` is false, that assistant chosen as the librarian's.
 */
export async function librarianFixture(target: TestDatabaseTarget, options: { configure?: boolean; files?: Record<string, string> } = {}): Promise<LibrarianFixture> {
  const model = new ScriptedModel();
  const t = await createTestApp(await target.open(), new MemoryCacheStore(), { secrets: secretBox(randomBytes(32)), models: model.factory() });
  const { vault, vaultId } = await indexVault(t, options.files ?? VAULT_FILES, { templateFolder: 'Templates' });
  const a = await t.json('POST', api('/assistants'), { body: { name: 'Librarian model', provider: 'openai_compatible', model: 'llama3.2', settings: { temperature: 0.1 } } });
  expect(a.status).toBe(201);
  if (options.configure !== false) {
    const r = await t.json('PATCH', api('/librarian'), { body: { assistantId: a.body.id } });
    expect(r.status).toBe(200);
    expect(r.body.configured).toBe(true);
  }
  return {
    t,
    model,
    vault,
    vaultId,
    assistantId: a.body.id,
    async dispose() {
      await t.dispose();
      await vault.dispose();
    },
  };
}

export interface AskEvent {
  event: keyof typeof askEventSchemas;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  data: any;
}

/** The events of an ask stream, each validated against its contract schema. */
export function parseAskEvents(text: string): AskEvent[] {
  return text
    .split('\n\n')
    .filter((block) => block.trim() && !block.trim().startsWith(':'))
    .map((block) => {
      const lines = block.split('\n');
      const event = (lines.find((l) => l.startsWith('event: '))?.slice(7) ?? 'message') as AskEvent['event'];
      const data = JSON.parse(lines.filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n'));
      const schema = askEventSchemas[event];
      expect(schema, `unknown event ${event}`).toBeDefined();
      schema.parse(data);
      return { event, data };
    });
}

/** POST /librarian/ask; the events when it streamed, else the JSON error as one 'http' event. */
export async function ask(t: TestApp, body: Record<string, unknown>): Promise<{ status: number; events: AskEvent[]; error?: { code: string; message: string } }> {
  const res = await t.request('POST', api('/librarian/ask'), { body });
  if (res.headers.get('content-type')?.startsWith('text/event-stream')) return { status: res.status, events: parseAskEvents(await res.text()) };
  const json = (await res.json()) as { error: { code: string; message: string } };
  return { status: res.status, events: [], error: json.error };
}

/**
 * The app with the daemon's real Embedder over `database` (a key box of its own), for the semantic
 * search tests; the embedding models call the providers (the tests' protocol server) under `policy`.
 */
export async function embedderApp(
  database: TestDatabase,
  options: Partial<Pick<EmbedderOptions, 'batchSize' | 'backoffMs'>> & { policy?: Partial<CallPolicy> } = {},
): Promise<{ t: TestApp; embedder: Embedder }> {
  const { policy, ...tuning } = options;
  const secrets = secretBox(randomBytes(32));
  const embedder = new Embedder({
    db: database.db,
    secrets,
    log: () => undefined,
    vectors: new VectorCache(database.db),
    embeddings: (config) => createEmbeddingModel(config, { policy: policy ?? {} }),
    ...tuning,
  });
  const t = await createTestApp(database, new MemoryCacheStore(), { secrets, embedder });
  return { t, embedder };
}
