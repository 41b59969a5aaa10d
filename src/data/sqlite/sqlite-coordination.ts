/** Pipeline lock, request queue and summary counts (SQLite). */
import type Database from 'better-sqlite3';
import type { EnqueueOptions, FrsRequest, LibraryActivity, MediaItemStatus, RepositoryStats } from '../repository.js';
import { activityFromRows, jsonOrNull, num, requestFromRow, statsFromRows, type Row } from '../row-mappers.js';
import { ACTIVITY_SQL, COUNT_ITEMS_SQL, ITEM_STATUS_COUNTS_SQL, STATS_SQL } from '../shared-queries.js';
import { isoAfter, nowIso, sql } from './sqlite-statements.js';

type Db = Database.Database;

export function acquireLock(db: Db, name: string, owner: string, ttlSeconds: number): boolean {
  const now = nowIso();
  // One statement: insert, or take over only when expired or already ours (then it renews).
  const result = sql(
    db,
    `INSERT INTO FrsLocks (Name, Owner, AcquiredAt, ExpiresAt) VALUES (@name, @owner, @now, @expires)
    ON CONFLICT (Name) DO UPDATE SET
      AcquiredAt = CASE WHEN FrsLocks.Owner = excluded.Owner THEN FrsLocks.AcquiredAt ELSE excluded.AcquiredAt END,
      Owner = excluded.Owner, ExpiresAt = excluded.ExpiresAt
    WHERE FrsLocks.Owner = excluded.Owner OR FrsLocks.ExpiresAt <= @now`,
  ).run({ name, owner, now, expires: isoAfter(ttlSeconds) });
  return result.changes === 1;
}

export function releaseLock(db: Db, name: string, owner: string): boolean {
  return sql(db, 'DELETE FROM FrsLocks WHERE Name = ? AND Owner = ?').run(name, owner).changes === 1;
}

export function enqueueRequest(db: Db, kind: string, options: EnqueueOptions = {}): number {
  return db
    .transaction((): number => {
      if (options.dedupe) {
        const queued = sql(
          db,
          `SELECT Id FROM FrsRequests WHERE Kind = ? AND Status = 'queued' ORDER BY Id LIMIT 1`,
        ).get(kind) as Row | undefined;
        if (queued) return num(queued.Id);
      }
      const inserted = sql(
        db,
        `INSERT INTO FrsRequests (Kind, Status, Payload, RequestedAt) VALUES (?, 'queued', ?, ?)`,
      ).run(kind, jsonOrNull(options.payload), nowIso());
      return Number(inserted.lastInsertRowid);
    })
    .immediate();
}

export function takeRequest(db: Db, kind: string): FrsRequest | null {
  const row = sql(
    db,
    `UPDATE FrsRequests SET Status = 'running', StartedAt = ?
    WHERE Id = (SELECT Id FROM FrsRequests WHERE Kind = ? AND Status = 'queued' ORDER BY Id LIMIT 1)
    RETURNING *`,
  ).get(nowIso(), kind) as Row | undefined;
  return row ? requestFromRow(row) : null;
}

export function finishRequest(db: Db, id: number, status: 'done' | 'failed', result?: unknown): boolean {
  return (
    sql(
      db,
      `UPDATE FrsRequests SET Status = ?, Result = ?, FinishedAt = ? WHERE Id = ? AND Status IN ('queued', 'running')`,
    ).run(status, jsonOrNull(result), nowIso(), id).changes === 1
  );
}

export function getRequest(db: Db, id: number): FrsRequest | null {
  const row = sql(db, 'SELECT * FROM FrsRequests WHERE Id = ?').get(id) as Row | undefined;
  return row ? requestFromRow(row) : null;
}

export function stats(db: Db): RepositoryStats {
  return statsFromRows(sql(db, STATS_SQL).get() as Row, sql(db, ITEM_STATUS_COUNTS_SQL).all() as Row[]);
}

export function countItems(db: Db, status: MediaItemStatus): number {
  return num((sql(db, COUNT_ITEMS_SQL).get({ status }) as Row).N);
}

export function activity(db: Db): LibraryActivity {
  const last = sql(
    db,
    `SELECT * FROM FrsRequests WHERE Kind = 'recluster' AND Status IN ('done', 'failed') ORDER BY FinishedAt DESC, Id DESC LIMIT 1`,
  ).get() as Row | undefined;
  return activityFromRows(sql(db, ACTIVITY_SQL).get() as Row, last);
}
