/**
 * The background embedder of semantic search: for each vault, after the indexer has written, the
 * notes whose path or content changed are cut into chunks (chunks.ts), the chunks whose text
 * changed are embedded in batches (one call at a time, so search and indexing keep the database
 * and the provider's rate limit), and each note's vectors are replaced in one transaction.
 *
 * - Nothing runs while semantic search is off or its assistant cannot embed.
 * - A note deleted or changed while its chunks were embedded is not written (the next round takes
 *   its new version); a deleted note's vectors go with it (FK cascade).
 * - Vectors of another model than the current one are deleted at the start of a run.
 * - Provider errors: rate limits, 5xx, timeouts and dropped connections (after the call's own
 *   retries) wait 30 s, 1 min, 2 min… up to 10 min and try again; other errors (a wrong key, an
 *   unknown model) stop until the settings change or the index changes again. The last error is
 *   kept for `GET /librarian/embeddings`, cleared by the next batch that succeeds.
 * - A section the model refuses (too long for its context) is found and skipped by embed-batch.ts;
 *   the note's other sections are stored, and the skipped one is recorded (note_embedding_skips)
 *   so it is not sent again until the note or the model changes, or the settings are saved.
 * - `stop()` aborts the call in flight and any wait, and resolves when every run has ended.
 */
import { asc, eq, inArray, sql } from 'drizzle-orm';
import { createEmbeddingModel, type EmbeddingConfig, type EmbeddingModel } from '../ai/embedding';
import { AiError } from '../ai/errors';
import { sleep } from '../ai/retry';
import type { SecretBox } from '../ai/secrets';
import type { Db } from '../db/database';
import { librarianAssistant, noteEmbeddings, noteEmbeddingSkips, obsidianIntegrationSettings } from '../db/schema';
import type { Log } from '../log';
import { rows } from '../search/search';
import type { IndexEvent } from '../vault/indexer';
import { chunkNote, type Chunk } from './chunks';
import { embedBatch, type ModelRecord } from './embed-batch';
import { semanticState } from './semantic-settings';
import { encodeVector, type VectorCache } from './vectors';

export type EmbeddingFactory = (config: EmbeddingConfig) => EmbeddingModel;

export interface EmbedderOptions {
  db: Db;
  secrets: SecretBox | undefined;
  log: Log;
  vectors: VectorCache;
  /** Builds the embedding model; defaults to the real providers (createEmbeddingModel). */
  embeddings?: EmbeddingFactory;
  /** Texts per provider call (default 64). */
  batchSize?: number;
  /** Notes read per round (default 64). */
  notesPerRound?: number;
  /** The wait after a retryable failure, doubled each time (defaults 30 s and 10 min). */
  backoffMs?: { base: number; max: number };
}

export interface EmbedderVaultStatus {
  running: boolean;
  tokens: number;
  lastError: { error: AiError; at: Date } | null;
}

interface VaultRun extends EmbedderVaultStatus {
  task: Promise<void> | undefined;
  /** A kick arrived while running: look for changed notes once more at the end. */
  again: boolean;
  controller: AbortController;
}

interface PendingNote {
  id: number;
  path: string;
  source: string;
  chunks: Chunk[];
  vectors: Array<Float32Array | Uint8Array | undefined>;
  /** Chunks the model refused even shortened: recorded instead of a vector. */
  refused: boolean[];
}

export class Embedder {
  private readonly runs = new Map<number, VaultRun>();
  private stopped = false;
  private unsubscribe: (() => void) | undefined;
  private readonly factory: EmbeddingFactory;

  constructor(private readonly o: EmbedderOptions) {
    this.factory =
      o.embeddings ?? ((config) => createEmbeddingModel(config, { onRetry: (r) => o.log('warn', 'embedding call retried', { ...r }) }));
  }

  /** The vectors in memory, dropped by each write (the search reads them). */
  get vectors(): VectorCache {
    return this.o.vectors;
  }

  /** Embeds what changed in every enabled vault, then after every index run of `vaults`. */
  async start(vaults?: { subscribeAll(listener: (e: IndexEvent) => void): () => void }): Promise<void> {
    this.unsubscribe = vaults?.subscribeAll((e) => {
      if (e.type === 'progress' && e.progress.status === 'idle') this.kick(e.progress.vaultId);
    });
    await this.kickAll();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    for (const r of this.runs.values()) r.controller.abort(new AiError({ kind: 'cancelled' }));
    await Promise.all([...this.runs.values()].map((r) => r.task));
  }

