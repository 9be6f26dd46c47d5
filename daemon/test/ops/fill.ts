/**
 * Representative rows for the backup/restore/move tests: the storage fixture (one valid row in every
 * design table) plus rows that stress the text round trip — Japanese text, nested jsonb, arrays with
 * quotes/commas/braces/NULL elements, intervals, numerics, microsecond timestamps, NULLs, control
 * characters — and the vault index tables when they exist.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../src/db/database';
import { ident, listTables, readTableText, rowsOf, setCanonicalText, type Executor } from '../../src/ops/catalog';
import { insertFixture } from '../storage/fixtures';

async function exists(db: Executor, table: string): Promise<boolean> {
  const [r] = await rowsOf<{ t: string | null }>(db, sql`SELECT to_regclass(${`public.${table}`})::text AS t`);
  return Boolean(r?.t);
}

export async function fillEveryTable(db: Db): Promise<void> {
  const f = await insertFixture(db);
  const run = (q: string) => db.execute(sql.raw(q));
  await run(`INSERT INTO users (username, email, full_name, preferences, last_login)
             VALUES ('山田', 'yamada@example.invalid', '山田 太郎', '{"theme":"ダーク","notifications":{"メール":true},"list":[1,2.5,null,"a\\"b"]}',
                     '2024-02-29 23:59:59.123456+09')`);
  await run(`INSERT INTO workflows (name, workflow_type, status, priority, estimated_duration, actual_duration, metadata, started_at, completed_at)
             VALUES ('議事録の整理', 'knowledge', 'completed', 'high', '1 year 2 mons 3 days 04:05:06.789', '-00:00:01', '{"深さ":{"a":[{"b":{}}]}}',
                     '1999-12-31 15:00:00+00', NULL)`);
  await run(`INSERT INTO tasks (workflow_id, name, task_type, status, estimated_hours, actual_hours, dependencies, due_date)
             VALUES (${f.workflowId}, 'タスク, "引用" {括弧}', 'doc', 'completed', 999.99, 0.01,
                     ARRAY['a,b', 'c"d', '{e}', NULL, '', ' spaced ', 'back\\slash', 'NULL'], '2030-01-01 00:00:00.000001+00')`);
  await run(`INSERT INTO messages (conversation_id, sender_type, content, metadata, search_vector)
             VALUES (${f.conversationId}, 'assistant', E'改行\\nタブ\\t引用''符 \\\\ 絵文字 🎌 結合文字 が', '{"nested":{"配列":["東京","大阪"]}}',
                     to_tsvector('simple', '改行 行 タブ ブ 引用 用符 符 絵文字'))`);
  await run(`INSERT INTO conversations (title, participant_assistant_ids) VALUES (NULL, ARRAY[${f.assistantId}, ${f.assistant2Id}, 9223372036854775807])`);
  await run(`INSERT INTO discussion_messages (discussion_id, participant_id, content, parent_message_id, note_references)
             VALUES (${f.discussionId}, ${f.participantId}, '返信', ${f.discussionMessageId}, '{}')`);

  if (await exists(db, 'notes')) {
    await run(`INSERT INTO notes (vault_id, path, folder, title, link_name, link_path, aliases, tags, headings, frontmatter, body, size, mtime, content_hash, search_vector)
               VALUES (${f.obsidianId}, '日記/2024-01-01.md', '日記', '元日', '2024-01-01', '日記/2024-01-01', ARRAY['元旦'], ARRAY['#日記', '#new year'],
                       '[{"level":1,"text":"見出し"}]', '{"date":"2024-01-01","tags":["日記"]}', '東京都特許許可局長 [[会議]]', 42,
                       '2024-01-01 09:00:00+09', 'abc123', to_tsvector('simple', '東京 都 特許 許可'))`);
    const [note] = await rowsOf<{ id: number }>(db, sql`SELECT id FROM notes ORDER BY id DESC LIMIT 1`);
    if (await exists(db, 'note_links')) {
      await run(`INSERT INTO note_links (vault_id, source_note_id, target, subpath, alias, embed, kind, line, target_key, target_name, resolved_note_id)
                 VALUES (${f.obsidianId}, ${note?.id}, '会議', '#議題', NULL, false, 'wikilink', 3, '会議', '会議', ${note?.id})`);
    }
    if (await exists(db, 'note_embeddings')) {
      // Two float32 numbers (1.0, -2.5), little-endian: bytes that are not text survive the round trip.
      await run(`INSERT INTO note_embeddings (vault_id, note_id, chunk_index, heading, content_hash, source_hash, model, dimensions, vector)
                 VALUES (${f.obsidianId}, ${note?.id}, 0, '見出し', 'c0ffee', 'beef', 'openai:text-embedding-3-small@2', 2, decode('0000803f000020c0', 'hex'))`);
    }
    if (await exists(db, 'note_embedding_skips')) {
      await run(`INSERT INTO note_embedding_skips (vault_id, note_id, chunk_index, heading, content_hash, source_hash, model)
                 VALUES (${f.obsidianId}, ${note?.id}, 1, NULL, 'decaf', 'beef', 'openai:text-embedding-3-small@2')`);
    }
  }
  if (await exists(db, 'vault_index_errors')) {
    await run(`INSERT INTO vault_index_errors (vault_id, path, severity, message) VALUES (${f.obsidianId}, '壊れた.md', 'error', 'YAML: 行 3')`);
  }
}

/** Every row of every table as column texts, keyed by table (the comparison of the round-trip tests). */
export async function snapshot(db: Db): Promise<Record<string, Array<Array<string | null>>>> {
  return db.transaction(async (tx) => {
    await setCanonicalText(tx);
    const out: Record<string, Array<Array<string | null>>> = {};
    for (const t of await listTables(tx)) {
      const rows: Array<Array<string | null>> = [];
      for await (const r of readTableText(tx, t)) rows.push(r);
      out[t.name] = rows;
    }
    return out;
  });
}

export async function emptyTables(db: Db): Promise<string[]> {
  const empty: string[] = [];
  for (const t of await listTables(db)) {
    const [r] = await rowsOf<{ n: string | number }>(db, sql.raw(`SELECT count(*) AS n FROM ${ident(t.name)}`));
    if (Number(r?.n ?? 0) === 0) empty.push(t.name);
  }
  return empty;
}
