/** Pipeline lock, request queue and summary counts (T-SQL). */
import sql from 'mssql';
import type { EnqueueOptions, FrsRequest, LibraryActivity, MediaItemStatus, RepositoryStats } from '../repository.js';
import { activityFromRows, bool, jsonOrNull, num, requestFromRow, statsFromRows, type Row } from '../row-mappers.js';
import { ACTIVITY_SQL, COUNT_ITEMS_SQL, ITEM_STATUS_COUNTS_SQL, STATS_SQL } from '../shared-queries.js';
import { exactly } from './mssql-collation.js';
import type { MssqlScope } from './mssql-scope.js';

const NAME = sql.NVarChar(200);
const REQUEST_COLUMNS = 'Id, Kind, Status, Payload, Result, RequestedAt, StartedAt, FinishedAt';
const OWNER_IS_CALLER = exactly('Owner', '@owner');
// Lock names are FRS's own constants, and Name is the primary key: a plain comparison seeks it.
const LOCK_NAMED = 'Name = @name';
const KIND_IS = exactly('Kind', '@kind');

export async function acquireLock(
  scope: MssqlScope,
  name: string,
  owner: string,
  ttlSeconds: number,
): Promise<boolean> {
  // HOLDLOCK keeps the key range locked when the row is missing, so two first-time
  // acquirers cannot both insert.
  const result = await scope.query(
    `SET XACT_ABORT ON;
    BEGIN TRAN;
    DECLARE @now DATETIME2 = SYSUTCDATETIME();
    UPDATE FrsLocks WITH (UPDLOCK, HOLDLOCK)
      SET AcquiredAt = CASE WHEN ${OWNER_IS_CALLER} THEN AcquiredAt ELSE @now END,
          Owner = @owner, ExpiresAt = DATEADD(millisecond, @ttlMs, @now)
      WHERE ${LOCK_NAMED} AND (${OWNER_IS_CALLER} OR ExpiresAt <= @now);
    IF @@ROWCOUNT = 0 AND NOT EXISTS (SELECT 1 FROM FrsLocks WITH (UPDLOCK, HOLDLOCK) WHERE ${LOCK_NAMED})
      INSERT INTO FrsLocks (Name, Owner, AcquiredAt, ExpiresAt) VALUES (@name, @owner, @now, DATEADD(millisecond, @ttlMs, @now));
    SELECT CAST(CASE WHEN ${OWNER_IS_CALLER} THEN 1 ELSE 0 END AS BIT) AS Acquired FROM FrsLocks WHERE ${LOCK_NAMED};
    COMMIT;`,
    { name: [NAME, name], owner: [NAME, owner], ttlMs: [sql.Int, Math.round(ttlSeconds * 1000)] },
  );
  return bool(result.recordset[0]?.Acquired);
}

export async function releaseLock(scope: MssqlScope, name: string, owner: string): Promise<boolean> {
  const result = await scope.query(`DELETE FROM FrsLocks WHERE ${LOCK_NAMED} AND ${OWNER_IS_CALLER}`, {
    name: [NAME, name],
    owner: [NAME, owner],
  });
  return result.rowsAffected[0] === 1;
}

export async function enqueueRequest(scope: MssqlScope, kind: string, options: EnqueueOptions = {}): Promise<number> {
  const result = await scope.query(
    `SET XACT_ABORT ON;
    BEGIN TRAN;
    DECLARE @id INT = NULL;
    IF @dedupe = 1
      SELECT TOP (1) @id = Id FROM FrsRequests WITH (UPDLOCK, HOLDLOCK) WHERE ${KIND_IS} AND Status = N'queued' ORDER BY Id;
    IF @id IS NULL
    BEGIN
      INSERT INTO FrsRequests (Kind, Status, Payload, RequestedAt) VALUES (@kind, N'queued', @payload, SYSUTCDATETIME());
      SET @id = CAST(SCOPE_IDENTITY() AS INT);
    END
    COMMIT;
    SELECT @id AS Id;`,
    {
      kind: [sql.NVarChar(100), kind],
      payload: [sql.NVarChar(sql.MAX), jsonOrNull(options.payload)],
      dedupe: [sql.Bit, options.dedupe === true],
    },
  );
  return num(result.recordset[0].Id);
}

export async function takeRequest(scope: MssqlScope, kind: string): Promise<FrsRequest | null> {
  // OUTPUT ... INTO a table variable: a bare OUTPUT clause fails (error 334) on a table with triggers.
  const result = await scope.query(
    `DECLARE @taken TABLE (Id INT, Kind NVARCHAR(100), Status NVARCHAR(16), Payload NVARCHAR(MAX), Result NVARCHAR(MAX),
      RequestedAt DATETIME2, StartedAt DATETIME2, FinishedAt DATETIME2);
    WITH picked AS (
      SELECT TOP (1) ${REQUEST_COLUMNS} FROM FrsRequests WITH (UPDLOCK, READPAST, ROWLOCK)
      WHERE ${KIND_IS} AND Status = N'queued' ORDER BY Id)
    UPDATE picked SET Status = N'running', StartedAt = SYSUTCDATETIME()
      OUTPUT ${REQUEST_COLUMNS.split(', ')
        .map((c) => `inserted.${c}`)
        .join(', ')} INTO @taken;
    SELECT ${REQUEST_COLUMNS} FROM @taken;`,
    { kind: [sql.NVarChar(100), kind] },
  );
  return result.recordset[0] ? requestFromRow(result.recordset[0]) : null;
}

export async function finishRequest(
  scope: MssqlScope,
  id: number,
  status: 'done' | 'failed',
  resultValue?: unknown,
): Promise<boolean> {
  const result = await scope.query(
    `UPDATE FrsRequests SET Status = @status, Result = @result, FinishedAt = SYSUTCDATETIME()
      WHERE Id = @id AND Status IN (N'queued', N'running')`,
    { id: [sql.Int, id], status: [sql.NVarChar(16), status], result: [sql.NVarChar(sql.MAX), jsonOrNull(resultValue)] },
  );
  return result.rowsAffected[0] === 1;
}

export async function getRequest(scope: MssqlScope, id: number): Promise<FrsRequest | null> {
  const result = await scope.query(`SELECT ${REQUEST_COLUMNS} FROM FrsRequests WHERE Id = @id`, { id: [sql.Int, id] });
  return result.recordset[0] ? requestFromRow(result.recordset[0]) : null;
}

export async function stats(scope: MssqlScope): Promise<RepositoryStats> {
  const result = await scope.query(`${STATS_SQL};\n${ITEM_STATUS_COUNTS_SQL};`);
  const [totals, byStatus] = result.recordsets as unknown as Row[][];
  return statsFromRows(totals[0], byStatus);
}

export async function countItems(scope: MssqlScope, status: MediaItemStatus): Promise<number> {
  const result = await scope.query(COUNT_ITEMS_SQL, { status: [sql.NVarChar(16), status] });
  return num((result.recordset[0] as Row).N);
}

export async function activity(scope: MssqlScope): Promise<LibraryActivity> {
  const result = await scope.query(`${ACTIVITY_SQL};
    SELECT TOP (1) ${REQUEST_COLUMNS} FROM FrsRequests
    WHERE Kind = N'recluster' AND Status IN (N'done', N'failed') ORDER BY FinishedAt DESC, Id DESC;`);
  const [totals, last] = result.recordsets as unknown as Row[][];
  return activityFromRows(totals[0], last[0]);
}
