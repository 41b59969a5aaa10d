/**
 * FRS_DATABASE → a migrated repository: an SQL Server / Azure SQL connection string opens
 * the mssql adapter (loaded only then), anything else is an SQLite file path.
 */
import type { Repository } from './repository.js';
import { SqliteRepository, type SqliteOptions } from './sqlite/sqlite-repository.js';

/** ADO-style connection strings name the server with `Server=` or `Data Source=` (or their aliases). */
export function isSqlServerConnectionString(database: string): boolean {
  return /(^|;)\s*(server|data source|address|addr|network address)\s*=/i.test(database);
}

export async function openRepository(database: string, options: SqliteOptions = {}): Promise<Repository> {
  if (isSqlServerConnectionString(database)) {
    const { MssqlRepository } = await import('./mssql/mssql-repository.js');
    return MssqlRepository.open(database);
  }
  return SqliteRepository.open(database, options);
}
