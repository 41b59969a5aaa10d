/**
 * A full regroup's faces as columns (struct of arrays), row i beside row i of the embedding
 * matrix (face-matrix.ts). At a million faces an object per face, with a Float32Array view of its
 * row, cost about 260 bytes each on the V8 heap (more than half the embeddings' own 512); the
 * columns cost 57 and no garbage. Objects are made only for the few faces that need one (verified
 * faces, portraits of changed persons) or one component at a time.
 */
import type { GroupingFace, IndexedGroupingFace } from '../data/repository.js';

const VERIFIED = 1;
const GROUPED = 2;

/** Growable columns; NaN stands for null in the number columns. */
export class FaceColumns {
  length = 0;
  id: Float64Array;
  mediaFileId: Float64Array;
  personId: Float64Array;
  componentId: Float64Array;
  sharpness: Float64Array;
  score: Float64Array;
  quality: Float64Array;
  /** VERIFIED | GROUPED bits. */
  flags: Uint8Array;

  constructor(capacity: number) {
    this.id = new Float64Array(capacity);
    this.mediaFileId = new Float64Array(capacity);
    this.personId = new Float64Array(capacity);
    this.componentId = new Float64Array(capacity);
    this.sharpness = new Float64Array(capacity);
    this.score = new Float64Array(capacity);
    this.quality = new Float64Array(capacity);
    this.flags = new Uint8Array(capacity);
  }

  push(f: IndexedGroupingFace): void {
    if (this.length === this.id.length) this.resize(Math.max(16, Math.ceil(this.length * 1.25)));
    const i = this.length++;
    this.id[i] = f.id;
    this.mediaFileId[i] = f.mediaFileId;
    this.personId[i] = f.personId ?? NaN;
    this.componentId[i] = f.componentId ?? NaN;
    this.sharpness[i] = f.sharpness ?? NaN;
    this.score[i] = f.score ?? NaN;
    this.quality[i] = f.quality ?? NaN;
    this.flags[i] = (f.isUserVerified ? VERIFIED : 0) | (f.grouped ? GROUPED : 0);
  }

  /** Drops the unused capacity. */
  trim(): void {
    if (this.length < this.id.length) this.resize(this.length);
  }

  private resize(capacity: number): void {
    const grow = <A extends Float64Array | Uint8Array>(a: A): A => {
      const next = new (a.constructor as new (n: number) => A)(capacity);
      next.set(a.subarray(0, Math.min(this.length, capacity)));
      return next;
    };
    this.id = grow(this.id);
    this.mediaFileId = grow(this.mediaFileId);
    this.personId = grow(this.personId);
    this.componentId = grow(this.componentId);
    this.sharpness = grow(this.sharpness);
    this.score = grow(this.score);
    this.quality = grow(this.quality);
    this.flags = grow(this.flags);
  }
}

/**
 * The faces of a full regroup: columns plus the matrix their embeddings are rows of, read in
 * ascending id order (the paged read's order), so a face is found by its id by binary search.
 */
export class FaceTable {
  constructor(
    readonly columns: FaceColumns,
    /** Row i holds face i's embedding (dim floats). */
    readonly matrix: Float32Array,
    readonly dim: number,
  ) {}

  get length(): number {
    return this.columns.length;
  }

  id(i: number): number {
    return this.columns.id[i];
  }

  personId(i: number): number | null {
    return orNull(this.columns.personId[i]);
  }

  componentId(i: number): number | null {
    return orNull(this.columns.componentId[i]);
  }

  quality(i: number): number | null {
    return orNull(this.columns.quality[i]);
  }

  isUserVerified(i: number): boolean {
    return (this.columns.flags[i] & VERIFIED) !== 0;
  }

  grouped(i: number): boolean {
    return (this.columns.flags[i] & GROUPED) !== 0;
  }

  /** A view of row i (allocates a small object: not for inner loops over pairs). */
  embedding(i: number): Float32Array {
    return this.matrix.subarray(i * this.dim, (i + 1) * this.dim);
  }

  /** Row i as the object the rest of the pipeline takes (its embedding a view of the matrix). */
  face(i: number): IndexedGroupingFace {
    const c = this.columns;
    return {
      id: c.id[i],
      mediaFileId: c.mediaFileId[i],
      embedding: this.embedding(i),
      sharpness: orNull(c.sharpness[i]),
      score: orNull(c.score[i]),
      quality: orNull(c.quality[i]),
      personId: orNull(c.personId[i]),
      isUserVerified: this.isUserVerified(i),
      grouped: this.grouped(i),
      componentId: orNull(c.componentId[i]),
    };
  }

  /** The row of a face id, or undefined. */
  positionOf(id: number): number | undefined {
    const ids = this.columns.id;
    let lo = 0,
      hi = this.columns.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (ids[mid] === id) return mid;
      if (ids[mid] < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }
}

const orNull = (v: number): number | null => (Number.isNaN(v) ? null : v);

/** The subset of a table's rows that a decision covers, seen as faces by position (group-apply.ts). */
export class FaceRows {
  constructor(
    readonly table: FaceTable,
    /** Rows of `table`, ascending. */
    readonly rows: Int32Array,
  ) {}

  get length(): number {
    return this.rows.length;
  }

  id(k: number): number {
    return this.table.id(this.rows[k]);
  }

  personId(k: number): number | null {
    return this.table.personId(this.rows[k]);
  }

  grouped(k: number): boolean {
    return this.table.grouped(this.rows[k]);
  }

  face(k: number): GroupingFace {
    return this.table.face(this.rows[k]);
  }

  positionOf(id: number): number | undefined {
    const row = this.table.positionOf(id);
    if (row === undefined) return undefined;
    // rows ascend: binary search for the row.
    let lo = 0,
      hi = this.rows.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.rows[mid] === row) return mid;
      if (this.rows[mid] < row) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }
}
