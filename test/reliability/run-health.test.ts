/**
 * What a run says after crashes (fast layer: in-memory SQLite, scripted analyzer): leases left
 * by a worker that stopped are reported with their age and taken again; an item during which
 * the worker died on each allowed attempt is given up and counted among the run's failures;
 * claimed items that were never started cost nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { describeRun } from '../../src/pipeline/run-summary.js';
import { fastPipeline, type FastPipeline } from '../helpers/fast-pipeline.js';

let fast: FastPipeline;
afterEach(async () => fast?.close());

const PHOTOS = [[1, 2], [1], [2], [3]];
const LEASE = 60;

/** A worker that claims a batch, starts `started` of its items, then stops (a crash). */
async function crashAfterStarting(f: FastPipeline, worker: string, started: number[]) {
  const claimed = await f.repo.claimPendingItems(worker, 10, LEASE, 2);
  for (const id of started) expect(await f.repo.startItem(id, worker, LEASE)).not.toBeNull();
  return claimed;
}

/** FRS_LEASE_SECONDS later, without the wait. */
async function leasesExpire(f: FastPipeline) {
  await f.repo.transaction(async () => {
    for (let id = 1; id <= PHOTOS.length; id++) {
      const item = await f.repo.getMediaItem(id);
      if (item?.status === 'processing') await f.repo.renewLease(id, item.leaseOwner!, -5);
    }
  });
}

describe('runs after crashes', () => {
  it('reports stuck leases, gives up only on the item that crashed the worker each time, and counts it', async () => {
    fast = await fastPipeline(PHOTOS, { FRS_MAX_ATTEMPTS: '2', FRS_LEASE_SECONDS: String(LEASE) });
    for (const k of PHOTOS.keys()) await fast.register(k);

    // Two crashes while working on item 1; every other claimed item was never started.
    expect(await crashAfterStarting(fast, 'dead-1', [1])).toHaveLength(4);
    await leasesExpire(fast);
    await crashAfterStarting(fast, 'dead-2', [1]);
    await leasesExpire(fast);

    const run = await fast.pipeline().runAll();
    expect(run.detected).toMatchObject({ stuckLeases: 4, gaveUp: 1, failed: 1, items: 3 });
    expect(run.detected.oldestStuckSeconds).toBeGreaterThanOrEqual(5);
    expect(describeRun(run)).toMatch(
      /3 photo\(s\) processed, \d+ face\(s\) found, 1 failed \(1 given up after crashes\); 4 stuck lease\(s\) taken again \(oldest expired \d+ s ago\)/,
    );
    expect(await fast.repo.getMediaItem(1)).toMatchObject({
      status: 'failed',
      attempts: 2,
      lastError: expect.stringMatching(/^gave up: the worker stopped .* 2 attempt\(s\)$/) as string,
    });
    for (const id of [2, 3, 4]) expect(await fast.repo.getMediaItem(id)).toMatchObject({ status: 'done', attempts: 1 });

    // Put back, it is detected like any other.
    expect(await fast.pipeline().retryFailed()).toBe(1);
    const again = await fast.pipeline().runAll();
    expect(again.detected).toMatchObject({ items: 1, failed: 0, stuckLeases: 0 });
  });
});
