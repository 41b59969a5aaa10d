/**
 * "Incremental equals batch": the persons FRS builds when a library arrives in batches should
 * be the persons it builds when the whole library is processed at once.
 *
 *   npx tsx bench/incremental.ts [--identities 100] [--max-per-identity 0] [--batches 5] [--seed 42] [--threads N] [--sequential] [--out FILE] [--keep]
 *
 * Images: the first `--identities` LFW identities (sorted by name) with 3+ images, all their
 * images (or the first `--max-per-identity`, sorted). They are shuffled with a seeded generator
 * and copied as `NNNN_<original name>` (NNNN = shuffled position), so the folder's order is the
 * shuffled order, and split into `--batches` consecutive batches.
 *
 * Run A: every image in one folder, one registerFolder + PipelineService.runAll (= `frs all`).
 * Run B: a fresh database; for each batch: copy it in, registerFolder + runAll.
 * Both run through the real pipeline in-process (Services, temp SQLite, temp thumbnails), with
 * the settings from the environment and FRS defaults (printed), no detection shared. A and B run
 * as two concurrent child processes (one per core) unless --sequential.
 *
 * Comparison: faces are matched between A and B by original file + box (IoU >= 0.5). A face
 * "agrees" when the set of faces in its person is the same set in A and in B (an unassigned face
 * is a person of its own), i.e. the persons are the same up to their ids. Also: pairwise (Rand)
 * agreement over all face pairs and the adjusted Rand index, and each run scored against the
 * LFW identities (the face nearest each image's centre carries the identity; other faces are
 * bystanders, each its own class).
 *
 * Also measured: `frs recluster` (the real recluster mode) on a copy of B's database after its
 * last batch, against A. And a "what if" table: groupFaces() replayed batch by batch on the
 * embeddings A and B stored, with the shipped rule (every run with new faces regroups all
 * unverified faces; checked against the real runs), the previous rule (new faces matched to
 * existing persons, only the leftovers clustered) and variants of it. The replay is not the pipeline.
 */
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { seededRandom } from '../src/clustering/random.js';
import { groupFaces, type GroupOptions } from '../src/clustering/group.js';
import { evaluateClustering } from '../src/clustering/metrics.js';
import { decodeEmbedding } from '../src/data/embedding-codec.js';
import { groupOptions } from '../src/pipeline/grouping-settings.js';
import { loadSettings, type Settings } from '../src/config/settings.js';
import type { Logger } from '../src/pipeline/context.js';
import type { GroupSummary } from '../src/pipeline/group-stage.js';
import type { RunSummary } from '../src/pipeline/pipeline-service.js';
import { registerFolder } from '../src/pipeline/register-stage.js';
import { Services } from '../src/services.js';
import { identitiesWithAtLeast, lfwAvailable } from './lib/lfw.js';
import { treeHash } from './lib/speed-tree-hash.js';

const { values } = parseArgs({
  options: {
    identities: { type: 'string', default: '100' },
    'max-per-identity': { type: 'string', default: '0' },
    batches: { type: 'string', default: '5' },
    seed: { type: 'string', default: '42' },
    threads: { type: 'string' },
    out: { type: 'string' },
    keep: { type: 'boolean', default: false },
    /** run A and B one after the other in this process instead of as two concurrent child processes */
    sequential: { type: 'boolean', default: false },
    /** child mode: do one run into --tmp and write its summary there */
    run: { type: 'string' },
    tmp: { type: 'string' },
  },
});
if (!lfwAvailable) {
  console.error('LFW is not available at ../shared/datasets/lfw (set FRS_LFW_DIR); this benchmark needs it.');
  process.exit(2);
}

// ------------------------------------------------------------------ selection
const nIdentities = Number(values.identities);
const maxPer = Number(values['max-per-identity']);
const nBatches = Number(values.batches);
const seed = Number(values.seed);
const all = identitiesWithAtLeast(3);
const chosenIds = [...new Set(all.map((i) => i.label))].slice(0, nIdentities);
const chosen = new Set(chosenIds);
const perId = new Map<string, number>();
const selection = all.filter((i) => {
  if (!chosen.has(i.label)) return false;
  const k = perId.get(i.label) ?? 0;
  if (maxPer > 0 && k >= maxPer) return false;
  perId.set(i.label, k + 1);
  return true;
});
const random = seededRandom(seed);
const order = selection.map((_, i) => i);
for (let i = order.length - 1; i > 0; i--) {
  const j = Math.floor(random() * (i + 1));
  [order[i], order[j]] = [order[j], order[i]];
}
const shuffled = order.map((k, pos) => ({
  ...selection[k],
  name: `${String(pos).padStart(4, '0')}_${basename(selection[k].path)}`,
}));
const batchSize = Math.ceil(shuffled.length / nBatches);
const batches = Array.from({ length: nBatches }, (_, b) => shuffled.slice(b * batchSize, (b + 1) * batchSize)).filter(
  (b) => b.length > 0,
);
const labelOf = new Map(selection.map((i) => [basename(i.path), i.label]));

