/**
 * The grouping lock on a real SQLite database: renewed while a regroup runs (another process
 * cannot take it even after its first time to live), confirmed inside the write transaction
 * (a lock taken over by another process stops the writer), released only when still ours.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { settingsSchema } from '../../src/config/settings.js';
import type { Repository } from '../../src/data/repository.js';
import { SqliteRepository } from '../../src/data/sqlite/sqlite-repository.js';
import { silentLogger } from '../../src/pipeline/context.js';
import { GROUPING_LOCK, withGroupingLock } from '../../src/pipeline/grouping-lock.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let dir: string;
let repo: Repository;
const ctx = () => ({ repo, workerId: 'me', settings: settingsSchema.parse({}), log: silentLogger });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'frs-grouping-lock-'));
  repo = SqliteRepository.open(join(dir, 'frs.db'));
});
afterEach(async () => {
  await repo.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('grouping lock', () => {
  it('is renewed while the work runs, so nobody takes it after its first time to live', async () => {
    const result = await withGroupingLock(
      ctx(),
      async (lease) => {
        for (let i = 0; i < 6; i++) {
          await sleep(100); // 600 ms in all: twice the time to live
          expect(await repo.acquireLock(GROUPING_LOCK, 'other', 0.3)).toBe(false);
          lease.assertHeld();
        }
        await repo.transaction((tx) => lease.confirm(tx));
        return 'done';
      },
      { ttlSeconds: 0.3, renewEveryMs: 80 },
    );
    expect(result).toBe('done');
    // Released at the end.
    expect(await repo.acquireLock(GROUPING_LOCK, 'other', 10)).toBe(true);
  });

  it('without renewal the lock expires: assertHeld and confirm stop the writer with LOCKED', async () => {
    let writes = 0;
    const outcome = withGroupingLock(
      ctx(),
      async (lease) => {
        await sleep(350);
        expect(await repo.acquireLock(GROUPING_LOCK, 'other', 600)).toBe(true); // expired: another process takes it
        expect(() => lease.assertHeld()).toThrow(/grouping lock/);
        await repo.transaction(async (tx) => {
          await lease.confirm(tx);
          writes++;
        });
      },
      { ttlSeconds: 0.3, renewEveryMs: 60_000 },
    );
    await expect(outcome).rejects.toMatchObject({ code: 'LOCKED' });
    expect(writes).toBe(0);
    // The other process keeps its lock: the loser's release does not remove it.
    expect(await repo.acquireLock(GROUPING_LOCK, 'me', 600)).toBe(false);
    expect(await repo.releaseLock(GROUPING_LOCK, 'other')).toBe(true);
  });

  it('returns null without running the work when another process holds the lock', async () => {
    expect(await repo.acquireLock(GROUPING_LOCK, 'other', 600)).toBe(true);
    let ran = false;
    expect(await withGroupingLock(ctx(), async () => (ran = true))).toBeNull();
    expect(ran).toBe(false);
  });
});
