/**
 * The one wrapper both adapters share: each operation is a plain function over the adapter's
 * connection (`ctx`); bindOperations turns a table of them into RepositoryOps, running each
 * call through the adapter's runner (scheduling, transactions) and naming the action in
 * DATABASE_ERROR messages.
 */
import { coordinationActions } from './aggregates/coordination.js';
import { faceSearchActions } from './aggregates/face-search.js';
import { faceActions } from './aggregates/faces.js';
import { groupingIndexActions } from './aggregates/grouping-index.js';
import { mediaContentActions } from './aggregates/media-content.js';
import { mediaItemActions } from './aggregates/media-items.js';
import { personActions } from './aggregates/persons.js';
import { databaseError } from './database-error.js';
import type { RepositoryOps } from './repository.js';

export const operationActions = {
  ...mediaItemActions,
  ...mediaContentActions,
  ...faceActions,
  ...faceSearchActions,
  ...groupingIndexActions,
  ...personActions,
  ...coordinationActions,
} satisfies Record<keyof RepositoryOps, string>;

/**
 * An adapter's implementation of every operation: the same parameters with the connection
 * first; synchronous (SQLite) or asynchronous (SQL Server) results.
 */
export type OperationImpl<Ctx> = {
  [K in keyof RepositoryOps]: RepositoryOps[K] extends (...args: infer A) => Promise<infer R>
    ? (ctx: Ctx, ...args: A) => R | Promise<R>
    : never;
};

/** Runs one operation; `action` says what it does, for error messages. */
export type Runner = <T>(action: string, work: () => T | Promise<T>) => Promise<T>;

/** Runs the work and turns driver errors into DATABASE_ERROR naming the action. */
export const runWithErrorMapping: Runner = async (action, work) => {
  try {
    return await work();
  } catch (err) {
    throw databaseError(action, err);
  }
};

export function bindOperations<Ctx>(impl: OperationImpl<Ctx>, ctx: Ctx, run: Runner): RepositoryOps {
  const ops: Record<string, unknown> = {};
  for (const [name, action] of Object.entries(operationActions)) {
    const fn = impl[name as keyof RepositoryOps] as (ctx: Ctx, ...args: unknown[]) => unknown;
    ops[name] = (...args: unknown[]) => run(action, () => fn(ctx, ...args));
  }
  return ops as unknown as RepositoryOps;
}

/**
 * Base class of both adapters: its instances carry the bound operations as own properties,
 * so `class XRepository extends BoundOperations` is a RepositoryOps without restating them.
 */
export const BoundOperations = class {
  constructor(ops: RepositoryOps) {
    Object.assign(this, ops);
  }
} as unknown as new (ops: RepositoryOps) => RepositoryOps;