// ------------------------------------------------------------------ runs
const tmp = values.tmp ?? mkdtempSync(join(tmpdir(), 'frs-incremental-'));
const overrides: Partial<Settings> =
  values.threads !== undefined ? { FRS_INTRA_OP_THREADS: Number(values.threads) } : {};
const log: Logger = {
  info: (m) => {
    if (!m.startsWith('detect: item')) console.error(`  [${values.run ?? '-'}] ${m}`);
  },
  warn: (m) => console.error(`  [${values.run ?? '-'}] WARN ${m}`),
  error: (m) => console.error(`  [${values.run ?? '-'}] ERROR ${m}`),
};

function installation(name: string) {
  const dir = join(tmp, name);
  const images = join(dir, 'images');
  mkdirSync(images, { recursive: true });
  const settings = loadSettings(
    {
      ...process.env,
      FRS_DATABASE: join(dir, 'frs.db'),
      FRS_MEDIA_DIR: images,
      FRS_THUMBNAILS_DIR: join(dir, 'thumbnails'),
    },
    overrides,
  );
  return { dir, images, db: settings.FRS_DATABASE, services: new Services(settings, log) };
}

async function runBatch(inst: ReturnType<typeof installation>, files: typeof shuffled): Promise<RunSummary> {
  for (const f of files) copyFileSync(f.path, join(inst.images, f.name));
  const pipeline = await inst.services.pipeline();
  await registerFolder(pipeline.ctx.repo, inst.images, pipeline.ctx.log);
  return pipeline.runAll();
}

const settings = loadSettings({ ...process.env }, overrides);
const grouping = {
  FRS_MATCH_THRESHOLD: settings.FRS_MATCH_THRESHOLD,
  FRS_MATCH_MODE: settings.FRS_MATCH_MODE,
  FRS_DBSCAN_EPS: settings.FRS_DBSCAN_EPS,
  FRS_DBSCAN_MIN_POINTS: settings.FRS_DBSCAN_MIN_POINTS,
  FRS_DBSCAN_NOISE_EPS: settings.FRS_DBSCAN_NOISE_EPS,
  FRS_CLUSTER_MERGE_THRESHOLD: settings.FRS_CLUSTER_MERGE_THRESHOLD,
  FRS_MIN_FACE_QUALITY: settings.FRS_MIN_FACE_QUALITY,
  FRS_LOW_QUALITY_MATCH_THRESHOLD: settings.FRS_LOW_QUALITY_MATCH_THRESHOLD,
  FRS_GROUPING_BATCH_FACES: settings.FRS_GROUPING_BATCH_FACES,
  FRS_UMAP_ENABLED: settings.FRS_UMAP_ENABLED,
  FRS_UMAP_DIMENSIONS: settings.FRS_UMAP_DIMENSIONS,
  FRS_MIN_DETECTION_SCORE: settings.FRS_MIN_DETECTION_SCORE,
  FRS_MIN_FACE_SIZE: settings.FRS_MIN_FACE_SIZE,
  FRS_INTRA_OP_THREADS: settings.FRS_INTRA_OP_THREADS,
  FRS_BATCH_SIZE: settings.FRS_BATCH_SIZE,
  FRS_MODEL_MANIFEST: settings.FRS_MODEL_MANIFEST,
};
if (!values.run) console.error(`settings: ${JSON.stringify(grouping)}`);
if (!values.run)
  console.error(
    `${shuffled.length} images of ${chosenIds.length} identities, ${batches.length} batches of ${batches.map((b) => b.length).join('/')}; temp ${tmp}`,
  );

interface RunResult {
  summaries: Array<RunSummary & { images: number }>;
  ms: number;
  models: string;
  /** B only: `frs recluster` on a copy of B's database after the last batch */
  recluster?: { summary: GroupSummary | null; ms: number };
}

