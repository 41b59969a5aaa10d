/**
 * The SQLite adapter's face index: an HNSW graph (usearch) per embedding model, kept in memory per
 * connection and persisted beside the database file (`<database>.face-index/<model>.<seq>.usearch`).
 *
 * Staying in sync: triggers on Faces (migration 12) append the id of every face whose embedding,
 * model or rejection changes, or that is inserted or deleted, to FrsFaceChanges (Seq ascending).
 * An index remembers the last Seq it applied; before each search it applies what came since
 * (whoever wrote it: another process, the pipeline, a people action). A missing index is built
 * from Faces; a saved one whose changes were pruned away is rebuilt.
 *
 * Pruning: after saving an index at Seq S, change rows up to S are deleted. Another process whose
 * in-memory index is older sees that the log starts after its position and reloads the file.
 * Until the first search builds an index, the log only grows (one small row per face change).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type Database from 'better-sqlite3';
import { decodeEmbedding } from '../embedding-codec.js';
import { checkQuery } from '../nearest-ranking.js';
import { sql } from './sqlite-statements.js';
import { usearch, type Usearch } from './usearch-module.js';

type Db = Database.Database;
type HnswIndex = InstanceType<Usearch['Index']>;

/**
 * Graph degree 16 and half-precision vectors: half the memory of float32; candidates are ranked
 * again exactly from Faces.Embedding, so the precision lost only affects which faces are candidates.
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
/** Faces added per call while building (usearch uses every core for a batch). */
const BUILD_BATCH = 10_000;
/** Changes applied since the last save after which the index file is written again. */
export const SAVE_AFTER_CHANGES = 1_000;

interface FaceIndex {
  model: string;
  dims: number;
  hnsw: HnswIndex;
  /** The last FrsFaceChanges.Seq applied. */
  appliedSeq: number;
  /** Changes applied since the file was written (or since the build, when never written). */
  unsaved: number;
}

const indexes = new WeakMap<Db, Map<string, FaceIndex>>();

interface IndexedRow {
  Id: number;
  Embedding: Uint8Array | null;
  EmbeddingModel: string | null;
  IsRejected: number | null;
}

/** Where the change log stands: rows (pruned, last] are present. */
function logBounds(db: Db): { pruned: number; last: number } {
  const last =
    (sql(db, "SELECT seq FROM sqlite_sequence WHERE name = 'FrsFaceChanges'").get() as { seq: number } | undefined)
      ?.seq ?? 0;
  const first = (sql(db, 'SELECT MIN(Seq) AS s FROM FrsFaceChanges').get() as { s: number | null }).s;
  return { pruned: first === null ? last : first - 1, last };
}

/** The folder of index files, or null for an in-memory database. */
function indexFolder(db: Db): string | null {
  return db.memory ? null : `${db.name}.face-index`;
}

/** File-name stem of a model's index: readable, and unique through a hash of the exact model id. */
function stemOf(model: string, dims: number): string {
  const readable = model.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 60);
  const hash = createHash('sha256').update(model).digest('hex').slice(0, 12);
  return `${readable}-${hash}-${dims}d`;
}

function savedFiles(folder: string, stem: string): Array<{ file: string; seq: number }> {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return [];
  }
  const pattern = new RegExp(`^${stem.replace(/[.]/g, '\\.')}\\.(\\d+)\\.usearch$`);
  return names
    .map((name) => ({ name, match: pattern.exec(name) }))
    .filter((n) => n.match !== null)
    .map((n) => ({ file: join(folder, n.name), seq: Number(n.match![1]) }))
    .sort((a, b) => b.seq - a.seq);
}

const newHnsw = (dims: number): HnswIndex => new (usearch().Index)({ dimensions: dims, ...HNSW });

const isIndexable = (row: IndexedRow, model: string, dims: number): row is IndexedRow & { Embedding: Uint8Array } =>
  row.Embedding !== null && row.EmbeddingModel === model && !row.IsRejected && row.Embedding.byteLength === dims * 4;

/** Builds the index from Faces, and the log position it reflects, in one read snapshot. */
function build(db: Db, model: string, dims: number): FaceIndex {
  return db.transaction((): FaceIndex => {
    const { last } = logBounds(db);
    const hnsw = newHnsw(dims);
    let keys: bigint[] = [];
    let vectors = new Float32Array(BUILD_BATCH * dims);
    const flush = () => {
      if (keys.length > 0) hnsw.add(BigUint64Array.from(keys), vectors.subarray(0, keys.length * dims), 0);
      keys = [];
      vectors = new Float32Array(BUILD_BATCH * dims);
    };
    const rows = sql(
      db,
      `SELECT Id, Embedding, EmbeddingModel, IsRejected FROM Faces
      WHERE EmbeddingModel = @model AND Embedding IS NOT NULL AND COALESCE(IsRejected, 0) = 0 ORDER BY Id`,
    ).iterate({ model }) as Iterable<IndexedRow>;
    for (const row of rows) {
      if (!isIndexable(row, model, dims)) continue;
      vectors.set(decodeEmbedding(row.Embedding), keys.length * dims);
      keys.push(BigInt(row.Id));
      if (keys.length === BUILD_BATCH) flush();
    }
    flush();
    return { model, dims, hnsw, appliedSeq: last, unsaved: 0 };
  })();
}

