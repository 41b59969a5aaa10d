/**
 * Where mssql requests run: on the pool, or inside one transaction. Requests of one
 * transaction share a connection and must not overlap, so a transaction scope queues them.
 * A call made on the pool-level repository from inside transaction() (same async chain)
 * joins that transaction instead of blocking on its locks from a second connection; an
 * atomic() inside a transaction is a savepoint, so it can fail on its own as in SQLite.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type sql from 'mssql';
import { AsyncMutex } from '../async-mutex.js';
import type { Row } from '../row-mappers.js';
import type { DriverTransaction, MssqlDriver } from './mssql-driver.js';
import { qualifyTables } from './mssql-tables.js';

export type SqlType = sql.ISqlType | (() => sql.ISqlType);
export type Params = Record<string, [SqlType, unknown]>;

export interface MssqlScope {
  query(text: string, params?: Params): Promise<sql.IResult<Row>>;
  /** fn's queries commit together; inside a transaction it is a savepoint of it. */
  atomic<T>(fn: (scope: MssqlScope) => Promise<T>): Promise<T>;
  /** True inside a transaction (locks taken by a query are then held until it commits). */
  readonly inTransaction: boolean;
  /** The connection pool this scope runs on (one per repository). */
  readonly driver: MssqlDriver;
}

function send(request: ReturnType<MssqlDriver['request']>, text: string, params: Params) {
  for (const [name, [type, value]] of Object.entries(params)) request.input(name, type, value);
  return request.query(qualifyTables(text));
}

/** mssql's codes for "the server already ended this transaction" (XACT_ABORT) and "never begun". */
const ALREADY_ENDED = new Set(['EABORT', 'ENOTBEGUN']);

let savepointCounter = 0;

class TransactionScope implements MssqlScope {
  readonly inTransaction = true;
  private readonly queue = new AsyncMutex();

  constructor(
    readonly driver: MssqlDriver,
    private readonly transaction: DriverTransaction,
  ) {}

  query(text: string, params: Params = {}) {
    return this.queue.run(() => send(this.transaction.request(), text, params));
  }

  async atomic<T>(fn: (scope: MssqlScope) => Promise<T>): Promise<T> {
    const name = `frs_sp_${++savepointCounter}`;
    await this.query(`SAVE TRANSACTION ${name}`);
    try {
      return await fn(this);
    } catch (err) {
      // XACT_ABORT dooms the whole transaction on a server error (XACT_STATE() = -1): then only
      // the outer rollback can undo it, and the error travels there.
      await this.query(`IF XACT_STATE() = 1 ROLLBACK TRANSACTION ${name}`);
      throw err;
    }
  }

  /**
   * Rolls back once every queued request has finished: mssql refuses a rollback while a request
   * is in progress, and a refused rollback would return the connection to the pool with the
   * transaction still open.
   */
  async rollback(): Promise<void> {
    await this.queue.run(async () => {
      try {
        await this.transaction.rollback();
      } catch (err) {
        if (!ALREADY_ENDED.has(String((err as { code?: unknown }).code))) throw err;
      }
    });
  }

  commit(): Promise<void> {
    return this.queue.run(() => this.transaction.commit());
  }
}

const currentTransaction = new AsyncLocalStorage<TransactionScope>();

export class PoolScope implements MssqlScope {
  constructor(readonly driver: MssqlDriver) {}

  private joined(): TransactionScope | undefined {
    const tx = currentTransaction.getStore();
    return tx?.driver === this.driver ? tx : undefined;
  }

  get inTransaction(): boolean {
    return this.joined() !== undefined;
  }

  query(text: string, params: Params = {}) {
    const tx = this.joined();
    return tx ? tx.query(text, params) : send(this.driver.request(), text, params);
  }

  async atomic<T>(fn: (scope: MssqlScope) => Promise<T>): Promise<T> {
    const joined = this.joined();
    if (joined) return joined.atomic(fn);
    const transaction = this.driver.transaction();
    await transaction.begin();
    const scope = new TransactionScope(this.driver, transaction);
    let result: T;
    try {
      result = await currentTransaction.run(scope, () => fn(scope));
    } catch (err) {
      try {
        await scope.rollback();
      } catch (rollbackError) {
        throw new AggregateError([err, rollbackError], `${(err as Error).message} (and the rollback failed)`, {
          cause: err,
        });
      }
      throw err;
    }
    await scope.commit();
    return result;
  }
}