/** Run A (one batch of everything) or B (the batches in turn) into its own installation under tmp. */
async function run(name: 'A' | 'B'): Promise<RunResult> {
  const inst = installation(name);
  const plan = name === 'A' ? [shuffled] : batches;
  const summaries: RunResult['summaries'] = [];
  const t = Date.now();
  for (const [k, batch] of plan.entries()) {
    console.error(` ${name} batch ${k + 1}/${plan.length}: ${batch.length} images`);
    summaries.push({ ...(await runBatch(inst, batch)), images: batch.length });
  }
  const ms = Date.now() - t;
  const m = inst.services.analyzer.manifest;
  const sizing = m.detector.dynamicInput
    ? `dynamic input: multiple ${m.detector.dynamicInput.multiple}, maxUpscale ${m.detector.dynamicInput.maxUpscale}`
    : m.detector.resize;
  const models = `detector ${m.detector.file} within ${m.detector.input.width}x${m.detector.input.height} (${sizing}), paddedPasses ${JSON.stringify(m.detector.paddedPasses)}, landmarks ${m.landmarks?.file ?? 'from detector'}, embedder ${m.embedder.id}, flip averaging ${m.embedder.flipAverage ? 'on' : 'off'}`;
  await inst.services.close();
  let recluster: RunResult['recluster'];
  if (name === 'B') {
    // The real recluster mode (what `frs recluster` runs), on a copy so B itself stays as it was.
    const copy = join(inst.dir, 'frs-recluster.db');
    for (const suffix of ['', '-wal', '-shm'])
      if (existsSync(inst.db + suffix)) copyFileSync(inst.db + suffix, copy + suffix);
    const services = new Services(
      loadSettings(
        {
          ...process.env,
          FRS_DATABASE: copy,
          FRS_MEDIA_DIR: inst.images,
          FRS_THUMBNAILS_DIR: join(inst.dir, 'thumbnails'),
        },
        overrides,
      ),
      log,
    );
    const t2 = Date.now();
    const summary = await (await services.pipeline()).recluster();
    recluster = { summary, ms: Date.now() - t2 };
    await services.close();
  }
  return { summaries, ms, models, recluster };
}

if (values.run) {
  if (values.run !== 'A' && values.run !== 'B') throw new Error('--run is A or B');
  writeFileSync(join(tmp, `${values.run}.json`), JSON.stringify(await run(values.run)));
  process.exit(0);
}

