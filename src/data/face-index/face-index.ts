/**
 * The face index behind find-similar and identify: an HNSW graph (usearch) per embedding model,
 * held in memory per database connection and saved as a file (face-index-files.ts), for SQLite
 * and SQL Server alike. Candidates from the graph are ranked again exactly from Faces by the
 * adapters, so the graph only decides which faces are looked at.
 *
 * Staying in sync: triggers on Faces log every face whose embedding, model or rejection changes,
 * or that is inserted or deleted (face-change-log.ts). An index remembers the last log position
 * it applied; before each search it applies what came since, whoever wrote it. A missing index
 * is built from Faces; a saved one whose changes were pruned away is reloaded or rebuilt.
 *
 * Building reads the log's settled position first and then pages through Faces: a face changed
 * during the build is logged after that position, so the catch-up that follows applies it (a
 * change applied twice is harmless: a face is removed and added again).
 *
 * Pruning: after saving an index at position P, log rows up to P are deleted. Another process
 * whose in-memory index is older sees that the log was pruned past it and reloads the file.
 * Until the first search or pipeline run builds an index, the log only grows (one small row per
 * face change).
 */
import { AsyncMutex } from '../async-mutex.js';
import { decodeEmbedding } from '../embedding-codec.js';
import { checkQuery } from '../nearest-ranking.js';
import { usearch, type Usearch } from './usearch-module.js';
import type { FaceChangeLog, IndexedFaceRow } from './face-change-log.js';
import { type FaceIndexFiles, stemOf } from './face-index-files.js';

type HnswIndex = InstanceType<Usearch['Index']>;

/**
 * Graph degree 16 and half-precision vectors: half the memory of float32; candidates are ranked
 * again exactly from Faces, so the precision lost only affects which faces are candidates.
 */
const HNSW = {
  metric: 'cos' as Usearch['MetricKind']['Cos'],
  quantization: 'f16' as Usearch['ScalarKind']['F16'],
  connectivity: 16,
  expansion_add: 64,
  expansion_search: 64,
  multi: false,
};
/**
 * Candidates fetched per face asked for: HNSW is approximate, and ranking more exactly lifts
 * recall (the graph search widens to at least this many): 60 candidates gave recall@10 0.99 at
 * 100k but 0.80 at 1M; bench/results/similar.md measures recall against an exact scan.
 */
export const candidatesFor = (k: number): number => 10 * k + 100;
/** Faces read and added per batch while building (usearch uses every core for a batch). */
const BUILD_BATCH = 10_000;
/** Faces read per query while catching up. */
const CATCH_UP_BATCH = 1_000;
/** Changes applied since the last save after which the index is saved again. */
export const SAVE_AFTER_CHANGES = 1_000;

interface ModelIndex {
  model: string;
  dims: number;
  hnsw: HnswIndex;
  /** The last log position applied. */
  applied: number;
  /** Changes applied since the index was saved (or built, when never saved). */
  unsaved: number;
}

const newHnsw = (dims: number): HnswIndex => new (usearch().Index)({ dimensions: dims, ...HNSW });

const isIndexable = (
  row: IndexedFaceRow,
  model: string,
  dims: number,
): row is IndexedFaceRow & { embedding: Uint8Array } =>
  row.embedding !== null && row.model === model && !row.isRejected && row.embedding.byteLength === dims * 4;

/** The face indexes of one database connection. */
export class FaceIndexKeeper {
  private readonly open = new Map<string, ModelIndex>();
  // One catch-up, build or save at a time: two searches arriving together must not both build.
  private readonly mutex = new AsyncMutex();

  /** files: null for an in-memory database (nothing saved; built once per connection). */
  constructor(
    private readonly log: FaceChangeLog,
    private readonly files: FaceIndexFiles | null,
  ) {}

  /** Up to `count` candidate face ids nearest to `query` (approximate: HNSW), best first. */
  async candidates(model: string, query: Float32Array, count: number): Promise<number[]> {
    checkQuery(query);
    const { index } = await this.upToDate(model, query.length);
    const size = index.hnsw.size();
    if (size === 0 || count <= 0) return [];
    const found = index.hnsw.search(query, Math.min(count, size), 1);
    return Array.from(found.keys, Number);
  }