  /** The settings changed: what runs is stopped, and every vault is looked at again. */
  async restart(): Promise<void> {
    if (this.stopped) return;
    for (const r of this.runs.values()) r.controller.abort(new AiError({ kind: 'cancelled' }));
    await Promise.all([...this.runs.values()].map((r) => r.task));
    for (const r of this.runs.values()) r.lastError = null;
    // Saving the settings is how a person says "try again" (say, after raising a local server's context length).
    await this.o.db.delete(noteEmbeddingSkips);
    await this.kickAll();
  }

  /** Looks for changed notes in the vault (now, or at the end of the run in progress). */
  kick(vaultId: number): void {
    if (this.stopped) return;
    let r = this.runs.get(vaultId);
    if (!r) this.runs.set(vaultId, (r = { task: undefined, again: false, running: false, tokens: 0, lastError: null, controller: new AbortController() }));
    if (r.task) {
      r.again = true;
      return;
    }
    const run = r;
    run.controller = new AbortController();
    run.running = true;
    run.task = this.run(vaultId, run)
      .catch((e: unknown) => this.o.log('error', 'embedding the vault failed', { vaultId, error: String(e) }))
      .finally(() => {
        run.task = undefined;
        run.running = false;
      });
  }

  status(vaultId: number): EmbedderVaultStatus {
    const r = this.runs.get(vaultId);
    return { running: r?.running ?? false, tokens: r?.tokens ?? 0, lastError: r?.lastError ?? null };
  }

  /** Resolves when the vault has nothing running (tests; a kick during the run is waited for too). */
  async idle(vaultId: number): Promise<void> {
    for (let r = this.runs.get(vaultId); r?.task; ) await r.task;
  }

  private async kickAll(): Promise<void> {
    const vaults = await this.o.db.select({ id: obsidianIntegrationSettings.id }).from(obsidianIntegrationSettings).where(eq(obsidianIntegrationSettings.isEnabled, true));
    for (const v of vaults) this.kick(v.id);
  }

  private async model(): Promise<EmbeddingModel | undefined> {
    const [row] = await this.o.db.select().from(librarianAssistant).orderBy(asc(librarianAssistant.id)).limit(1);
    if (!row?.embeddingEnabled) return undefined;
    const state = await semanticState(this.o.db, this.o.secrets, row);
    return state.config ? this.factory(state.config) : undefined;
  }

  private async run(vaultId: number, r: VaultRun): Promise<void> {
    const { signal } = r.controller;
    const backoff = this.o.backoffMs ?? { base: 30_000, max: 600_000 };
    let failures = 0;
    do {
      r.again = false;
      const model = await this.model();
      if (!model) return;
      await this.o.db.delete(noteEmbeddings).where(sql`${noteEmbeddings.vaultId} = ${vaultId} AND ${noteEmbeddings.model} <> ${model.id}`);
      await this.o.db.delete(noteEmbeddingSkips).where(sql`${noteEmbeddingSkips.vaultId} = ${vaultId} AND ${noteEmbeddingSkips.model} <> ${model.id}`);
      this.o.vectors.invalidate(vaultId);
      // A refusal of unclear cause is only taken as the text's once the model has shown it works.
      const known: ModelRecord = { works: (await rows(this.o.db, sql`SELECT 1 FROM note_embeddings WHERE vault_id = ${vaultId} AND model = ${model.id} LIMIT 1`)).length > 0 };
      for (;;) {
        if (signal.aborted) return;
        try {
          if (!(await this.round(vaultId, model, known, r, signal))) break;
          failures = 0;
        } catch (e) {
          if (signal.aborted) return;
          if (!(e instanceof AiError)) throw e;
          r.lastError = { error: e, at: new Date() };
          this.o.log('warn', 'embedding notes failed', { vaultId, model: model.id, kind: e.kind, status: e.detail.status, cause: e.detail.cause });
          if (!e.retryable && e.kind !== 'timeout') return;
          failures++;
          const wait = Math.min(backoff.max, backoff.base * 2 ** (failures - 1));
          if (!(await sleep(wait, signal).then(() => true, () => false))) return;
        }
      }
    } while (r.again && !signal.aborted);
  }