function runChild(name: 'A' | 'B'): Promise<RunResult> {
  return new Promise((done, fail) => {
    const args = [
      '--import',
      'tsx',
      fileURLToPath(import.meta.url),
      ...process.argv.slice(2).filter((x) => x !== '--keep'),
      '--run',
      name,
      '--tmp',
      tmp,
    ];
    const p = spawn(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit'] });
    p.on('error', fail);
    p.on('close', (code) =>
      code === 0
        ? done(JSON.parse(readFileSync(join(tmp, `${name}.json`), 'utf8')) as RunResult)
        : fail(new Error(`run ${name} exited with ${code}`)),
    );
  });
}

const uptimeBefore = execFileSync('uptime').toString().trim();
const started = new Date();
const hashBefore = treeHash();
let resultA: RunResult, resultB: RunResult;
if (values.sequential) {
  resultA = await run('A');
  resultB = await run('B');
} else {
  [resultA, resultB] = await Promise.all([runChild('A'), runChild('B')]);
}
const summaryA = resultA.summaries[0];
const summariesB = resultB.summaries;
const msA = resultA.ms,
  msB = resultB.ms;
const models =
  resultA.models === resultB.models ? resultA.models : `A: ${resultA.models}; B: ${resultB.models} (**differ**)`;
const a = { db: join(tmp, 'A', 'frs.db') },
  b = { db: join(tmp, 'B', 'frs.db') };
const loadAfter = loadavg();
const hashAfter = treeHash();

// ------------------------------------------------------------------ comparison
interface FaceRow {
  file: string;
  box: [number, number, number, number];
  person: number | null;
  embedding: Float32Array | null;
}
function readFaces(db: string): FaceRow[] {
  const conn = new Database(db, { readonly: true });
  try {
    const rows = conn
      .prepare(
        `SELECT m.FilePath AS path, f.BoundingBox AS box, f.PersonId AS person, f.Embedding AS embedding FROM Faces f JOIN MediaItems i ON i.Id = f.MediaItemId JOIN MediaFile m ON m.Id = i.MediaFileId ORDER BY f.Id`,
      )
      .all() as Array<{ path: string; box: string; person: number | null; embedding: Buffer | null }>;
    // Original file name: strip the NNNN_ shuffle prefix.
    return rows.map((r) => ({
      file: basename(r.path).replace(/^\d+_/, ''),
      box: JSON.parse(r.box),
      person: r.person,
      embedding: r.embedding ? decodeEmbedding(r.embedding) : null,
    }));
  } finally {
    conn.close();
  }
}

function iou(p: number[], q: number[]): number {
  const w = Math.max(0, Math.min(p[2], q[2]) - Math.max(p[0], q[0]));
  const h = Math.max(0, Math.min(p[3], q[3]) - Math.max(p[1], q[1]));
  const inter = w * h;
  const union = (p[2] - p[0]) * (p[3] - p[1]) + (q[2] - q[0]) * (q[3] - q[1]) - inter;
  return union > 0 ? inter / union : 0;
}

const facesA = readFaces(a.db);
const facesB = readFaces(b.db);
const byFile = (rows: FaceRow[]) => {
  const m = new Map<string, FaceRow[]>();
  for (const r of rows) m.set(r.file, [...(m.get(r.file) ?? []), r]);
  return m;
};
const filesA = byFile(facesA),
  filesB = byFile(facesB);
// Matched faces: [row in A, row in B], greedy by IoU per file.
const matched: Array<{ a: FaceRow; b: FaceRow; file: string }> = [];
let worstIou = 1;
for (const [file, rowsA] of filesA) {
  const left = [...(filesB.get(file) ?? [])];
  for (const ra of rowsA) {
    let best = -1,
      bestIou = 0.5;
    left.forEach((rb, k) => {
      const v = iou(ra.box, rb.box);
      if (v >= bestIou) {
        best = k;
        bestIou = v;
      }
    });
    if (best >= 0) {
      matched.push({ a: ra, b: left[best], file });
      worstIou = Math.min(worstIou, bestIou);
      left.splice(best, 1);
    }
  }
}

// Labels over matched faces; unassigned = -1 (a singleton).
const labA = matched.map((m) => m.a.person ?? -1);
const labB = matched.map((m) => m.b.person ?? -1);
// B after `frs recluster` (its copy): same faces as B (same rows and ids), persons regrouped.
const reclustered = new Map(
  readFaces(join(tmp, 'B', 'frs-recluster.db')).map((r) => [`${r.file}|${r.box.join(',')}`, r.person]),
);
const labBR = matched.map((m) => reclustered.get(`${m.b.file}|${m.b.box.join(',')}`) ?? -1);
const memberKey = (labels: number[]) => {
  const groups = new Map<number, number[]>();
  labels.forEach((l, i) => l !== -1 && groups.set(l, [...(groups.get(l) ?? []), i]));
  return labels.map((l, i) => (l === -1 ? String(i) : groups.get(l)!.join(',')));
};
/** Per face: does its person hold the same faces in x and y; if not, how do the two sets relate. */
function agreement(x: number[], y: number[]) {
  const kx = memberKey(x),
    ky = memberKey(y);
  const sets = (keys: string[]) => keys.map((k) => new Set(k.split(',')));
  const sx = sets(kx),
    sy = sets(ky);
  const subset = (p: Set<string>, q: Set<string>) => [...p].every((v) => q.has(v));
  let agree = 0,
    yLarger = 0,
    ySmaller = 0,
    other = 0;
  kx.forEach((k, i) => {
    if (k === ky[i]) agree++;
    else if (subset(sx[i], sy[i])) yLarger++;
    else if (subset(sy[i], sx[i])) ySmaller++;
    else other++;
  });
  return { agree, yLarger, ySmaller, other, ...randIndices(x, y) };
}
const cmp = agreement(labA, labB);
const agree = cmp.agree;
const disagreeing = matched.map((_, i) => i).filter((i) => memberKey(labA)[i] !== memberKey(labB)[i]);
const unassignedOnlyIn = {
  A: disagreeing.filter((i) => labA[i] === -1).length,
  B: disagreeing.filter((i) => labB[i] === -1).length,
};

function randIndices(x: number[], y: number[]): { rand: number; ari: number } {
  const n = x.length;
  const sx = x.map((l, i) => (l === -1 ? -2 - i : l)),
    sy = y.map((l, i) => (l === -1 ? -2 - i : l));
  const count = (keys: string[]) => {
    const m = new Map<string, number>();
    for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
    return [...m.values()];
  };
  const c2 = (v: number) => (v * (v - 1)) / 2;
  const sumCells = count(sx.map((l, i) => `${l}|${sy[i]}`)).reduce((s, v) => s + c2(v), 0);
  const sumA = count(sx.map(String)).reduce((s, v) => s + c2(v), 0);
  const sumB = count(sy.map(String)).reduce((s, v) => s + c2(v), 0);
  const total = c2(n);
  const rand = (total + 2 * sumCells - sumA - sumB) / total;
  const expected = (sumA * sumB) / total;
  const max = (sumA + sumB) / 2;
  const ari = max === expected ? 1 : (sumCells - expected) / (max - expected);
  return { rand, ari };
}
const { rand, ari } = cmp;
const cmpR = agreement(labA, labBR);

// ------------------------------------------------------------------ what-if: grouping replayed on the stored embeddings
// groupFaces (the pure decision the group stage makes) replayed batch by batch on the embeddings
// the two runs stored. Shipped ('regroup'): every round regroups every face present so far (no
// face is verified here; reconciliation keeps ids but never changes the partition). Previous rule
// ('plain'): known = faces with a person, unassigned = every face without one so far. The shipped
// rule first (checks the replay against the real runs). Detection is not redone: this isolates the grouping rule.
const batchOf = new Map<string, number>();
batches.forEach((batch, k) => batch.forEach((f) => batchOf.set(basename(f.path), k)));
/**
 * `regroup`: the shipped rule, one decision over every face present so far.
 * `settle`: after the last batch, more rounds with no new images (what the next timer runs do:
 * unassigned faces are matched again) until nothing changes (at most 10).
 * `exact`: instead of groupFaces, exact incremental single linkage at 1 - eps (DBSCAN with minPts 2):
 * every face present is linked to all faces within eps, persons a link joins are merged.
 */
type ReplayMode = 'regroup' | 'plain' | 'settle' | 'exact';
function replay(
  embeddings: Float32Array[],
  batchIndex: number[],
  opts: GroupOptions,
  rounds: number,
  mode: ReplayMode = 'plain',
): number[] {
  const person = new Array<number>(embeddings.length).fill(-1);
  let next = 0;
  const round = (k: number): boolean => {
    if (mode === 'exact') return exactRound(embeddings, batchIndex, opts.eps, person, k, () => next++);
    if (mode === 'regroup') {
      const present = embeddings.flatMap((embedding, i) => (batchIndex[i] <= k ? [{ id: i, embedding }] : []));
      const d = groupFaces<number, number>([], present, opts);
      person.fill(-1);
      for (const c of d.newClusters) {
        const p = next++;
        for (const i of c) person[i] = p;
      }
      return true;
    }
    const known = embeddings.flatMap((embedding, i) => (person[i] >= 0 ? [{ personId: person[i], embedding }] : []));
    const unassigned = embeddings.flatMap((embedding, i) =>
      person[i] < 0 && batchIndex[i] <= k ? [{ id: i, embedding }] : [],
    );
    const d = groupFaces<number, number>(known, unassigned, opts);
    for (const x of d.assignments) person[x.faceId] = x.personId;
    for (const c of d.newClusters) {
      const p = next++;
      for (const i of c) person[i] = p;
    }
    return d.assignments.length > 0 || d.newClusters.length > 0;
  };
  for (let k = 0; k < rounds; k++) round(k);
  if (mode === 'settle') for (let extra = 0; extra < 10 && round(rounds - 1); extra++);
  return person;
}

/** One round of exact incremental single linkage; returns whether anything changed. */
function exactRound(
  embeddings: Float32Array[],
  batchIndex: number[],
  eps: number,
  person: number[],
  k: number,
  newId: () => number,
): boolean {
  const present = embeddings.map((_, i) => i).filter((i) => batchIndex[i] <= k);
  const parent = new Map<number, number>(present.map((i) => [i, i]));
  const find = (i: number): number => {
    while (parent.get(i) !== i) i = parent.get(i)!;
    return i;
  };
  const dot = (x: Float32Array, y: Float32Array) => x.reduce((acc, v, d) => acc + v * y[d], 0);
  for (let p = 0; p < present.length; p++)
    for (let q = p + 1; q < present.length; q++)
      if (dot(embeddings[present[p]], embeddings[present[q]]) >= 1 - eps - 1e-9)
        parent.set(find(present[p]), find(present[q]));
  const groups = new Map<number, number[]>();
  for (const i of present) groups.set(find(i), [...(groups.get(find(i)) ?? []), i]);
  let changed = false;
  for (const members of groups.values()) {
    if (members.length < 2) continue;
    const existing = members.map((i) => person[i]).filter((x) => x >= 0);
    const id = existing.length ? Math.min(...existing) : newId();
    for (const i of members)
      if (person[i] !== id) {
        person[i] = id;
        changed = true;
      }
  }
  return changed;
}
const embA = matched.map((m) => m.a.embedding!),
  embB = matched.map((m) => m.b.embedding!);
const sameEmbeddings = embA.every((e, i) => e.length === embB[i].length && e.every((v, k) => v === embB[i][k]));
const batchIdx = matched.map((m) => batchOf.get(m.file) ?? 0);
// Identity truth over matched faces: the face nearest the centre of its image carries the identity.
const truthMatched: string[] = (() => {
  const centreOf = new Map<string, FaceRow>();
  for (const [file, faces] of filesA) {
    let best = Infinity;
    for (const f of faces) {
      const d = Math.hypot((f.box[0] + f.box[2]) / 2 - 125, (f.box[1] + f.box[3]) / 2 - 125);
      if (d < best) {
        best = d;
        centreOf.set(file, f);
      }
    }
  }
  return matched.map((m, i) => (centreOf.get(m.file) === m.a ? labelOf.get(m.file)! : `bystander:${i}`));
})();
const shipped = groupOptions(settings);
const eps = shipped.eps;
const rule = `${shipped.mode ?? 'nearest-face'} >= ${shipped.threshold}, eps ${eps}, minPts ${shipped.minPts}`;
const whatIfRuns: Array<{ name: string; opts: GroupOptions; mode?: ReplayMode | 'recluster' }> = [
  { name: `shipped: every run with new faces regroups all unverified faces (${rule})`, opts: shipped, mode: 'regroup' },
  {
    name: `previous rule: new faces join persons by matching, only the leftovers are clustered (${rule})`,
    opts: shipped,
    mode: 'plain',
  },
  {
    name: `previous rule with nearest-face >= ${(1 - eps).toFixed(3)} (= 1 - eps), eps ${eps}, minPts ${shipped.minPts}`,
    opts: { ...shipped, mode: 'nearest-face', threshold: 1 - eps },
  },
  {
    name: `previous rule with centroid >= ${(1 - eps).toFixed(3)} (= 1 - eps), eps ${eps}, minPts ${shipped.minPts}`,
    opts: { ...shipped, mode: 'centroid', threshold: 1 - eps },
  },
  {
    name: `previous rule, then recognise again with no new images until nothing changes (A and B)`,
    opts: shipped,
    mode: 'settle',
  },
  ...(shipped.minPts === 2
    ? [
        {
          name: `exact incremental single linkage at 1 - eps = ${(1 - eps).toFixed(3)} (join every face within eps, transitively; merge persons a new face links)`,
          opts: shipped,
          mode: 'exact' as const,
        },
      ]
    : []),
];
// `frs recluster` after run B: all unassigned again, grouped in one round, faces in B's id order (batch by batch).
const bOrder = matched.map((_, i) => i).sort((x, y) => batchIdx[x] - batchIdx[y] || x - y);
function reclusterB(opts: GroupOptions): number[] {
  const inOrder = replay(
    bOrder.map((i) => embB[i]),
    bOrder.map(() => 0),
    opts,
    1,
  );
  const out = new Array<number>(matched.length);
  bOrder.forEach((i, k) => (out[i] = inOrder[k]));
  return out;
}
whatIfRuns.push({
  name: "previous rule, B followed by `frs recluster` (one decision over all of B's faces, in B's id order)",
  opts: shipped,
  mode: 'recluster',
});
const whatIfRows = whatIfRuns.map(({ name, opts, mode }) => {
  const simA = replay(
    embA,
    embA.map(() => 0),
    opts,
    1,
    mode === 'recluster' ? 'regroup' : mode,
  );
  const simB = mode === 'recluster' ? reclusterB(opts) : replay(embB, batchIdx, opts, batches.length, mode);
  const c = agreement(simA, simB);
  const sa = evaluateClustering(truthMatched, simA),
    sb = evaluateClustering(truthMatched, simB);
  return { name, c, sa, sb, checkA: agreement(simA, labA).agree, checkB: agreement(simB, labB).agree };
});

// Against LFW identities: the face nearest the image centre (LFW images are 250x250) carries the label.
function identityScores(rows: FaceRow[]) {
  const files = byFile(rows);
  const truth: string[] = [],
    predicted: number[] = [];
  for (const [file, faces] of files) {
    let centre = -1,
      best = Infinity;
    faces.forEach((f, k) => {
      const d = Math.hypot((f.box[0] + f.box[2]) / 2 - 125, (f.box[1] + f.box[3]) / 2 - 125);
      if (d < best) {
        best = d;
        centre = k;
      }
    });
    faces.forEach((f, k) => {
      truth.push(k === centre ? labelOf.get(file)! : `bystander:${file}:${k}`);
      predicted.push(f.person ?? -1);
    });
  }
  return evaluateClustering(truth, predicted);
}
const scoreA = identityScores(facesA),
  scoreB = identityScores(facesB);
const persons = (rows: FaceRow[]) => new Set(rows.filter((r) => r.person !== null).map((r) => r.person)).size;
const largest = (rows: FaceRow[]) => {
  const n = new Map<number, number>();
  for (const r of rows) if (r.person !== null) n.set(r.person, (n.get(r.person) ?? 0) + 1);
  return Math.max(0, ...n.values());
};
const unassigned = (rows: FaceRow[]) => rows.filter((r) => r.person === null).length;

// ------------------------------------------------------------------ report
const pct = (v: number) => (v * 100).toFixed(2) + '%';
const f3 = (v: number) => v.toFixed(4);
const cpu = readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.*)$/m)?.[1] ?? cpus()[0]?.model;
const command = `npx tsx bench/incremental.ts ${process.argv.slice(2).join(' ')}`.trim();
const groupCells = (g: GroupSummary | null) =>
  g
    ? `${g.faces} (${g.newFaces})${g.incremental ? ', incremental' : ''} | ${g.personsKept} / ${g.personsCreated} / ${g.personsDeleted} | ${g.facesMoved} | ${g.noise} | ${g.ms}`
    : 'busy | | | |';
