/**
 * The SQL Server / Azure SQL adapter: a connection pool (SQL login or Entra ID, see
 * mssql-config), schema migrated on open, and transactions that span several calls.
 */
import sql from 'mssql';
import { databaseError } from '../database-error.js';
import { bindOperations, BoundOperations, runWithErrorMapping } from '../operations.js';
import type { Repository, RepositoryOps } from '../repository.js';
import { mssqlConfig } from './mssql-config.js';
import { detectVectorSupport, migrateMssql } from './mssql-migrations.js';
import { mssqlOperations } from './mssql-operations.js';
import { type MssqlScope, PoolScope } from './mssql-scope.js';

export interface MssqlCapabilities {
  /** The server has the VECTOR type; FRS still stores VARBINARY (see mssql-migrations). */
  vectorType: boolean;
}

export class MssqlRepository extends BoundOperations implements Repository {
  readonly kind = 'mssql' as const;

  private constructor(
    private readonly pool: sql.ConnectionPool,
    readonly capabilities: MssqlCapabilities,
    private readonly scope: MssqlScope = new PoolScope(pool),
  ) {
    super(bindOperations(mssqlOperations, scope, runWithErrorMapping));
  }

  static async open(connectionString: string): Promise<MssqlRepository> {
    const config = mssqlConfig(connectionString);
    const pool = new sql.ConnectionPool(config);
    try {
      await pool.connect();
      await migrateMssql(pool);
      const vectorType = await detectVectorSupport(pool);
      return new MssqlRepository(pool, { vectorType });
    } catch (err) {
      await pool.close().catch(() => undefined);
      throw databaseError(`opening the SQL Server database on '${config.server}'`, err);
    }
  }

  transaction<T>(fn: (tx: RepositoryOps) => Promise<T>): Promise<T> {
    return this.scope
      .atomic((txScope) => fn(bindOperations(mssqlOperations, txScope, runWithErrorMapping)))
      .catch((err: unknown) => {
        // fn's own errors pass through; only driver failures (begin/commit) become DATABASE_ERROR.
        throw err instanceof sql.MSSQLError ? databaseError('running a transaction', err) : err;
      });
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}
