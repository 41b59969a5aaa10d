/**
 * A regroup at library scale: groupFaces() and the reconciliation with the current assignment
 * over 100k synthetic 128-d embeddings (5,000 identities x 20 faces). Recognise (when a run
 * brings new faces) and recluster both make this one decision over every unverified face, so
 * this is the cost of either. Two scenarios, each in its own worker thread:
 *  - nothing verified: no known persons, so everything goes through DBSCAN over the cone tree;
 *  - verified: half the identities are persons with 10 user-verified faces each; the other
 *    75k faces (their remaining faces and all faces of the other identities) are matched to
 *    persons first (nearest-face, one dual-tree walk) and the leftovers clustered.
 * Reconciliation is timed in the steady state (the current assignment already is the decision,
 * as on a regroup that brings few new faces): keptPersons + assignmentChanges over all faces.
 *
 * Data: identity directions are random on the sphere; each face is its identity plus
 * Gaussian noise drawn per identity so that a face's cosine to its identity is 0.90-0.95
 * (two faces of one person: about 0.81-0.90; about 9% of same-person pairs fall below the
 * 0.8 match similarity), and 3% of faces get twice the noise (poor detections), so
 * clusters are tight but chaining and noise still matter.
 *
 * The main thread samples RSS every 100 ms while a worker computes; resourceUsage().maxRSS
 * is the kernel's peak for the whole process. Timing a slice of dot products estimates what
 * an all-pairs scan would have cost.
 *
 *   npx tsx bench/recluster-scale.ts [--identities 5000] [--faces 20] [--dim 128] [--out file.md]
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { dotF32 } from '../src/clustering/cosine.js';
import { groupFaces, type GroupDecision } from '../src/clustering/group.js';
import { assignmentChanges, keptPersons } from '../src/clustering/reconcile.js';
import { evaluateClustering, type ClusteringScores } from '../src/clustering/metrics.js';
import { syntheticFaces } from '../test/clustering/synthetic.js';

type Scenario = 'unverified' | 'verified';

interface Params {
  scenario: Scenario;
  identities: number;
  faces: number;
  dim: number;
}

interface Result {
  generateMs: number;
  knownFaces: number;
  unassignedFaces: number;
  groupMs: number;
  groupCpuMs: number;
  reconcileMs: number;
  keptPersons: number;
  facesMoved: number;
  joinedExisting: number;
  wronglyJoined: number;
  newClusters: number;
  largestCluster: number;
  scores: ClusteringScores;
  bruteForceEstimateS: number;
  peakSampledRssMb: number;
}

const OPTIONS = { threshold: 0.8, eps: 0.2, minPts: 2 };
/** sigma giving a face-to-identity cosine of c in d dimensions: c = 1 / sqrt(1 + d sigma^2). */
const sigmaFor = (cos: number, dim: number) => Math.sqrt((1 / (cos * cos) - 1) / dim);

