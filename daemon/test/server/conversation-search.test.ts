import { randomBytes } from 'node:crypto';
import { eq, inArray, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { API_PREFIX } from '../../../shared/contracts';
import { conversationSearchResponseSchema } from '../../../shared/contracts/conversations';
import { secretBox } from '../../src/ai/secrets';
import { ZERO_USAGE } from '../../src/ai/provider';
import { messages } from '../../src/db/schema';
import { startTurn, storeAnswer } from '../../src/librarian/conversation';
import { BACKFILL_BATCH, indexPendingMessages } from '../../src/search/messages';
import { ScriptedModel } from '../ai/scripted-model';
import { createTestApp, type TestApp } from '../helpers/app';
import { testDatabaseTargets } from '../helpers/databases';

const api = (path: string) => `${API_PREFIX}${path}`;

interface Hit {
  messageId: number;
  conversationId: number;
  conversationTitle: string | null;
  role: string;
  snippet: string;
  highlights: Array<[number, number]>;
  score: number;
}

describe.each(testDatabaseTargets())('conversation search on $kind', (target) => {
  let t: TestApp;
  const model = new ScriptedModel();
  let assistantId: number;
  let chat: number;
  /** id by content, for the messages written by the tests below. */
  const ids = new Map<string, number>();

  const search = async (q: string, extra = '') => {
    const r = await t.json('GET', api(`/conversations/search?q=${encodeURIComponent(q)}${extra}`));
    if (r.status === 200) conversationSearchResponseSchema.parse(r.body);
    return r;
  };
  const found = async (q: string): Promise<string[]> => {
    const r = await search(q);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const byId = new Map([...ids].map(([content, id]) => [id, content]));
    return (r.body.items as Hit[]).map((h) => byId.get(h.messageId) ?? `#${h.messageId}`);
  };

  /** A user message and the assistant's reply, through the chat route (its insert path). */
  async function turn(question: string, reply: string): Promise<void> {
    model.script({ call: 'stream', reply: { chunks: [reply] } });
    const res = await t.request('POST', api(`/conversations/${chat}/messages`), { body: { content: question } });
    expect(res.status).toBe(200);
    await res.text();
    const rows = await t.database.db.select({ id: messages.id, content: messages.content }).from(messages).where(eq(messages.conversationId, chat));
    for (const r of rows) ids.set(r.content, r.id);
  }

  beforeAll(async () => {
    t = await createTestApp(await target.open(), undefined, { secrets: secretBox(randomBytes(32)), models: model.factory() });
    assistantId = (await t.json('POST', api('/assistants'), { body: { name: 'Scribe', provider: 'openai_compatible', model: 'llama3.2' } })).body.id;
    chat = (await t.json('POST', api('/conversations'), { body: { assistantId, title: '打ち合わせ' } })).body.id;
    // The reply with 議事録 three times is older than the question with it once (ranking test).
    await turn('東京で会議', '議事録を書きます。議事録は共有フォルダに置き、議事録の要点を送ります。');
    await turn('会議の議事録はどこ？', 'Meetings are summarised in the weekly review.');
    await turn('The quick brown fox', 'A brown quick dog, foo_bar and ＡＢＣ notes.');
  });
  afterEach(() => model.verify());
  afterAll(async () => t?.dispose());

  it('writes the search column with every insert of the chat route', async () => {
    const rows = await t.database.db.select({ id: messages.id }).from(messages).where(sql`${messages.searchVector} IS NULL`);
    expect(rows).toEqual([]);
    expect(ids.size).toBe(6);
  });

  it('finds Japanese without spaces, with particles, inside longer words', async () => {
    const both = ['会議の議事録はどこ？', '議事録を書きます。議事録は共有フォルダに置き、議事録の要点を送ります。'];
    expect((await found('議事録')).sort()).toEqual([...both].sort());
    expect(await found('会議の議事録')).toEqual(['会議の議事録はどこ？']);
    expect(await found('会議 議事録')).toEqual(['会議の議事録はどこ？']);
    expect(await found('東京 の 会議')).toEqual(['東京で会議']);
    expect(await found('共有')).toEqual([both[1]]);
    expect(await found('京都')).toEqual([]);
  });

  it('handles English words as note search does: whole words, case and width folded, prefixes, compounds', async () => {
    expect(await found('MEETINGS')).toEqual(['Meetings are summarised in the weekly review.']);
    // No stemming (the `simple` configuration, as notes): a prefix finds the other forms.
    expect(await found('meeting')).toEqual([]);
    expect(await found('meet*')).toEqual(['Meetings are summarised in the weekly review.']);
    expect(await found('foobar')).toEqual(['A brown quick dog, foo_bar and ＡＢＣ notes.']);
    expect(await found('foo_bar')).toEqual(['A brown quick dog, foo_bar and ＡＢＣ notes.']);
    expect(await found('abc')).toEqual(['A brown quick dog, foo_bar and ＡＢＣ notes.']);
  });

  it('matches phrases in order only, and excludes words', async () => {
    expect(await found('"quick brown"')).toEqual(['The quick brown fox']);
    expect((await found('quick brown')).sort()).toEqual(['A brown quick dog, foo_bar and ＡＢＣ notes.', 'The quick brown fox']);
    expect(await found('brown -fox')).toEqual(['A brown quick dog, foo_bar and ＡＢＣ notes.']);
    expect(await found('議事録 -東京 -"会議の"')).toEqual(['議事録を書きます。議事録は共有フォルダに置き、議事録の要点を送ります。']);
  });

  it('ranks a message with the term more often above a newer one with it once, and marks the terms in the snippet', async () => {
    const r = await search('議事録');
    const items = r.body.items as Hit[];
    expect(items.map((h) => h.messageId)).toEqual([ids.get('議事録を書きます。議事録は共有フォルダに置き、議事録の要点を送ります。'), ids.get('会議の議事録はどこ？')]);
    expect(items[0]!.score).toBeGreaterThan(items[1]!.score);
    expect(r.body).toMatchObject({ total: 2, totalExact: true });
    expect(items[1]).toMatchObject({ conversationId: chat, conversationTitle: '打ち合わせ', role: 'user', snippet: '会議の議事録はどこ？' });
    expect(items[0]!.role).toBe('assistant');
    for (const h of items) {
      expect(h.highlights.length).toBeGreaterThan(0);
      for (const [s, e] of h.highlights) expect(h.snippet.slice(s, e)).toBe('議事録');
    }
    // Pages: the second hit alone.
    const second = await search('議事録', '&limit=1&offset=1');
    expect((second.body.items as Hit[]).map((h) => h.messageId)).toEqual([ids.get('会議の議事録はどこ？')]);
    expect(second.body.total).toBe(2);
  });

  it("finds the librarian's questions and answers", async () => {
    const start = await startTurn(t.database.db, { question: '棚卸しの手順は？', vaultId: 1, assistantId, userId: t.localUserId });
    const answer = await storeAnswer(t.database.db, {
      conversationId: start.conversationId,
      assistantId,
      text: '棚卸しは [[在庫管理]] の手順どおりに行います。',
      mode: 'vault',
      citations: [],
      removedLinks: [],
      usage: ZERO_USAGE,
      model: 'llama3.2',
    });
    const r = await search('棚卸し 手順');
    expect((r.body.items as Hit[]).map((h) => h.messageId).sort((a, b) => a - b)).toEqual([start.userMessage.id, answer.id]);
    expect((r.body.items as Hit[]).every((h) => h.conversationId === start.conversationId)).toBe(true);
  });

  it('indexes rows written without the search column (before migration 0008) in batches, without touching updated_at', async () => {
    const conversation = (await t.json('POST', api('/conversations'), { body: { assistantId, title: '古い会話' } })).body.id as number;
    const old = Array.from({ length: BACKFILL_BATCH + 3 }, (_, i) => `古いメモ ${i} の在庫表`);
    old.push('移行前の議事録サンプル');
    const written = await t.database.db
      .insert(messages)
      .values(old.map((content) => ({ conversationId: conversation, senderType: 'user' as const, content, updatedAt: sql`'2020-01-01T00:00:00Z'::timestamptz` })))
      .returning({ id: messages.id, searchVector: messages.searchVector });
    expect(written.every((w) => w.searchVector === null)).toBe(true);
    const writtenIds = written.map((w) => w.id);

    // A search indexes them first, so it does not miss them.
    expect((await search('在庫表')).body.total).toBe(BACKFILL_BATCH + 3);
    const hits = (await search('議事録')).body.items as Hit[];
    expect(hits.map((h) => h.messageId)).toContain(writtenIds.at(-1));
    const after = await t.database.db
      .select({ pending: sql<number>`count(*) FILTER (WHERE ${messages.searchVector} IS NULL)`.mapWith(Number), touched: sql<number>`count(*) FILTER (WHERE ${messages.updatedAt} <> '2020-01-01T00:00:00Z'::timestamptz)`.mapWith(Number) })
      .from(messages)
      .where(inArray(messages.id, writtenIds));
    expect(after[0]).toEqual({ pending: 0, touched: 0 });

    // The start-up backfill: the same function, over rows whose column is null.
    await t.database.db.update(messages).set({ searchVector: null }).where(inArray(messages.id, writtenIds.slice(0, 5)));
    expect(await indexPendingMessages(t.database.db)).toBe(5);
    expect(await indexPendingMessages(t.database.db)).toBe(0);
    expect((await search('在庫表')).body.total).toBe(BACKFILL_BATCH + 3);
  });

  it('leaves out messages of deleted conversations', async () => {
    const other = (await t.json('POST', api('/conversations'), { body: { assistantId } })).body.id as number;
    const [row] = await t.database.db.insert(messages).values({ conversationId: other, senderType: 'user', content: '削除予定の特別な単語' }).returning({ id: messages.id });
    expect((await search('特別な単語')).body.items.map((h: Hit) => h.messageId)).toEqual([row!.id]);
    expect((await t.json('DELETE', api(`/conversations/${other}`))).status).toBe(204);
    expect((await search('特別な単語')).body.total).toBe(0);
  });

  it("answers bad queries with 400 and the parser's message, never 500", async () => {
    const cases: Array<[string, RegExp]> = [
      ['', /q must not be empty/],
      ['-fox', /only excludes words/],
      ['"" *', /no words to search for/],
      ['tag:work', /tag:work: conversation search has no filters/],
      ['todo:fix', /todo:fix: conversation search has no filters.*"todo:fix"/],
      ['x'.repeat(501), /at most 500 characters/],
    ];
    for (const [q, message] of cases) {
      const r = await search(q);
      expect(r.status, q).toBe(400);
      expect(r.body.error.message, q).toMatch(message);
    }
    // The quoted form of a word with a colon is text.
    expect((await search('"todo:fix"')).status).toBe(200);
  });
});
