/**
 * Transient SQL Server / Azure SQL faults and the retry around them. A paused serverless database
 * answers 40613 until it has resumed (up to about a minute), a failover drops connections (40197,
 * socket errors), throttling answers 40501 / 49918-49920, and a deadlock victim gets 1205: all of
 * them succeed when the same work runs again a little later. Retries back off exponentially and
 * stop at a bounded total time, so an outage still fails the run instead of hanging it.
 *
 * What is retried is always a whole unit: one statement batch outside a transaction (each is
 * atomic on its own) or a whole transaction() callback, never a statement inside a transaction.
 */

/** Error numbers SQL Server documents as transient (Azure SQL "transient fault" list and deadlocks). */
export const TRANSIENT_ERROR_NUMBERS: ReadonlySet<number> = new Set([
  1205, // chosen as deadlock victim
  4060, // cannot open database (seen while a paused database resumes)
  4221, // login to read-secondary failed during reconfiguration
  10928, // resource limit reached
  10929, // resource limit: minimum guarantee not met
  40143, // service encountered an error processing the request
  40197, // service error processing the request (failover, upgrade)
  40501, // service is currently busy (throttling)
  40540, // service encountered an error processing the request
  40613, // database not currently available (serverless resume, failover)
  49918, // not enough resources to process request
  49919, // too many create or update operations in progress
  49920, // too many operations in progress
]);

/** Driver codes of a lost or refused connection (mssql / tedious ConnectionError codes, socket errors). */
const TRANSIENT_CODES: ReadonlySet<string> = new Set([
  'ESOCKET',
  'ECONNRESET',
  'ECONNCLOSED',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTOPEN',
]);

interface ErrorShape {
  name?: unknown;
  number?: unknown;
  code?: unknown;
  isTransient?: unknown;
  originalError?: unknown;
  cause?: unknown;
}

/** True when err (or any error it wraps) is a fault that retrying the same work can clear. */
export function isTransientSqlError(err: unknown, depth = 0): boolean {
  if (err === null || typeof err !== 'object' || depth > 6) return false;
  const e = err as ErrorShape;
  if (typeof e.number === 'number' && TRANSIENT_ERROR_NUMBERS.has(e.number)) return true;
  // tedious marks login errors it knows to be transient (40613 while resuming, among others).
  if (e.isTransient === true) return true;
  if (typeof e.code === 'string' && TRANSIENT_CODES.has(e.code)) return true;
  // A connection (not a request) that timed out: the server is unreachable for now.
  if (e.code === 'ETIMEOUT' && e.name === 'ConnectionError') return true;
  // Wrapped errors: mssql's originalError, FrsError's cause (a failed rollback's AggregateError has
  // the callback's error as its cause; the rollback error alone does not make the work retryable).
  const nested = [e.originalError, e.cause];
  return nested.some((inner) => isTransientSqlError(inner, depth + 1));
}

export interface RetryPolicy {
  /** Delay before the first retry; doubles each time (with jitter) up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** No retry starts later than this after the first try began. */
  maxTotalMs: number;
  /** Injected in tests; setTimeout otherwise. */
  sleep?: (ms: number) => Promise<void>;
  /** Called before each retry (for the log). */
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
}

/** A paused serverless database takes up to about a minute to resume: 2 minutes in all covers it. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { baseDelayMs: 500, maxDelayMs: 15_000, maxTotalMs: 120_000 };

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs work; on a transient fault runs it again with exponential backoff until maxTotalMs is spent. */
export async function withRetry<T>(policy: RetryPolicy, work: () => Promise<T>): Promise<T> {
  const sleep = policy.sleep ?? realSleep;
  const started = Date.now();
  let elapsed = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      if (!isTransientSqlError(err)) throw err;
      const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      // Up to 20% jitter, so that instances woken by the same resume do not retry in lockstep.
      const delay = Math.round(backoff * (0.8 + 0.2 * Math.random()));
      elapsed = Math.max(elapsed + delay, Date.now() - started + delay);
      if (elapsed > policy.maxTotalMs) throw err;
      policy.onRetry?.(err, attempt, delay);
      await sleep(delay);
    }
  }
}