const runRow = (name: string, s: RunSummary & { images: number }) =>
  `| ${name} | ${s.images} | ${s.detected.faces} | ${s.detected.failed} | ${groupCells(s.recognised.grouped)} | ${(s.ms / 1000).toFixed(1)} |`;
const report = [
  '# Incremental equals batch',
  '',
  `\`${command}\` — ${started.toISOString()}`,
  '',
  `Machine: nproc ${execFileSync('nproc').toString().trim()}; CPU ${cpu}; node ${process.version}. Load: before \`${uptimeBefore}\`; after: ${loadAfter.map((v) => v.toFixed(2)).join(', ')}.`,
  '',
  `Images: the first ${chosenIds.length} LFW identities (sorted by name) with 3+ images, ${maxPer > 0 ? `at most ${maxPer} images each` : 'all their images'}: ` +
    `${shuffled.length} images (${chosenIds[0]} .. ${chosenIds.at(-1)}), shuffled with seed ${seed}, ${batches.length} batches of ${batches.map((x) => x.length).join(' / ')}.`,
  '',
  `Settings (FRS defaults unless set in the environment): ${Object.entries(grouping)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ')}.`,
  '',
  `Models: ${models}. Fingerprint of src/ + models/manifest.json: ${hashBefore} at start, ${hashAfter} at end${hashBefore === hashAfter ? ' (unchanged during the run)' : ' — **CHANGED during the run: A and B may have run different code; rerun**'}.`,
  '',
  '- **Run A** (batch): one folder with every image, `registerFolder` + `PipelineService.runAll()` (what `frs all --images DIR` does), fresh SQLite DB.',
  `- **Run B** (incremental): fresh SQLite DB; for each batch: copy it into the folder, \`registerFolder\` + \`runAll()\` (what \`frs all\`/the timer does as files arrive). Nothing is shared with A: B detects again.`,
  '',
  '## Result',
  '',
  '"Same persons up to ids", per face: a face agrees when the set of faces (file + box) in its person in A equals that set in B; an unassigned face is a person of its own.',
  '',
  '| measure | value |',
  '|---|---|',
  `| faces A / B / matched (file + box, IoU >= 0.5; worst IoU ${worstIou.toFixed(3)}) | ${facesA.length} / ${facesB.length} / ${matched.length} |`,
  `| **faces whose person is identical in A and B** | **${agree} / ${matched.length} = ${pct(agree / matched.length)}** |`,
  `| faces whose person is identical in A and in B followed by \`frs recluster\` (real recluster mode on a copy of B's database, ${((resultB.recluster?.ms ?? 0) / 1000).toFixed(1)} s) | ${cmpR.agree} / ${matched.length} = ${pct(cmpR.agree / matched.length)} (Rand ${f3(cmpR.rand)}, ARI ${f3(cmpR.ari)}) |`,
  `| disagreeing faces that are unassigned in A / in B | ${unassignedOnlyIn.A} / ${unassignedOnlyIn.B} |`,
  `| disagreeing faces whose B person strictly contains / is strictly inside their A person / neither | ${cmp.yLarger} / ${cmp.ySmaller} / ${cmp.other} |`,
  `| pairwise agreement (Rand index) over all face pairs | ${f3(rand)} |`,
  `| adjusted Rand index | ${f3(ari)} |`,
  `| persons A / B (faces in the largest) | ${persons(facesA)} (${largest(facesA)}) / ${persons(facesB)} (${largest(facesB)}) |`,
  `| unassigned faces A / B | ${unassigned(facesA)} / ${unassigned(facesB)} |`,
  `| A vs identities: BCubed P / R / F1 | ${f3(scoreA.bcubed.precision)} / ${f3(scoreA.bcubed.recall)} / ${f3(scoreA.bcubed.f1)} |`,
  `| B vs identities: BCubed P / R / F1 | ${f3(scoreB.bcubed.precision)} / ${f3(scoreB.bcubed.recall)} / ${f3(scoreB.bcubed.f1)} |`,
  `| A vs identities: pairwise P / R / F1 | ${f3(scoreA.pairwise.precision)} / ${f3(scoreA.pairwise.recall)} / ${f3(scoreA.pairwise.f1)} |`,
  `| B vs identities: pairwise P / R / F1 | ${f3(scoreB.pairwise.precision)} / ${f3(scoreB.pairwise.recall)} / ${f3(scoreB.pairwise.f1)} |`,
  `| wall time A / B (${values.sequential ? 'one after the other' : 'concurrently, one process each'}) | ${(msA / 1000).toFixed(1)} s / ${(msB / 1000).toFixed(1)} s |`,
  '',
  '(Identity scores: the face nearest each image centre carries the LFW identity, other faces are bystanders, each a class of its own; unassigned faces are singletons.)',
  '',
  '## Runs',
  '',
  '| run | images | faces found | failed | faces regrouped (new) | persons kept / created / deleted | faces that changed person | left unassigned | grouping ms | s |',
  '|---|---|---|---|---|---|---|---|---|---|',
  runRow('A', summaryA),
  ...summariesB.map((s, k) => runRow(`B batch ${k + 1}`, s)),
  `| B, \`frs recluster\` after the last batch (on a copy) | 0 | 0 | 0 | ${groupCells(resultB.recluster?.summary ?? null)} | ${((resultB.recluster?.ms ?? 0) / 1000).toFixed(1)} |`,
  '',
  '"faces regrouped": the faces the run decided over. A run marked incremental decides only over the closure its new faces reach (README, "Incremental grouping and the grouping index"); the others over every unverified face. "persons kept" are clusters that continued an existing person under its id.',
  '',
  '## What if: the grouping rule replayed on the stored embeddings',
  '',
  '`groupFaces()` (the decision the group stage makes) replayed on the embeddings the two runs stored, with A as one round and B as one round per batch.',
  'Shipped rule: each round regroups every face present so far. Previous rule: known = faces with a person, unassigned = every face without one so far. No detection is redone, so this isolates the',
  `grouping rule; it is not the pipeline. Embeddings stored by A and B are ${sameEmbeddings ? 'bit-identical' : '**not** identical'}.`,
  'The first row replays the shipped settings: its "replay = real run" column checks the replay against the measured runs above (faces whose person is the same in the replay and the real run, A / B).',
  '',
  '| rule (FRS_MATCH_MODE, FRS_MATCH_THRESHOLD, DBSCAN) | faces with identical person A vs B | Rand / ARI | persons A / B | unassigned A / B | BCubed F1 (P) A | BCubed F1 (P) B | replay = real run (A / B) |',
  '|---|---|---|---|---|---|---|---|',
  ...whatIfRows.map((r) => {
    const n = matched.length;
    return `| ${r.name} | ${r.c.agree} / ${n} = **${pct(r.c.agree / n)}** | ${f3(r.c.rand)} / ${f3(r.c.ari)} | ${r.sa.clusters} / ${r.sb.clusters} | ${r.sa.noise} / ${r.sb.noise} | ${f3(r.sa.bcubed.f1)} (${f3(r.sa.bcubed.precision)}) | ${f3(r.sb.bcubed.f1)} (${f3(r.sb.bcubed.precision)}) | ${r.checkA} / ${r.checkB} of ${n} |`;
  }),
  '',
].join('\n');
console.log(report);
if (values.out) writeFileSync(values.out, report);
if (values.keep) console.error(`kept ${tmp}`);
else rmSync(tmp, { recursive: true, force: true });
