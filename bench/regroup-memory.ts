/**
 * Where a full regroup's memory goes: one runRecluster over an existing library (for instance one
 * `bench/grouping-scale.ts --decided --keep` left: the regroup then reuses the grouping index, as
 * `frs recluster` does), in this process, with the process's memory printed at each phase of its
 * progress (reading faces, components, deciding, writing): RSS, its peak so far
 * (resourceUsage().maxRSS: Node, the V8 heap, ArrayBuffers and the SQLite page cache together),
 * the V8 heap and ArrayBuffers. The same settings as bench/grouping-scale.ts (nearest-face 0.8,
 * eps 0.2, minPts 2). The library is rewritten with what it holds (a recluster that changes
 * nothing), so the run can be repeated.
 *
 *   npx tsx bench/regroup-memory.ts --db /tmp/lib.db [--mode nearest-face|centroid]
 */
import { parseArgs } from 'node:util';
import { loadSettings } from '../src/config/settings.js';
import { openRepository } from '../src/data/open-repository.js';
import { runRecluster } from '../src/pipeline/group-stage.js';
import { GROUPING_BENCH_SETTINGS, groupingBenchContext } from './lib/bench-context.js';

const { values } = parseArgs({
  options: { db: { type: 'string' }, mode: { type: 'string', default: 'nearest-face' } },
});
if (!values.db) throw new Error('--db is required: a library to regroup (bench/grouping-scale.ts --keep)');
const db = values.db;

const started = performance.now();
const mb = (bytes: number) => Math.round(bytes / 1048576);
function sample(label: string): void {
  const m = process.memoryUsage();
  const peak = Math.round(process.resourceUsage().maxRSS / 1024);
  const at = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `| ${label} | ${at} s | ${mb(m.rss)} MB | ${peak} MB | ${mb(m.heapUsed)} / ${mb(m.heapTotal)} MB | ${mb(m.arrayBuffers)} MB |`,
  );
}

const repo = await openRepository(db);
const ctx = groupingBenchContext(
  repo,
  loadSettings({ FRS_DATABASE: db, FRS_MATCH_MODE: values.mode, ...GROUPING_BENCH_SETTINGS }),
);
console.log('| phase | at | RSS | peak RSS | V8 heap used / total | ArrayBuffers |');
console.log('| --- | --- | --- | --- | --- | --- |');
sample('start');
// A line at each phase and at each quarter of it.
let last = '';
const cpu = process.cpuUsage();
const summary = await runRecluster(ctx, {
  onProgress: (phase, done, total) => {
    const key = `${phase} ${Math.floor((4 * done) / Math.max(1, total))}`;
    if (key === last) return;
    last = key;
    sample(`${phase} ${done.toLocaleString('en')} / ${total.toLocaleString('en')}`);
  },
});
sample('done');
const used = process.cpuUsage(cpu);
await repo.close();
console.log(
  `\n${summary.faces} faces decided, ${summary.personsKept} persons kept, ${summary.personsCreated} created, ` +
    `${summary.facesAssigned} assigned, ${summary.facesMoved} moved, ${summary.noise} noise; ` +
    `${(summary.ms / 1000).toFixed(1)} s wall, ${((used.user + used.system) / 1e6).toFixed(1)} s CPU`,
);