function work(params: Params): Omit<Result, 'peakSampledRssMb'> {
  let started = performance.now();
  const { embeddings, labels } = syntheticFaces({
    identities: params.identities,
    facesPerIdentity: params.faces,
    dim: params.dim,
    sigma: (_identity, random) => sigmaFor(0.9 + 0.05 * random(), params.dim),
    hardShare: 0.03,
    hardFactor: 2,
    seed: 2024,
    shuffle: true,
  });
  const generateMs = performance.now() - started;

  // verified: the first 10 faces seen of each identity in the first half are user-verified.
  const knownPersons = params.scenario === 'verified' ? Math.floor(params.identities / 2) : 0;
  const seen = new Int32Array(params.identities);
  const known: { personId: number; embedding: Float32Array }[] = [];
  const unassigned: { id: number; embedding: Float32Array }[] = [];
  embeddings.forEach((embedding, i) => {
    if (labels[i] < knownPersons && seen[labels[i]]++ < 10) known.push({ personId: labels[i], embedding });
    else unassigned.push({ id: i, embedding });
  });

  const cpuBefore = process.cpuUsage();
  started = performance.now();
  const decision: GroupDecision<number, number> = groupFaces(known, unassigned, OPTIONS);
  const groupMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);

  // The current assignment as the decision left it: persons keep their ids on the next regroup.
  const firstNewId = knownPersons;
  const current = new Map<number, number | null>(unassigned.map((f) => [f.id, null]));
  for (const a of decision.assignments) current.set(a.faceId, a.personId);
  decision.newClusters.forEach((members, k) => members.forEach((id) => current.set(id, firstNewId + k)));
  const faces = unassigned.map((f) => ({ id: f.id, personId: current.get(f.id) ?? null }));
  started = performance.now();
  const kept = keptPersons({ faces, decision, protectedPersons: new Set(known.map((f) => f.personId)) });
  const changes = assignmentChanges(
    faces,
    decision,
    kept.map((p) => p ?? -1),
  );
  const reconcileMs = performance.now() - started;

  // Score the unassigned faces: joining person p is label p; new cluster k is label knownPersons + k.
  const predictedOf = new Map<number, number>();
  for (const a of decision.assignments) predictedOf.set(a.faceId, a.personId);
  decision.newClusters.forEach((members, k) => members.forEach((id) => predictedOf.set(id, knownPersons + k)));
  const truth = unassigned.map((f) => labels[f.id]);
  const predicted = unassigned.map((f) => predictedOf.get(f.id) ?? -1);

  // All-pairs estimate: time a slice of the n^2/2 dot products, over packed rows (its best case).
  const n = embeddings.length;
  const packed = new Float32Array(n * params.dim);
  embeddings.forEach((e, i) => packed.set(e, i * params.dim));
  const rows = 200;
  started = performance.now();
  let sink = 0;
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < n; j++) sink += dotF32(packed, i * params.dim, packed, j * params.dim, params.dim);
  const perDotS = (performance.now() - started) / (rows * n) / 1000;
  if (Number.isNaN(sink)) throw new Error('unreachable');

  return {
    generateMs,
    knownFaces: known.length,
    unassignedFaces: unassigned.length,
    groupMs,
    groupCpuMs: (cpu.user + cpu.system) / 1000,
    reconcileMs,
    keptPersons: kept.filter((p) => p !== null).length,
    facesMoved: changes.length,
    joinedExisting: decision.assignments.length,
    wronglyJoined: decision.assignments.filter((a) => labels[a.faceId] !== a.personId).length,
    newClusters: decision.newClusters.length,
    largestCluster: decision.newClusters.reduce((m, c) => Math.max(m, c.length), 0),
    scores: evaluateClustering(truth, predicted),
    bruteForceEstimateS: (perDotS * n * (n - 1)) / 2,
  };
}

/** Runs one scenario in a worker while this thread samples the process RSS. */
async function inWorker(params: Params): Promise<Result> {
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
  // Workers do not inherit tsx's loader: load this file through tsx's API instead.
  const url = JSON.stringify(import.meta.url);
  const worker = new Worker(`import('tsx/esm/api').then((api) => api.tsImport(${url}, ${url}))`, {
    eval: true,
    workerData: params,
  });
  try {
    const result = await new Promise<Omit<Result, 'peakSampledRssMb'>>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    return { ...result, peakSampledRssMb: peak / 2 ** 20 };
  } finally {
    clearInterval(sampler);
    await worker.terminate();
  }
}

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

function row(label: string, values: Record<Scenario, string>): string {
  return `| ${label} | ${values.unverified} | ${values.verified} |`;
}

