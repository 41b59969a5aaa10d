/**
 * The SQL Server / Azure SQL adapter: a connection pool (SQL login or Entra ID, see
 * mssql-config), schema migrated on open, transactions that span several calls, and retries of
 * transient faults (mssql-retry): opening a paused serverless database waits for it to resume,
 * and an operation or a whole transaction that meets a failover, throttling or a deadlock runs again.
 */
import sql from 'mssql';
import { databaseError } from '../database-error.js';
import { bindOperations, BoundOperations, type Runner, runWithErrorMapping } from '../operations.js';
import type { Repository, RepositoryOps } from '../repository.js';
import { storeIndexFiles } from '../face-index/face-index-files.js';
import type { ObjectStore } from '../../storage/object-store.js';
import { mssqlConfig } from './mssql-config.js';
import { setFaceIndexFiles } from './mssql-face-log.js';
import { type MssqlDriver, poolDriver } from './mssql-driver.js';
import { detectVectorSupport, migrateMssql } from './mssql-migrations.js';
import { mssqlOperations } from './mssql-operations.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy, withRetry } from './mssql-retry.js';
import { type MssqlScope, PoolScope } from './mssql-scope.js';

export interface MssqlCapabilities {
  /** The server has the VECTOR type; FRS still stores VARBINARY (see mssql-migrations). */
  vectorType: boolean;
}

export interface MssqlOptions {
  retry?: RetryPolicy;
  /**
   * Where the face index is saved (`face-index/<library id>/` in it), so that every instance loads
   * the index the timer keeps instead of building its own; without it each process builds one.
   */
  faceIndexStore?: ObjectStore;
  /** Where warnings go (retries, pool errors); console.warn by default. */
  warn?: (message: string) => void;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class MssqlRepository extends BoundOperations implements Repository {
  readonly kind = 'mssql' as const;
  private readonly scope: MssqlScope;
  private readonly retry: RetryPolicy;

  constructor(
    private readonly driver: MssqlDriver,
    readonly capabilities: MssqlCapabilities,
    options: MssqlOptions = {},
  ) {
    const warn = options.warn ?? ((m: string) => console.warn(m));
    const retry: RetryPolicy = {
      ...(options.retry ?? DEFAULT_RETRY_POLICY),
      onRetry: (err, attempt, delayMs) =>
        warn(`SQL Server: transient fault (${messageOf(err)}); retry ${attempt} in ${delayMs} ms`),
    };
    const scope = new PoolScope(driver);
    // Outside a transaction each operation is one atomic batch: retried whole. Inside one, the
    // transaction is the unit (transaction() retries it), so an operation never retries alone.
    const runner: Runner = (action, work) =>
      runWithErrorMapping(action, () =>
        scope.inTransaction ? Promise.resolve(work()) : withRetry(retry, async () => work()),
      );
    super(bindOperations(mssqlOperations, scope, runner));
    this.scope = scope;
    const store = options.faceIndexStore;
    setFaceIndexFiles(
      driver,
      store ? storeIndexFiles(store, async () => `face-index/${await this.libraryId()}`) : null,
    );
    this.retry = retry;
  }

  static async open(connectionString: string, options: MssqlOptions = {}): Promise<MssqlRepository> {
    const config = mssqlConfig(connectionString);
    const warn = options.warn ?? ((m: string) => console.warn(m));
    return MssqlRepository.connect(
      `opening the SQL Server database on '${config.server}'`,
      async () => {
        const pool = new sql.ConnectionPool(config);
        // Idle pooled connections that break (failover, network) emit 'error' on the pool; without
        // a listener Node would treat it as an unhandled error and end the process.
        pool.on('error', (err: unknown) => warn(`SQL Server: pooled connection failed: ${messageOf(err)}`));
        try {
          await pool.connect();
          await migrateMssql(config);
          return { driver: poolDriver(pool), vectorType: await detectVectorSupport(pool) };
        } catch (err) {
          await pool.close().catch(() => undefined);
          throw err;
        }
      },
      { ...options, warn },
    );
  }

  /**
   * Connects (and migrates) with `attempt`, retried while the server answers with transient
   * faults: a paused serverless database refuses logins with 40613 until it has resumed (about a
   * minute), and the run that woke it should not fail for it.
   */
  static async connect(
    action: string,
    attempt: () => Promise<{ driver: MssqlDriver; vectorType: boolean }>,
    options: MssqlOptions = {},
  ): Promise<MssqlRepository> {
    const warn = options.warn ?? ((m: string) => console.warn(m));
    const retry = {
      ...(options.retry ?? DEFAULT_RETRY_POLICY),
      onRetry: (err: unknown, n: number, delayMs: number) =>
        warn(`SQL Server: database not available yet (${messageOf(err)}); retry ${n} in ${delayMs} ms`),
    };
    try {
      const { driver, vectorType } = await withRetry(retry, attempt);
      return new MssqlRepository(driver, { vectorType }, { ...options, warn });
    } catch (err) {
      throw databaseError(action, err);
    }
  }

  transaction<T>(fn: (tx: RepositoryOps) => Promise<T>): Promise<T> {
    const unit = () =>
      this.scope.atomic((txScope) => fn(bindOperations(mssqlOperations, txScope, runWithErrorMapping)));
    // A nested transaction is a savepoint of the outer one, which is the unit that is retried.
    const work = this.scope.inTransaction ? unit() : withRetry(this.retry, unit);
    return work.catch((err: unknown) => {
      // fn's own errors pass through; only driver failures (begin/commit) become DATABASE_ERROR.
      throw err instanceof sql.MSSQLError ? databaseError('running a transaction', err) : err;
    });
  }

  async close(): Promise<void> {
    await this.driver.close();
  }
}