/** The newest saved index the log can still bring up to date, or null. */
function load(db: Db, model: string, dims: number, pruned: number): FaceIndex | null {
  const folder = indexFolder(db);
  if (!folder) return null;
  for (const { file, seq } of savedFiles(folder, stemOf(model, dims))) {
    if (seq < pruned) break;
    const hnsw = newHnsw(dims);
    try {
      hnsw.load(file);
    } catch {
      continue; // removed by a newer save in the meantime, or unreadable: try the next, else rebuild
    }
    return { model, dims, hnsw, appliedSeq: seq, unsaved: 0 };
  }
  return null;
}

/** Applies the faces changed since the index's position, in one read snapshot. */
function catchUp(db: Db, index: FaceIndex): void {
  db.transaction(() => {
    const changes = sql(db, 'SELECT Seq, FaceId FROM FrsFaceChanges WHERE Seq > ? ORDER BY Seq').all(
      index.appliedSeq,
    ) as Array<{ Seq: number; FaceId: number }>;
    if (changes.length === 0) return;
    const ids = [...new Set(changes.map((c) => c.FaceId))];
    const read = sql(
      db,
      `SELECT Id, Embedding, EmbeddingModel, IsRejected FROM Faces WHERE Id IN (SELECT value FROM json_each(?))`,
    );
    for (let i = 0; i < ids.length; i += 1000) {
      const chunk = ids.slice(i, i + 1000);
      const rows = new Map((read.all(JSON.stringify(chunk)) as IndexedRow[]).map((r) => [r.Id, r]));
      for (const id of chunk) {
        const key = BigInt(id);
        if (index.hnsw.contains(key)) index.hnsw.remove(key);
        const row = rows.get(id);
        if (row && isIndexable(row, index.model, index.dims)) index.hnsw.add(key, decodeEmbedding(row.Embedding), 1);
      }
    }
    index.appliedSeq = changes[changes.length - 1].Seq;
    index.unsaved += ids.length;
  })();
}

/** Writes the index file (whole, then renamed into place), drops older ones and prunes the log. */
function save(db: Db, index: FaceIndex): void {
  const folder = indexFolder(db);
  if (!folder) return;
  const stem = stemOf(index.model, index.dims);
  const target = join(folder, `${stem}.${index.appliedSeq}.usearch`);
  const temporary = `${target}.${process.pid}.tmp`;
  try {
    mkdirSync(folder, { recursive: true });
    index.hnsw.save(temporary);
    renameSync(temporary, target);
  } catch {
    // A folder FRS cannot write (a read-only mount): searches still work from the in-memory
    // index, built again by each process; the log is kept, since no file reflects it.
    rmSync(temporary, { force: true });
    return;
  }
  for (const old of savedFiles(folder, stem)) if (old.seq < index.appliedSeq) rmSync(old.file, { force: true });
  index.unsaved = 0;
  // Other models' saved indexes older than this are rebuilt when next used (a model switch is rare).
  // Housekeeping only: when another process holds the write lock, the next save prunes.
  try {
    sql(db, 'DELETE FROM FrsFaceChanges WHERE Seq <= ?').run(index.appliedSeq);
  } catch {
    /* pruned next time */
  }
}

/** The up-to-date index of `model` for `dims`-dimensional queries: loaded, built or caught up. */
export function faceIndex(db: Db, model: string, dims: number): FaceIndex {
  return openFaceIndex(db, model, dims).index;
}

/** faceIndex, and whether it had to be built from Faces (no usable saved file). */
function openFaceIndex(db: Db, model: string, dims: number): { index: FaceIndex; built: boolean } {
  let open = indexes.get(db);
  if (!open) indexes.set(db, (open = new Map()));
  const key = `${dims}:${model}`;
  const { pruned } = logBounds(db);
  let index = open.get(key);
  let built = false;
  if (!index || index.appliedSeq < pruned) {
    const loaded = load(db, model, dims, pruned);
    built = !loaded;
    index = loaded ?? build(db, model, dims);
    open.set(key, index);
    if (!loaded) save(db, index); // built once, then loaded by the next process
  }
  catchUp(db, index);
  if (index.unsaved >= SAVE_AFTER_CHANGES) save(db, index);
  return { index, built };
}

/**
 * Loads, builds or catches up the index of `model` (the dimensions of its stored embeddings), as
 * a search would; null when the model has no embedding stored.
 */
export function refreshFaceIndex(db: Db, model: string): { size: number; built: boolean } | null {
  const first = sql(
    db,
    'SELECT length(Embedding) AS Bytes FROM Faces WHERE EmbeddingModel = ? AND Embedding IS NOT NULL LIMIT 1',
  ).get(model) as { Bytes: number } | undefined;
  if (!first || first.Bytes % 4 !== 0 || first.Bytes === 0) return null;
  const { index, built } = openFaceIndex(db, model, first.Bytes / 4);
  return { size: index.hnsw.size(), built };
}

/** Up to `count` candidate face ids nearest to `query` (approximate: HNSW), best first. */
export function candidates(db: Db, model: string, query: Float32Array, count: number): number[] {
  checkQuery(query);
  const index = faceIndex(db, model, query.length);
  const size = index.hnsw.size();
  if (size === 0 || count <= 0) return [];
  const found = index.hnsw.search(query, Math.min(count, size), 1);
  return Array.from(found.keys, Number);
}

/** Forgets this connection's indexes (its files stay); for tests and close. */
export function dropFaceIndexes(db: Db): void {
  indexes.delete(db);
}

/** The index folder of a database file, for tools and tests. */
export function faceIndexFolder(databaseFile: string): string {
  return join(dirname(databaseFile), `${basename(databaseFile)}.face-index`);
}
