/**
 * FRS_DATABASE → a migrated repository: an SQL Server / Azure SQL connection string opens
 * the mssql adapter (loaded only then), anything else is an SQLite file path.
 */
import type { ObjectStore } from '../storage/object-store.js';
import type { Repository } from './repository.js';
import { SqliteRepository, type SqliteOptions } from './sqlite/sqlite-repository.js';

export interface OpenOptions extends SqliteOptions {
  /** SQL Server: where the face index is saved (SQLite saves it beside the database file). */
  faceIndexStore?: ObjectStore;
}

/** ADO-style connection strings name the server with `Server=` or `Data Source=` (or their aliases). */
export function isSqlServerConnectionString(database: string): boolean {
  return /(^|;)\s*(server|data source|address|addr|network address)\s*=/i.test(database);
}

export async function openRepository(database: string, options: OpenOptions = {}): Promise<Repository> {
  const { faceIndexStore, ...sqlite } = options;
  if (isSqlServerConnectionString(database)) {
    const { MssqlRepository } = await import('./mssql/mssql-repository.js');
    return MssqlRepository.open(database, { faceIndexStore });
  }
  return SqliteRepository.open(database, sqlite);
}
