/**
 * The vault's chunk vectors in memory, for a brute-force cosine search: one Float32Array of
 * n × dimensions numbers (each vector normalised to length 1 when loaded, so a cosine is a dot
 * product), loaded lazily from note_embeddings at the first question and again after the embedder
 * wrote (it calls `invalidate`). The 13,415-note vault cuts into 25,252 sections: × 512 numbers ×
 * 4 bytes ≈ 52 MB, and a search over all of them takes ≈ 17 ms (docs/ai.md).
 *
 * Stored as bytea of little-endian float32 (schema.ts): Node runs little-endian on every platform
 * it supports (x64, arm64), so the bytes are the Float32Array's own.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../db/database';
import { rows } from '../search/search';

export function encodeVector(v: Float32Array): Uint8Array {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

export function decodeVector(bytes: Uint8Array): Float32Array {
  // A copy: the driver's buffer may be a slice of a larger one at an odd offset.
  return new Float32Array(Uint8Array.from(bytes).buffer);
}

function normalise(v: Float32Array): Float32Array {
  let sum = 0;
  for (const x of v) sum += x * x;
  const length = Math.sqrt(sum) || 1;
  return v.map((x) => x / length);
}

export interface VaultVectors {
  model: string;
  dimensions: number;
  noteIds: number[];
  chunkIndexes: number[];
  /** noteIds.length × dimensions numbers, each vector of length 1. */
  matrix: Float32Array;
}

export interface ChunkHit {
  noteId: number;
  chunkIndex: number;
  cosine: number;
}

/** The best chunk of each note, best notes first, at most `limit` notes. */
export function nearestNotes(vectors: VaultVectors, query: Float32Array, limit: number): ChunkHit[] {
  const q = normalise(query);
  const d = vectors.dimensions;
  const best = new Map<number, ChunkHit>();
  for (let i = 0; i < vectors.chunkIndexes.length; i++) {
    let dot = 0;
    const at = i * d;
    for (let j = 0; j < d; j++) dot += vectors.matrix[at + j]! * q[j]!;
    const noteId = vectors.noteIds[i]!;
    const known = best.get(noteId);
    if (!known || dot > known.cosine) best.set(noteId, { noteId, chunkIndex: vectors.chunkIndexes[i]!, cosine: dot });
  }
  return [...best.values()].sort((a, b) => b.cosine - a.cosine || a.noteId - b.noteId).slice(0, limit);
}

/** Per-vault vectors of one model, loaded when asked for and dropped when the embedder writes. */
export class VectorCache {
  private readonly loaded = new Map<number, Promise<VaultVectors>>();

  constructor(private readonly db: Db) {}

  invalidate(vaultId: number): void {
    this.loaded.delete(vaultId);
  }

  async get(vaultId: number, model: string): Promise<VaultVectors> {
    let p = this.loaded.get(vaultId);
    if (p) {
      const v = await p;
      if (v.model === model) return v;
    }
    p = this.load(vaultId, model);
    this.loaded.set(vaultId, p);
    p.catch(() => this.loaded.get(vaultId) === p && this.loaded.delete(vaultId));
    return p;
  }

  private async load(vaultId: number, model: string): Promise<VaultVectors> {
    const list = await rows<{ note_id: number | string; chunk_index: number; dimensions: number; vector: Uint8Array }>(
      this.db,
      sql`SELECT note_id, chunk_index, dimensions, vector FROM note_embeddings WHERE vault_id = ${vaultId} AND model = ${model} ORDER BY note_id, chunk_index`,
    );
    const dimensions = list[0]?.dimensions ?? 0;
    // A model answers with one length; rows of another length (a server whose model changed under the same name) are left out.
    const usable = list.filter((r) => r.dimensions === dimensions);
    const matrix = new Float32Array(usable.length * dimensions);
    usable.forEach((r, i) => matrix.set(normalise(decodeVector(r.vector)), i * dimensions));
    return { model, dimensions, noteIds: usable.map((r) => Number(r.note_id)), chunkIndexes: usable.map((r) => r.chunk_index), matrix };
  }
}