  /** Embeds the next notes that changed; false when there were none. */
  private async round(vaultId: number, model: EmbeddingModel, known: ModelRecord, r: VaultRun, signal: AbortSignal): Promise<boolean> {
    const { db } = this.o;
    const source = sql`md5(n.path || n.content_hash)`;
    const changed = await rows<{ id: number | string; path: string; title: string; body: string; source: string }>(
      db,
      sql`SELECT n.id, n.path, n.title, left(n.body, 200000) AS body, ${source} AS source FROM notes n
          WHERE n.vault_id = ${vaultId}
            AND NOT EXISTS (SELECT 1 FROM note_embeddings e WHERE e.note_id = n.id AND e.model = ${model.id} AND e.source_hash = ${source})
            AND NOT EXISTS (SELECT 1 FROM note_embedding_skips s WHERE s.note_id = n.id AND s.model = ${model.id} AND s.source_hash = ${source})
          ORDER BY n.id LIMIT ${this.o.notesPerRound ?? 64}`,
    );
    if (changed.length === 0) return false;
    const notes: PendingNote[] = changed.map((n) => {
      const chunks = chunkNote(n.title, n.body);
      return { id: Number(n.id), path: n.path, source: n.source, chunks, vectors: chunks.map(() => undefined), refused: chunks.map(() => false) };
    });
    // A chunk whose text did not change keeps its vector (an edit embeds only the sections it touched).
    const kept = await db
      .select({ noteId: noteEmbeddings.noteId, hash: noteEmbeddings.contentHash, vector: noteEmbeddings.vector })
      .from(noteEmbeddings)
      .where(sql`${inArray(noteEmbeddings.noteId, notes.map((n) => n.id))} AND ${noteEmbeddings.model} = ${model.id}`);
    const keptBy = new Map(kept.map((k) => [`${k.noteId}:${k.hash}`, k.vector]));
    const todo: Array<{ note: PendingNote; i: number }> = [];
    for (const note of notes) {
      note.chunks.forEach((c, i) => {
        note.vectors[i] = keptBy.get(`${note.id}:${c.hash}`);
        if (!note.vectors[i]) todo.push({ note, i });
      });
    }
    const written = new Set<PendingNote>();
    const writeReady = async () => {
      for (const note of notes) {
        if (!written.has(note) && note.chunks.every((_, i) => note.vectors[i] || note.refused[i])) await this.write(vaultId, model.id, note).then(() => written.add(note));
      }
    };
    await writeReady();
    const size = this.o.batchSize ?? 64;
    for (let at = 0; at < todo.length; at += size) {
      const batch = todo.slice(at, at + size);
      const result = await embedBatch(model, batch.map((t) => t.note.chunks[t.i]!.text), { signal, model: known, onTokens: (n) => (r.tokens += n) });
      r.lastError = null;
      batch.forEach((t, k) => {
        const chunk = t.note.chunks[t.i]!;
        t.note.vectors[t.i] = result.vectors[k];
        const refusal = result.refusals[k];
        const shortenedTo = result.shortenedTo[k];
        if (refusal) {
          t.note.refused[t.i] = true;
          this.o.log('warn', 'the embedding model refused a section even shortened; it is skipped', { vaultId, model: model.id, path: t.note.path, heading: chunk.heading, chars: chunk.text.length, status: refusal.detail.status, cause: refusal.detail.cause });
        } else if (shortenedTo !== undefined) {
          this.o.log('info', 'a section was embedded shortened (too long for the model)', { vaultId, model: model.id, path: t.note.path, heading: chunk.heading, chars: chunk.text.length, sent: shortenedTo });
        }
      });
      await writeReady();
    }
    return true;
  }

  /** Replaces the note's vectors and skipped sections, unless the note was deleted or changed since it was read. */
  private async write(vaultId: number, model: string, note: PendingNote): Promise<void> {
    const row = (c: Chunk) => ({ vaultId, noteId: note.id, chunkIndex: c.index, heading: c.heading, contentHash: c.hash, sourceHash: note.source, model });
    const embedded = note.chunks.flatMap((c, i) => {
      const v = note.vectors[i];
      if (!v) return [];
      const vector = v instanceof Float32Array ? encodeVector(v) : v;
      return [{ ...row(c), dimensions: vector.byteLength / 4, vector }];
    });
    const skipped = note.chunks.filter((_, i) => note.refused[i]).map(row);
    await this.o.db.transaction(async (tx) => {
      const [same] = await rows(tx, sql`SELECT 1 FROM notes WHERE id = ${note.id} AND md5(path || content_hash) = ${note.source} FOR UPDATE`);
      if (!same) return;
      await tx.delete(noteEmbeddings).where(eq(noteEmbeddings.noteId, note.id));
      await tx.delete(noteEmbeddingSkips).where(eq(noteEmbeddingSkips.noteId, note.id));
      if (embedded.length > 0) await tx.insert(noteEmbeddings).values(embedded);
      if (skipped.length > 0) await tx.insert(noteEmbeddingSkips).values(skipped);
    });
    this.o.vectors.invalidate(vaultId);
  }
}
