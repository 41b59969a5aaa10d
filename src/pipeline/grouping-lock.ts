/**
 * The grouping lock, held for as long as a regroup runs. It is a row with an expiry (FrsLocks),
 * so that a crashed holder cannot block grouping for good; a regroup that outlived the expiry
 * could then run next to a second one. So while the work runs the lock is renewed (every third
 * of its time to live), and before anything is written the writer confirms, inside its write
 * transaction, that the lock is still its own: a lost lock stops the writer with LOCKED and
 * nothing is written.
 */
import type { RepositoryOps } from '../data/repository.js';
import { FrsError } from '../errors.js';
import type { PipelineContext } from './context.js';

export const GROUPING_LOCK = 'grouping';

/** What a regroup holding the lock can ask of it. */
export interface GroupingLease {
  /** Throws LOCKED when the lock is known to be lost (a renewal found another owner, or it expired unrenewed). */
  assertHeld(): void;
  /** Inside the write transaction: renews the lock through it, and throws LOCKED when it is no longer ours. */
  confirm(tx: RepositoryOps): Promise<void>;
}

export interface GroupingLockOptions {
  /** Time to live of the lock; FRS_LEASE_SECONDS by default. */
  ttlSeconds?: number;
  /** How often it is renewed; a third of the time to live by default. */
  renewEveryMs?: number;
}

function lost(owner: string): FrsError {
  return new FrsError(
    'LOCKED',
    `The grouping lock of ${owner} expired or was taken by another process while grouping; nothing was written. The next run groups again.`,
  );
}

/**
 * Runs fn holding the grouping lock, renewed while fn runs; null (fn not run) when another
 * process holds it.
 */
export async function withGroupingLock<T>(
  ctx: Pick<PipelineContext, 'repo' | 'workerId' | 'settings' | 'log'>,
  fn: (lease: GroupingLease) => Promise<T>,
  options: GroupingLockOptions = {},
): Promise<T | null> {
  const { repo, workerId } = ctx;
  const ttl = options.ttlSeconds ?? ctx.settings.FRS_LEASE_SECONDS;
  const renewEveryMs = options.renewEveryMs ?? (ttl * 1000) / 3;
  if (!(await repo.acquireLock(GROUPING_LOCK, workerId, ttl))) return null;

  let expiresAt = Date.now() + ttl * 1000;
  let takenByOther = false;
  const renewed = () => {
    expiresAt = Date.now() + ttl * 1000;
  };
  const lease: GroupingLease = {
    assertHeld() {
      if (takenByOther || Date.now() >= expiresAt) throw lost(workerId);
    },
    async confirm(tx) {
      if (!(await tx.acquireLock(GROUPING_LOCK, workerId, ttl))) {
        takenByOther = true;
        throw lost(workerId);
      }
      renewed();
    },
  };

  let renewing: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    renewing = repo.acquireLock(GROUPING_LOCK, workerId, ttl).then(
      (ok) => (ok ? renewed() : void (takenByOther = true)),
      // A failed renewal is retried on the next tick; the lock only counts as lost once it expired.
      (err: unknown) => ctx.log.warn(`grouping: renewing the grouping lock failed: ${(err as Error).message}`),
    );
  }, renewEveryMs);
  timer.unref();
  try {
    return await fn(lease);
  } finally {
    clearInterval(timer);
    await renewing;
    // Release only what is still ours (releaseLock checks the owner).
    await repo.releaseLock(GROUPING_LOCK, workerId);
  }
}