  /**
   * Loads, builds or catches up the index of `model` (the dimensions of its stored embeddings), as
   * a search would; null when the model has no embedding stored.
   */
  async refresh(model: string): Promise<{ size: number; built: boolean } | null> {
    const bytes = await this.log.embeddingBytes(model);
    if (bytes === null || bytes === 0 || bytes % 4 !== 0) return null;
    const { index, built } = await this.upToDate(model, bytes / 4);
    return { size: index.hnsw.size(), built };
  }

  private upToDate(model: string, dims: number): Promise<{ index: ModelIndex; built: boolean }> {
    return this.mutex.run(() => this.upToDateNow(model, dims));
  }

  /** upToDate, inside the mutex. */
  private async upToDateNow(model: string, dims: number): Promise<{ index: ModelIndex; built: boolean }> {
    const key = `${dims}:${model}`;
    const { pruned, last } = await this.log.bounds();
    let index = this.open.get(key);
    let built = false;
    if (!index || index.applied < pruned) {
      const loaded = await this.load(model, dims, pruned);
      built = !loaded;
      index = loaded ?? (await this.build(model, dims));
      this.open.set(key, index);
      if (!loaded) await this.save(index); // built once, then loaded by the next process
    }
    if (!(await this.catchUp(index, last))) {
      // Another process saved and pruned the log past this index while it read: reload.
      this.open.delete(key);
      return this.upToDateNow(model, dims);
    }
    if (index.unsaved >= SAVE_AFTER_CHANGES) await this.save(index);
    return { index, built };
  }

  private async build(model: string, dims: number): Promise<ModelIndex> {
    const { last } = await this.log.bounds();
    const hnsw = newHnsw(dims);
    for (let after = 0; ;) {
      const rows = await this.log.facesPage(model, after, BUILD_BATCH);
      if (rows.length === 0) break;
      const kept = rows.filter((row) => isIndexable(row, model, dims));
      const vectors = new Float32Array(kept.length * dims);
      kept.forEach((row, i) => vectors.set(decodeEmbedding(row.embedding), i * dims));
      if (kept.length > 0)
        hnsw.add(
          BigUint64Array.from(kept, (row) => BigInt(row.id)),
          vectors,
          0,
        );
      if (rows.length < BUILD_BATCH) break;
      after = rows[rows.length - 1].id;
    }
    return { model, dims, hnsw, applied: last, unsaved: 0 };
  }

  /** The newest saved index the log can still bring up to date, or null. */
  private async load(model: string, dims: number, pruned: number): Promise<ModelIndex | null> {
    if (!this.files) return null;
    const stem = stemOf(model, dims);
    for (const position of await this.files.positions(stem)) {
      if (position < pruned) break;
      const hnsw = newHnsw(dims);
      if (await this.files.loadInto(hnsw, stem, position)) return { model, dims, hnsw, applied: position, unsaved: 0 };
    }
    return null;
  }

  /**
   * Applies the faces changed up to `last` (the log's settled position, read once per search);
   * false (nothing applied) when the log turns out to have been pruned past the index meanwhile,
   * so the changes read may be incomplete.
   */
  private async catchUp(index: ModelIndex, last: number): Promise<boolean> {
    if (last <= index.applied) return true;
    const ids = await this.log.changedFaces(index.applied, last);
    // Read after the changes: a prune committed before that read shows here.
    if ((await this.log.bounds()).pruned > index.applied) return false;
    for (let i = 0; i < ids.length; i += CATCH_UP_BATCH) {
      const chunk = ids.slice(i, i + CATCH_UP_BATCH);
      const rows = new Map((await this.log.facesById(chunk)).map((row) => [row.id, row]));
      for (const id of chunk) {
        const key = BigInt(id);
        if (index.hnsw.contains(key)) index.hnsw.remove(key);
        const row = rows.get(id);
        if (row && isIndexable(row, index.model, index.dims)) index.hnsw.add(key, decodeEmbedding(row.embedding), 1);
      }
    }
    index.applied = last;
    index.unsaved += ids.length;
    return true;
  }

  /** Saves the index and prunes the log up to its position. */
  private async save(index: ModelIndex): Promise<void> {
    if (!this.files || !(await this.files.save(index.hnsw, stemOf(index.model, index.dims), index.applied))) return;
    index.unsaved = 0;
    // Other models' saved indexes older than this are rebuilt when next used (a model switch is rare).
    await this.log.prune(index.applied).catch(() => undefined);
  }
}
