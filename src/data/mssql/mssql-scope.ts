/**
 * Where mssql requests run: on the pool, or inside one transaction. Requests of one
 * transaction share a connection and must not overlap, so a transaction scope queues them.
 * A call made on the pool-level repository from inside transaction() (same async chain)
 * joins that transaction instead of blocking on its locks from a second connection.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import sql from 'mssql';
import { AsyncMutex } from '../async-mutex.js';
import type { Row } from '../row-mappers.js';

export type SqlType = sql.ISqlType | (() => sql.ISqlType);
export type Params = Record<string, [SqlType, unknown]>;

export interface MssqlScope {
  query(text: string, params?: Params): Promise<sql.IResult<Row>>;
  /** fn's queries commit together; inside a transaction it simply joins it. */
  atomic<T>(fn: (scope: MssqlScope) => Promise<T>): Promise<T>;
}

function bind(request: sql.Request, params: Params): sql.Request {
  for (const [name, [type, value]] of Object.entries(params)) request.input(name, type, value);
  return request;
}

class TransactionScope implements MssqlScope {
  private readonly queue = new AsyncMutex();

  constructor(
    readonly pool: sql.ConnectionPool,
    private readonly transaction: sql.Transaction,
  ) {}

  query(text: string, params: Params = {}) {
    return this.queue.run(() => bind(new sql.Request(this.transaction), params).query<Row>(text));
  }

  atomic<T>(fn: (scope: MssqlScope) => Promise<T>): Promise<T> {
    return fn(this);
  }
}

const currentTransaction = new AsyncLocalStorage<TransactionScope>();

export class PoolScope implements MssqlScope {
  constructor(private readonly pool: sql.ConnectionPool) {}

  private joined(): TransactionScope | undefined {
    const tx = currentTransaction.getStore();
    return tx?.pool === this.pool ? tx : undefined;
  }

  query(text: string, params: Params = {}) {
    const tx = this.joined();
    return tx ? tx.query(text, params) : bind(this.pool.request(), params).query<Row>(text);
  }

  async atomic<T>(fn: (scope: MssqlScope) => Promise<T>): Promise<T> {
    const joined = this.joined();
    if (joined) return fn(joined);
    const transaction = new sql.Transaction(this.pool);
    await transaction.begin();
    const scope = new TransactionScope(this.pool, transaction);
    try {
      const result = await currentTransaction.run(scope, () => fn(scope));
      await transaction.commit();
      return result;
    } catch (err) {
      // After XACT_ABORT the server already rolled back and mssql refuses a second rollback.
      await transaction.rollback().catch(() => undefined);
      throw err;
    }
  }
}
