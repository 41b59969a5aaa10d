/** A FIFO async lock: callers run one at a time, in the order they asked. */
export class AsyncMutex {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => T | Promise<T>): Promise<T> {
    const result = this.tail.then(work);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

const byKey = new Map<string, { mutex: AsyncMutex; users: number }>();

/**
 * One mutex per database file in this process, shared by every repository on that file.
 * SQLite's busy wait blocks the thread, so a second connection in the same process waiting
 * on a transaction that awaits would freeze the event loop; queueing here avoids that.
 */
export function acquireSharedMutex(key: string): AsyncMutex {
  const entry = byKey.get(key) ?? { mutex: new AsyncMutex(), users: 0 };
  entry.users += 1;
  byKey.set(key, entry);
  return entry.mutex;
}

export function releaseSharedMutex(key: string): void {
  const entry = byKey.get(key);
  if (!entry) return;
  entry.users -= 1;
  if (entry.users <= 0) byKey.delete(key);
}
