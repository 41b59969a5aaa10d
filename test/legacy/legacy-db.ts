/**
 * Raw access to a test database in either dialect, for building the replaced system's
 * database and reading back what FRS did: `?` placeholders in both (numbered @p0, @p1, ...
 * for SQL Server), plain rows back.
 */
import Database from 'better-sqlite3';
import sql from 'mssql';
import { mssqlConfig } from '../../src/data/mssql/mssql-config.js';
import {
  createLegacyScriptSqlite,
  LEGACY_ADDED_COLUMNS_TSQL,
  LEGACY_SCRIPT_TSQL,
  type LegacyVariant,
  useExtensionColumn,
} from '../data/legacy-schema.js';

export interface LegacyDb {
  all<T>(text: string, ...params: unknown[]): Promise<T[]>;
  run(text: string, ...params: unknown[]): Promise<void>;
  close(): Promise<void>;
}

/** Tables FRS and the replaced system have, referencing ones first (the foreign keys need that order to drop). */
export const TABLES = [
  'dbo.Faces',
  'dbo.MediaItems',
  'dbo.Persons',
  'dbo.MediaFile',
  'dbo.FrsLocks',
  'dbo.FrsRequests',
  'dbo.FrsOldEmbeddings',
  'dbo.FrsCannotLink',
  'dbo.FrsLibrary',
  'dbo.FrsGroupingIndex',
  'dbo.FrsGroupingComponents',
  'dbo.FrsGroupingMembers',
  'dbo.FrsGroupingDirty',
  'dbo.FrsFaceChanges',
  'dbo.FrsFaceIndexState',
  'dbo.FrsSchemaVersion',
];

/**
 * Empties a disposable SQL Server database for a test: the indexed view first (it is schema-bound
 * to Faces, which cannot be dropped while it exists), then every table (their triggers go with
 * them) and the replaced system's procedures.
 */
export const RESET_MSSQL_SQL = `DROP VIEW IF EXISTS dbo.FrsPersonCounts; DROP TABLE IF EXISTS ${TABLES.join(', ')};
DROP PROCEDURE IF EXISTS dbo.UpsertPerson; DROP PROCEDURE IF EXISTS dbo.UpsertFace;`;

export function sqliteLegacyDb(file: string, variant: LegacyVariant): LegacyDb {
  createLegacyScriptSqlite(file, variant).close();
  const db = new Database(file);
  return {
    all: <T>(text: string, ...params: unknown[]) => Promise.resolve(db.prepare(text).all(...params) as T[]),
    run: (text: string, ...params: unknown[]) => {
      db.prepare(text).run(...params);
      return Promise.resolve();
    },
    close: () => Promise.resolve(void db.close()),
  };
}

/** Drops every table in the (disposable) database, then runs the replaced system's T-SQL script as written. */
export async function mssqlLegacyDb(connectionString: string, variant: LegacyVariant): Promise<LegacyDb> {
  const pool = await new sql.ConnectionPool(mssqlConfig(connectionString)).connect();
  await pool.request().batch(RESET_MSSQL_SQL);
  for (const batch of LEGACY_SCRIPT_TSQL)
    await pool.request().batch(variant.extensionColumn === 'Extension' ? useExtensionColumn(batch) : batch);
  if (variant.addedColumns) for (const batch of LEGACY_ADDED_COLUMNS_TSQL) await pool.request().batch(batch);
  const request = (text: string, params: unknown[]) => {
    const r = pool.request();
    params.forEach((p, i) =>
      r.input(
        `p${i}`,
        p instanceof Buffer ? sql.VarBinary(sql.MAX) : typeof p === 'number' ? sql.Int : sql.NVarChar(sql.MAX),
        p,
      ),
    );
    let n = 0;
    return r.query(text.replace(/\?/g, () => `@p${n++}`));
  };
  return {
    all: async <T>(text: string, ...params: unknown[]) => (await request(text, params)).recordset as T[],
    run: async (text: string, ...params: unknown[]) => void (await request(text, params)),
    close: () => pool.close(),
  };
}
