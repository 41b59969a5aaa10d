/**
 * Child process for the cross-process claim test: signals it is ready, waits until every
 * worker is, then claims small batches until none are left and prints the claimed ids.
 * Usage: node --import tsx claim-worker.ts <sqlite file> <owner> <ready folder> <worker count>
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openRepository } from '../../src/data/open-repository.js';

const [file, owner, readyDir, workers] = process.argv.slice(2);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const repo = await openRepository(file);
writeFileSync(join(readyDir, owner), '');
for (const deadline = Date.now() + 60_000; readdirSync(readyDir).length < Number(workers);) {
  if (Date.now() > deadline) throw new Error('the other workers never became ready');
  await pause(5);
}
const claimed: number[] = [];
for (;;) {
  const batch = await repo.claimPendingItems(owner, 3, 60, 5);
  if (batch.length === 0) break;
  claimed.push(...batch.map((c) => c.id));
  await pause(2); // let the other process in
}
await repo.close();
process.stdout.write(JSON.stringify(claimed));
