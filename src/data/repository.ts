/**
 * The one data-access contract of FRS. Two adapters implement it: SQLite (embedded default)
 * and SQL Server / Azure SQL. Both work on the tables of the tool FRS replaces (MediaFile,
 * MediaItems, Faces, Persons) plus the columns and Frs* tables FRS adds by migration.
 * Every method is async and every failure surfaces as FrsError('DATABASE_ERROR').
 *
 * The operations are split by aggregate (aggregates/): media items, faces, persons and
 * coordination. Each adapter implements them as plain functions over its connection, and
 * bindOperations (operations.ts) wraps them once with scheduling and error mapping.
 */
import { type CoordinationOps } from './aggregates/coordination.js';
import { type FaceSearchOps } from './aggregates/face-search.js';
import { type FaceOps } from './aggregates/faces.js';
import { type GroupingIndexOps } from './aggregates/grouping-index.js';
import { type MediaContentOps } from './aggregates/media-content.js';
import { type MediaItemOps } from './aggregates/media-items.js';
import { type PersonOps } from './aggregates/persons.js';

export type * from './aggregates/coordination.js';
export type * from './aggregates/face-search.js';
export type * from './aggregates/faces.js';
export type * from './aggregates/geometry.js';
export type * from './aggregates/grouping-index.js';
export type * from './aggregates/media-content.js';
export type * from './aggregates/media-items.js';
export type * from './aggregates/persons.js';

/** Everything except lifecycle; what a transaction callback receives. */
export interface RepositoryOps
  extends MediaItemOps, MediaContentOps, FaceOps, FaceSearchOps, GroupingIndexOps, PersonOps, CoordinationOps {}

export interface Repository extends RepositoryOps {
  readonly kind: 'sqlite' | 'mssql';
  /**
   * Runs fn atomically: everything done through `tx` commits together or, when fn throws,
   * not at all. Keep fn short (compute first, then write): it holds the database's write lock.
   */
  transaction<T>(fn: (tx: RepositoryOps) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
