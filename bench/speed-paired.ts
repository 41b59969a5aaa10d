/**
 * A/B of two versions of FRS's vision code in one process, for a machine whose load moves
 * (wall-time benchmarks in separate runs are then useless): the current tree and a copy of another
 * commit's src/ and models/ each get their own FaceAnalyzer; every image is analysed by both, in
 * alternating order, and CPU time (process.cpuUsage) per stage is compared pair by pair. The
 * results of both sides are compared too: face count, box, score, landmarks, embedding (with the
 * manifest's flip setting) and sharpness, max abs difference over all faces.
 *
 *   mkdir -p .scratch/base && git archive <commit> src models | tar -x -C .scratch/base
 *   FRS_DATASETS_DIR=<datasets> node --import tsx bench/speed-paired.ts --base .scratch/base [--set bbt|demo] [--rounds 6]
 *
 * The copy lives inside the repository (.scratch/ is git-ignored) so its imports find node_modules.
 * sharp (and ORT) are one module shared by both sides, so process-wide settings of either apply to both.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(import.meta.dirname, '..');
const datasets = resolve(process.env.FRS_DATASETS_DIR ?? join(root, '../shared/datasets'));
const { values } = parseArgs({
  options: {
    base: { type: 'string' },
    set: { type: 'string', default: 'bbt' },
    rounds: { type: 'string', default: '6' },
  },
});
if (!values.base) {
  console.error(
    'usage: bench/speed-paired.ts --base <dir with src/ and models/ of the other version> [--set bbt|demo] [--rounds N]',
  );
  process.exit(2);
}
const paths =
  values.set === 'demo'
    ? [1, 2, 3, 4, 5, 6].map((i) => join(root, `node_modules/@vladmandic/face-api/demo/sample${i}.jpg`))
    : [1, 2, 3, 4, 5].map((i) => join(datasets, 'bbt', `bbt${i}.jpg`));

interface Face {
  box: number[];
  score: number;
  landmarks: number[][];
}
interface Side {
  decode(file: Buffer): Promise<unknown>;
  detect(image: unknown): Promise<Face[]>;
  embed(image: unknown, faces: Face[]): Promise<Array<{ embedding: Float32Array; sharpness: number }>>;
}

async function side(dir: string): Promise<Side> {
  const load = (path: string) => import(pathToFileURL(join(dir, path)).href);
  const { loadSettings } = await load('src/config/settings.ts');
  const { FaceAnalyzer } = await load('src/vision/face-analyzer.ts');
  const { loadManifest } = await load('src/vision/models/manifest.ts');
  const { decodeImage } = await load('src/vision/decode.ts');
  const analyzer = new FaceAnalyzer(
    loadManifest(join(dir, 'models/manifest.json')),
    loadSettings(process.env, { FRS_INTRA_OP_THREADS: 1 }),
  );
  return {
    decode: (file) => decodeImage(file, { maxPixels: 100_000_000 }),
    detect: (image) => analyzer.detect(image),
    embed: (image, faces) => analyzer.embed(image, faces),
  };
}

const sides = { base: await side(resolve(values.base)), current: await side(root) };
type Name = keyof typeof sides;
const stages = ['decode', 'detect', 'embed', 'total'] as const;
const cpuMs = (since: NodeJS.CpuUsage) => {
  const c = process.cpuUsage(since);
  return (c.user + c.system) / 1000;
};
const times: Record<Name, Record<(typeof stages)[number], number[]>> = {
  base: { decode: [], detect: [], embed: [], total: [] },
  current: { decode: [], detect: [], embed: [], total: [] },
};

async function analyse(name: Name, file: Buffer, record: boolean) {
  const s = sides[name];
  let t = process.cpuUsage();
  const image = await s.decode(file);
  const decode = cpuMs(t);
  t = process.cpuUsage();
  const faces = await s.detect(image);
  const detect = cpuMs(t);
  t = process.cpuUsage();
  const embedded = faces.length ? await s.embed(image, faces) : [];
  const embed = cpuMs(t);
  if (record) {
    const r = times[name];
    r.decode.push(decode);
    r.detect.push(detect);
    r.embed.push(embed);
    r.total.push(decode + detect + embed);
  }
  return faces.map((f, i) => ({ ...f, ...embedded[i] }));
}

const files = paths.map((p) => readFileSync(p));
const diff: Record<string, number> = { box: 0, score: 0, landmarks: 0, embedding: 0, sharpness: 0 };
let countMismatch = 0;
const up = (k: string, a: number, b: number) => (diff[k] = Math.max(diff[k], Math.abs(a - b)));
for (const file of files) {
  const a = await analyse('base', file, false);
  const b = await analyse('current', file, false);
  if (a.length !== b.length) {
    countMismatch++;
    continue;
  }
  a.forEach((fa, i) => {
    const fb = b[i];
    fa.box.forEach((v, k) => up('box', v, fb.box[k]));
    up('score', fa.score, fb.score);
    fa.landmarks.forEach((p, k) => p.forEach((v, j) => up('landmarks', v, fb.landmarks[k][j])));
    fa.embedding.forEach((v, k) => up('embedding', v, fb.embedding[k]));
    up('sharpness', fa.sharpness, fb.sharpness);
  });
}
const rounds = Number(values.rounds);
for (let r = 0; r < rounds; r++)
  for (const [i, file] of files.entries()) {
    const order: Name[] = (r + i) % 2 ? ['base', 'current'] : ['current', 'base'];
    for (const name of order) await analyse(name, file, true);
  }

const mean = (x: number[]) => x.reduce((a, b) => a + b, 0) / x.length;
const median = (x: number[]) => [...x].sort((a, b) => a - b)[Math.floor(x.length / 2)];
console.log(
  `${values.set}: ${files.length} images x ${rounds} rounds; results: ${countMismatch} images with another face count; max abs diff ${JSON.stringify(diff)}`,
);
for (const k of stages) {
  const b = times.base[k],
    c = times.current[k];
  console.log(
    `  ${k.padEnd(6)} CPU ms/image: base ${mean(b).toFixed(1)}, current ${mean(c).toFixed(1)}; median paired current/base ${median(c.map((v, i) => v / b[i])).toFixed(3)}`,
  );
}
console.log(`  peak RSS with both sides loaded: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
