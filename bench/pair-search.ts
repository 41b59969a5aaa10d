/**
 * The library-wide pair search alone (what a first recluster spends most of its time on:
 * componentLabels' self-join over a cone tree), in memory: the bulk library's synthetic
 * embeddings (bench/lib/bulk-library.ts: 128-d, 20 faces per identity, in identity order as the
 * library's ids are) as views of one matrix in a kernel memory of its own, as the streamed read
 * gives them. Prints the tree build and the walk, wall and CPU, the leaves, the pairs found with
 * a checksum (the same input gives the same pairs whatever the walk's order) and the peak RSS.
 *
 * With --shuffle the faces are stored in a random order instead (a library whose insertion order
 * says nothing about who is in the photo: the leader grouping's recent-groups check then misses);
 * pairs and checksum are reported by face, so they equal the ordered run's.
 *
 *   npx tsx bench/pair-search.ts [--faces 100000] [--radius 0.2] [--shuffle]
 */
import { loadavg } from 'node:os';
import { resourceUsage } from 'node:process';
import { parseArgs } from 'node:util';
import { ConeTree } from '../src/clustering/cone-tree.js';
import { RADIUS_SLACK } from '../src/clustering/interaction-radius.js';
import { seededRandom } from '../src/clustering/random.js';
import { KernelMemory } from '../src/clustering/simd/kernel-memory.js';
import { identityFaces } from './lib/bulk-library.js';

const { values } = parseArgs({
  options: {
    faces: { type: 'string', default: '100000' },
    radius: { type: 'string', default: '0.2' },
    shuffle: { type: 'boolean', default: false },
  },
});
const n = Number(values.faces);
const radius = Number(values.radius) + RADIUS_SLACK;
const dim = 128;
// In a kernel memory of its own, as the streamed read (face-matrix.ts) allocates it: read in place,
// without a view per row (ConeTree.buildOnMatrix, as a first recluster builds it).
const matrix = new KernelMemory(n * dim * 4 + 65536).f32(n * dim);
// Face f at row rowOf[f] (f itself unless shuffled), and faceAt the other way.
const rowOf = Int32Array.from({ length: n }, (_, f) => f);
if (values.shuffle) {
  const random = seededRandom(7);
  for (let f = n - 1; f > 0; f--) {
    const g = Math.floor(random() * (f + 1));
    [rowOf[f], rowOf[g]] = [rowOf[g], rowOf[f]];
  }
}
const faceAt = new Int32Array(n);
rowOf.forEach((row, f) => (faceAt[row] = f));
let faces = 0;
for (let identity = 0; faces < n; identity++) {
  for (const face of identityFaces(identity, 20, dim, 2024)) {
    if (faces >= n) break;
    matrix.set(face, rowOf[faces++] * dim);
  }
}

const cpuMs = () => {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1000;
};
const timed = <T>(run: () => T): { result: T; wall: number; cpu: number } => {
  const cpu = cpuMs(),
    wall = performance.now();
  const result = run();
  return { result, wall: performance.now() - wall, cpu: cpuMs() - cpu };
};

const load = loadavg()[0];
const build = timed(() => ConeTree.buildOnMatrix(matrix, dim));
let pairs = 0,
  checksum = 0;
const walk = timed(() =>
  build.result.forEachPairWithin(radius, (rowI, rowJ) => {
    const i = faceAt[rowI],
      j = faceAt[rowJ];
    pairs++;
    checksum = (checksum + Math.imul(Math.min(i, j) + 1, Math.max(i, j) + 7)) >>> 0;
  }),
);
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
console.log(
  `${n.toLocaleString('en')} faces${values.shuffle ? ' (shuffled)' : ''}, radius ${values.radius}: ` +
    `${build.result.leafCount} leaves; ` +
    `build ${s(build.wall)} wall / ${s(build.cpu)} CPU, walk ${s(walk.wall)} wall / ${s(walk.cpu)} CPU; ` +
    `${pairs} pairs (checksum ${checksum}); peak RSS ${Math.round(resourceUsage().maxRSS / 1024)} MB; ` +
    `1-minute load ${load.toFixed(2)} at start`,
);
