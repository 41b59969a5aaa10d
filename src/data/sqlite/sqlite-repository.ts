/**
 * The embedded adapter: one better-sqlite3 connection per repository, WAL mode, a busy
 * timeout for other processes, and an async transaction() that holds the write lock
 * (BEGIN IMMEDIATE) while its callback awaits.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { acquireSharedMutex, type AsyncMutex, releaseSharedMutex } from '../async-mutex.js';
import { databaseError } from '../database-error.js';
import { bindOperations, BoundOperations, runWithErrorMapping as attempt } from '../operations.js';
import type { Repository, RepositoryOps } from '../repository.js';
import { FrsError } from '../../errors.js';
import { ensureSqliteFile } from './sqlite-file.js';
import { migrateSqlite } from './sqlite-migrations.js';
import { sqliteOperations } from './sqlite-operations.js';

export interface SqliteOptions {
  /** How long a write waits for another process's lock before failing. */
  busyTimeoutMs?: number;
}

/** Which file's transaction the current async call chain is inside, if any. */
const insideTransaction = new AsyncLocalStorage<AsyncMutex>();

let savepointCounter = 0;
let memoryDatabases = 0;

export class SqliteRepository extends BoundOperations implements Repository {
  readonly kind = 'sqlite' as const;
  private readonly txOps: RepositoryOps;

  private constructor(
    private readonly db: Database.Database,
    private readonly mutex: AsyncMutex,
    private readonly mutexKey: string,
  ) {
    // Outside a transaction every call queues behind running transactions; inside one
    // (same async chain) it runs at once, as part of it.
    super(
      bindOperations(sqliteOperations, db, (action, work) =>
        insideTransaction.getStore() === mutex ? attempt(action, work) : mutex.run(() => attempt(action, work)),
      ),
    );
    this.txOps = bindOperations(sqliteOperations, db, attempt);
  }

  static open(file: string, options: SqliteOptions = {}): SqliteRepository {
    const inMemory = file === ':memory:';
    let db: Database.Database | undefined;
    try {
      if (!inMemory) {
        mkdirSync(dirname(resolve(file)), { recursive: true });
        ensureSqliteFile(file);
      }
      db = new Database(file, { timeout: options.busyTimeoutMs ?? 15_000 });
      // WAL lets readers work while the pipeline writes; NORMAL sync is safe with WAL.
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      // 64 MB of page cache instead of SQLite's 2 MB: a recluster's assignments update the PersonId
      // indexes and person counts all over (1M faces whose ids are not in person order: 45 s with
      // 2 MB, 30 s with 64 MB, no faster with 256 MB). An upper bound; pages are allocated as used.
      db.pragma('cache_size = -65536');
      // Enforce the foreign keys a database declares (the replaced system's four, in its
      // translated schema): FRS's deletes must respect them, as on SQL Server.
      db.pragma('foreign_keys = ON');
      migrateSqlite(db);
    } catch (err) {
      db?.close();
      if (err instanceof FrsError) throw err;
      throw databaseError(`opening the SQLite database '${file}'`, err);
    }
    const key = inMemory ? `:memory:${++memoryDatabases}` : resolve(file);
    return new SqliteRepository(db, acquireSharedMutex(key), key);
  }

  transaction<T>(fn: (tx: RepositoryOps) => Promise<T>): Promise<T> {
    if (insideTransaction.getStore() === this.mutex) return this.nested(fn);
    return this.mutex.run(() =>
      insideTransaction.run(this.mutex, async () => {
        await attempt('starting a transaction', () => this.db.exec('BEGIN IMMEDIATE'));
        try {
          const result = await fn(this.txOps);
          await attempt('committing a transaction', () => this.db.exec('COMMIT'));
          return result;
        } catch (err) {
          if (this.db.inTransaction) this.db.exec('ROLLBACK');
          throw err;
        }
      }),
    );
  }

  /** A transaction inside a transaction becomes a savepoint, so it can fail on its own. */
  private async nested<T>(fn: (tx: RepositoryOps) => Promise<T>): Promise<T> {
    const name = `frs_sp_${++savepointCounter}`;
    await attempt('starting a savepoint', () => this.db.exec(`SAVEPOINT ${name}`));
    try {
      const result = await fn(this.txOps);
      this.db.exec(`RELEASE ${name}`);
      return result;
    } catch (err) {
      this.db.exec(`ROLLBACK TO ${name}`);
      this.db.exec(`RELEASE ${name}`);
      throw err;
    }
  }

  async close(): Promise<void> {
    if (!this.db.open) return;
    // Let queued work finish first; a transaction in progress keeps the mutex until it ends.
    await this.mutex.run(() => this.db.close());
    releaseSharedMutex(this.mutexKey);
  }
}