async function main(): Promise<void> {
  const base = { identities: arg('identities', 5000), faces: arg('faces', 20), dim: arg('dim', 128) };
  const outIndex = process.argv.indexOf('--out');
  const out =
    outIndex > 0 ? process.argv[outIndex + 1] : fileURLToPath(new URL('./results/recluster-scale.md', import.meta.url));
  const load = loadavg()[0];
  const results = {
    unverified: await inWorker({ ...base, scenario: 'unverified' }),
    verified: await inWorker({ ...base, scenario: 'verified' }),
  };
  const maxRssMb = process.resourceUsage().maxRSS / 1024;

  const n = base.identities * base.faces;
  const each = (f: (r: Result) => string) => ({ unverified: f(results.unverified), verified: f(results.verified) });
  const p = (x: number) => x.toFixed(4);
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const md = `# A regroup at scale: groupFaces() and reconciliation

\`${['npx tsx bench/recluster-scale.ts', ...process.argv.slice(2)].join(' ')}\` — ${n.toLocaleString('en')} synthetic ${base.dim}-d embeddings: ${base.identities.toLocaleString('en')} identities x ${base.faces} faces, face-to-identity cosine 0.90-0.95 per identity, 3% of faces with twice the noise, shuffled. Options: threshold ${OPTIONS.threshold} (nearest-face), eps ${OPTIONS.eps}, minPts ${OPTIONS.minPts}, no UMAP.

A regroup (what recognise runs when new faces arrived, and what recluster always runs) makes one decision over every unverified face and reconciles it with the current assignment; this is its cost at library scale.

- **nothing verified**: no known persons; every face goes through DBSCAN over the cone tree.
- **verified**: the first ${Math.floor(base.identities / 2).toLocaleString('en')} identities are persons with 10 user-verified faces each; all other faces are unverified, are matched to those persons (one dual-tree walk), and the leftovers are clustered.
- **reconciliation**: the current assignment is the decision itself (the steady state of a regroup that brings few new faces); keptPersons + assignmentChanges over all faces.

${row('measure', { unverified: 'nothing verified', verified: `${Math.floor(base.identities / 2).toLocaleString('en')} persons with verified faces` })}
| --- | --- | --- |
${row(
  'verified / unverified faces',
  each((r) => `${r.knownFaces.toLocaleString('en')} / ${r.unassignedFaces.toLocaleString('en')}`),
)}
${row(
  'groupFaces() wall time',
  each((r) => s(r.groupMs)),
)}
${row(
  'groupFaces() CPU time (process)',
  each((r) => s(r.groupCpuMs)),
)}
${row(
  'reconciliation with the current assignment (steady state): time, clusters keeping their person, faces moved',
  each(
    (r) =>
      `${r.reconcileMs.toFixed(0)} ms, ${r.keptPersons.toLocaleString('en')} of ${r.newClusters.toLocaleString('en')}, ${r.facesMoved}`,
  ),
)}
${row(
  'all-pairs scan of all faces, estimated from timed dot products',
  each((r) => `${r.bruteForceEstimateS.toFixed(0)} s`),
)}
${row(
  'peak RSS sampled every 100 ms (memoryUsage().rss)',
  each((r) => `${r.peakSampledRssMb.toFixed(0)} MB`),
)}
${row(
  'BCubed precision / recall / F1 (unassigned faces)',
  each((r) => `${p(r.scores.bcubed.precision)} / ${p(r.scores.bcubed.recall)} / ${p(r.scores.bcubed.f1)}`),
)}
${row(
  'pairwise precision / recall / F1',
  each((r) => `${p(r.scores.pairwise.precision)} / ${p(r.scores.pairwise.recall)} / ${p(r.scores.pairwise.f1)}`),
)}
${row(
  'joined persons with verified faces (wrongly)',
  each((r) => `${r.joinedExisting.toLocaleString('en')} (${r.wronglyJoined})`),
)}
${row(
  'new clusters (largest)',
  each((r) => `${r.newClusters.toLocaleString('en')} (${r.largestCluster})`),
)}
${row(
  'faces left as noise',
  each((r) => `${r.scores.noise.toLocaleString('en')} (${((100 * r.scores.noise) / r.unassignedFaces).toFixed(1)}%)`),
)}

Peak RSS of the whole process over both runs, resourceUsage().maxRSS: ${maxRssMb.toFixed(0)} MB. RSS includes the
${n.toLocaleString('en')} embeddings themselves (one Float32Array each) and their generation (${s(results.unverified.generateMs)}, not in the times above).
Noise faces count as singleton clusters in the scores; true clusters: ${base.identities.toLocaleString('en')} identities.

Machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores shared with other jobs (1-minute load average ${load.toFixed(1)} at start), Node ${process.version}. The work is single-threaded; wall times on a loaded machine vary, CPU time is the steadier figure.
`;
  writeFileSync(out, md);
  console.log(md);
}

if (isMainThread) {
  await main();
} else {
  parentPort!.postMessage(work(workerData as Params));
}
