/**
 * The gap between FRS's pipeline around dlib's ResNet (the shipped embedder) and dlib's own
 * pipeline with the same weights, on LFW verification (10 folds, threshold chosen on the other 9,
 * a missed face is an error). Per configuration it measures:
 *
 * - alignment: `five` (the manifest's 5-point template) or `inner51` (a least-squares fit of the
 *   68-point landmarks 17..67 to a mean-face template, as dlib's get_face_chip_details does;
 *   `--template51`, from tools/calibrate/alignment-template.ts); `-tta` after either: landmarks
 *   averaged with those found on the mirror image; `--combine a+b,...`: the descriptors of
 *   alignments a and b (both measured in the run or cached) averaged; `@m` after either (`five@0.1`):
 *   the landmark model's crop grown by m of the box on each side (the manifest's cropMargin is 0);
 * - input scale: pixels minus the mean divided by 255 (face-api, the manifest) or 256 (dlib);
 * - jitter averaging (dlib's num_jitters, here a fixed set of chip transforms: shifts of 3 px,
 *   scales of 3%, rotations of 3 degrees, each also mirrored), scored for subsets of the set;
 * - the comparison: cosine of averaged unit vectors (FRS), Euclidean distance of averaged raw
 *   descriptors (dlib, whose metric was trained with a 0.6 distance threshold), cosine of
 *   averaged raw descriptors.
 *
 *   npx tsx bench/lfw-dlib-pipeline.ts --pairs pairsDevTest.txt --threads 1 \
 *     --alignments five,inner51 --scales 255,256 --jitter flip|grid --template51 FILE [--combine five+inner51] [--out FILE]
 *     [--errors: list the pairs each configuration gets wrong with the mirror and cosine]
 *
 * Raw descriptors are cached in bench/.cache per configuration and image set, so scoring again
 * is free. Detections come from the same cache as bench/lfw-verification.ts.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { loadSettings } from '../src/config/settings.js';
import { composeSimilarity, estimateSimilarity, type Similarity } from '../src/vision/align/similarity.js';
import { warpSimilarity } from '../src/vision/align/warp.js';
import { FaceAnalyzer } from '../src/vision/face-analyzer.js';
import type { DecodedImage } from '../src/vision/decode.js';
import { fivePointsFrom68 } from '../src/vision/landmarks/five-points.js';
import { unmirror68 } from '../src/vision/landmarks/mirror.js';
import { LandmarkLocator } from '../src/vision/landmarks/landmark-locator.js';
import { modelPath } from '../src/vision/models/manifest.js';
import { getSession } from '../src/vision/models/onnx-session.js';
import { mirrorRgb } from '../src/vision/mirror-image.js';
import { toInputTensor } from '../src/vision/tensor.js';
import type { Point } from '../src/vision/types.js';
import { centreFaces } from './lib/embed-images.js';
import { lfwAvailable, lfwRoot, readPairs } from './lib/lfw.js';
import { tenFold, type ScoredPair } from './lib/verification.js';

const { values } = parseArgs({
  options: {
    pairs: { type: 'string', default: 'pairsDevTest.txt' },
    threads: { type: 'string', default: '1' },
    alignments: { type: 'string', default: 'five' },
    scales: { type: 'string', default: '255' },
    jitter: { type: 'string', default: 'flip' },
    template51: { type: 'string' },
    combine: { type: 'string', default: '' },
    errors: { type: 'boolean', default: false },
    out: { type: 'string' },
  },
});
if (!lfwAvailable) {
  console.error('LFW is not available (../shared/datasets/lfw or FRS_LFW_DIR); this benchmark needs it.');
  process.exit(2);
}
if (values.jitter !== 'flip' && values.jitter !== 'grid') {
  console.error('--jitter is flip (the chip and its mirror) or grid (18 chips)');
  process.exit(2);
}

const settings = loadSettings(process.env, { FRS_INTRA_OP_THREADS: Number(values.threads) });
const analyzer = FaceAnalyzer.fromManifestFile(settings.FRS_MODEL_MANIFEST, settings);
const { manifest } = analyzer;
const spec = manifest.embedder;
const size = spec.input.width;
if (!manifest.landmarks) throw new Error('this benchmark needs a 68-point landmarks model in the manifest');
const locator = new LandmarkLocator(manifest.landmarks, modelPath(manifest, manifest.landmarks.file), 1);
/** Locators with another crop margin, for alignments named `...@margin`. */
const marginLocators = new Map<string, LandmarkLocator>();
const marginOf = (alignment: string) => alignment.split('@')[1];
function locatorFor(margin: string): LandmarkLocator {
  let l = marginLocators.get(margin);
  if (!l) {
    const spec = { ...manifest.landmarks!, cropMargin: Number(margin) };
    marginLocators.set(margin, (l = new LandmarkLocator(spec, modelPath(manifest, spec.file), 1)));
  }
  return l;
}
const alignments = values.alignments!.split(',');
const scales = values.scales!.split(',').map(Number);
const template51: Point[] | null = values.template51
  ? (JSON.parse(readFileSync(values.template51, 'utf8')) as { template51: Point[] }).template51
  : null;
if (alignments.some((a) => a.startsWith('inner51')) && template51?.length !== 51) {
  console.error('inner51 needs --template51 FILE: the JSON that tools/calibrate/alignment-template.ts prints');
  process.exit(2);
}

/** Chip-space transforms about the chip centre: index 0 is the plain chip; groups name the rest. */
function about(scale: number, degrees: number, dx: number, dy: number): Similarity {
  const c = size / 2;
  const a = scale * Math.cos((degrees * Math.PI) / 180),
    b = scale * Math.sin((degrees * Math.PI) / 180);
  return { a, b, tx: c - (a * c - b * c) + dx, ty: c - (b * c + a * c) + dy };
}
const JITTERS: Similarity[] = [
  about(1, 0, 0, 0),
  about(1, 0, 3, 0),
  about(1, 0, -3, 0),
  about(1, 0, 0, 3),
  about(1, 0, 0, -3),
  about(0.97, 0, 0, 0),
  about(1.03, 0, 0, 0),
  about(1, 3, 0, 0),
  about(1, -3, 0, 0),
];
const GROUPS: Record<string, number[]> = { shift: [1, 2, 3, 4], scale: [5, 6], rotate: [7, 8] };
const bases = values.jitter === 'grid' ? JITTERS.length : 1;

const pairs = readPairs(values.pairs);
const images = [...new Set(pairs.flatMap((p) => [p.a, p.b]))];
const detectorKey = `lfw:${settings.FRS_MIN_DETECTION_SCORE}:${settings.FRS_MIN_FACE_SIZE}`;

interface Config {
  alignment: string;
  scale: number;
}
const configs: Config[] = alignments.flatMap((alignment) => scales.map((scale) => ({ alignment, scale })));
const configName = (c: Config) => `${c.alignment} /${c.scale}`;

/** Per configuration and image: the raw descriptors of chips [base 0..n-1, then their mirrors], or null. */
type Raw = Map<string, Float32Array[] | null>;
const cacheDir = join(import.meta.dirname, '.cache');
mkdirSync(cacheDir, { recursive: true });
function cacheFile(c: Config): string {
  const { sha256, template } = spec;
  const key = createHash('sha256')
    .update(
      JSON.stringify({ sha256, template, c, t: c.alignment.startsWith('inner51') ? template51 : null, images, bases }),
    )
    .digest('hex')
    .slice(0, 16);
  return join(cacheDir, `dlib-pipeline-${key}.json`);
}

const raw = new Map<string, Raw>();
const todo = configs.filter((c) => {
  const file = cacheFile(c);
  if (!existsSync(file)) return true;
  const stored = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string[] | null>;
  raw.set(
    configName(c),
    new Map(
      Object.entries(stored).map(([path, vs]) => [
        path,
        vs && vs.map((b64) => new Float32Array(new Uint8Array(Buffer.from(b64, 'base64')).buffer)),
      ]),
    ),
  );
  return false;
});

const session = await getSession(modelPath(manifest, spec.file), {
  intraOpThreads: Number(values.threads),
  sha256: spec.sha256,
});
const timing = { landmarks: 0, warp: 0, embed: 0, chips: 0, mirrorShift: 0, faces: 0 };
if (todo.length > 0) {
  for (const c of todo) raw.set(configName(c), new Map());
  let checked = false;
  for await (const { path, image, face } of centreFaces(analyzer, images, detectorKey)) {
    if (!face) {
      for (const c of todo) raw.get(configName(c))!.set(path, null);
      continue;
    }
    let t = performance.now();
    const points68 = (await locator.locate(image, [face.box]))[0];
    const [x1, y1, x2, y2] = face.box;
    const W = image.width;
    const mirrored = todo.some((c) => c.alignment.endsWith('-tta'))
      ? unmirror68((await locator.locate(mirrorImage(image), [[W - x2, y1, W - x1, y2]]))[0], W)
      : null;
    const averaged =
      mirrored && points68.map((p, k): Point => [(p[0] + mirrored[k][0]) / 2, (p[1] + mirrored[k][1]) / 2]);
    timing.landmarks += performance.now() - t;
    if (mirrored) {
      // How far the mirror image moves the points: a wrong mapping shows as tens of pixels.
      timing.mirrorShift +=
        points68.reduce((sum, p, k) => sum + Math.hypot(p[0] - mirrored[k][0], p[1] - mirrored[k][1]), 0) / 68;
      timing.faces++;
    }
    if (!checked) {
      // The cached five points must be the ones these 68 give: same model, same box.
      const five = fivePointsFrom68(points68);
      const off = Math.max(...five.flatMap((p, i) => p.map((v, k) => Math.abs(v - face.landmarks[i][k]))));
      if (off > 1e-3) throw new Error(`landmarks differ from the cached detection by ${off} px`);
      checked = true;
    }
    for (const c of todo) {
      t = performance.now();
      const margin = marginOf(c.alignment);
      const points = margin
        ? (await locatorFor(margin).locate(image, [face.box]))[0]
        : c.alignment.endsWith('-tta')
          ? averaged!
          : points68;
      const toChip = c.alignment.startsWith('inner51')
        ? estimateSimilarity(points.slice(17), template51!)
        : estimateSimilarity(fivePointsFrom68(points), spec.template as Point[]);
      const chips = JITTERS.slice(0, bases).map((j) => warpSimilarity(image, composeSimilarity(j, toChip), size, size));
      chips.push(...chips.map((chip) => mirrorRgb(chip, size, size)));
      timing.warp += performance.now() - t;
      t = performance.now();
      const input = { ...spec.input, std: [c.scale, c.scale, c.scale] as [number, number, number] };
      const out = (await session.run({ [spec.input.name]: toInputTensor(chips, input) }))[spec.output];
      const data = out.data as Float32Array;
      timing.embed += performance.now() - t;
      timing.chips += chips.length;
      raw.get(configName(c))!.set(
        path,
        chips.map((_, i) => data.slice(i * spec.dimensions, (i + 1) * spec.dimensions)),
      );
    }
  }
  for (const c of todo) {
    const entries = [...raw.get(configName(c))!].map(([path, vs]) => [
      path,
      vs && vs.map((v) => Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64')),
    ]);
    writeFileSync(cacheFile(c), JSON.stringify(Object.fromEntries(entries)));
  }
}

function mirrorImage(image: DecodedImage): DecodedImage {
  return { ...image, data: mirrorRgb(image.data, image.width, image.height) };
}

const unit = (v: Float32Array) => {
  const n = Math.hypot(...v) || 1;
  return v.map((x) => x / n);
};
const meanOf = (vs: Float32Array[]) => {
  const out = new Float32Array(vs[0].length);
  for (const v of vs) for (let i = 0; i < v.length; i++) out[i] += v[i] / vs.length;
  return out;
};
const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + v * b[i], 0);
const distance = (a: Float32Array, b: Float32Array) => Math.sqrt(a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0));

/** Jitter subsets to score: chip indices (mirrors are base + bases). */
const subsets: Array<[string, number[]]> = [
  ['plain chip', [0]],
  ['+ mirror (shipped)', [0, bases]],
];
if (bases > 1) {
  const withMirrors = (ks: number[]) => ks.flatMap((k) => [k, k + bases]);
  for (const [name, ks] of Object.entries(GROUPS)) subsets.push([`+ mirror + ${name}`, withMirrors([0, ...ks])]);
  subsets.push([`all ${2 * bases}`, withMirrors(JITTERS.map((_, k) => k))]);
}

type Metric = [string, (vs: Float32Array[]) => Float32Array, (a: Float32Array, b: Float32Array) => number, boolean?];
/** The last flag: subtract the mean of the image set's vectors first (no labels used), then cosine. */
const metrics: Metric[] = [
  ['cosine, unit vectors averaged', (vs) => unit(meanOf(vs.map(unit))), dot],
  ['Euclidean, raw averaged', meanOf, (a, b) => -distance(a, b)],
  ['cosine, raw averaged', (vs) => unit(meanOf(vs)), dot],
  ['cosine, unit vectors averaged, centred on the set mean', (vs) => unit(meanOf(vs.map(unit))), dot, true],
];

// Combinations: every chip of one alignment beside the same chip of the others, so subsets pick both.
const scored: Array<{ name: string; byImage: Raw; width: number }> = configs.map((c) => ({
  name: configName(c),
  byImage: raw.get(configName(c))!,
  width: 1,
}));
for (const combo of values.combine!.split(',').filter(Boolean))
  for (const scale of scales) {
    const parts = combo.split('+').map((alignment) => raw.get(configName({ alignment, scale })));
    if (parts.some((p) => !p)) throw new Error(`--combine ${combo}: measure each part in the same run`);
    const byImage: Raw = new Map();
    for (const path of images) {
      const vs = parts.map((p) => p!.get(path));
      byImage.set(path, vs.some((v) => !v) ? null : vs[0]!.flatMap((_, k) => vs.map((v) => v![k])));
    }
    scored.push({ name: `${combo} /${scale}`, byImage, width: parts.length });
  }

const pct = (v: number) => (v * 100).toFixed(2) + '%';
const errorLines: string[] = [];
const lines = [
  `## ${values.pairs}: ${pairs.length} pairs, ${images.length} images, jitter set ${values.jitter}`,
  '',
  '| alignment / scale | chips averaged | comparison | accuracy | threshold (mean of folds) |',
  '| --- | --- | --- | --- | --- |',
];
for (const { name, byImage, width } of scored) {
  for (const [subset, ks] of subsets)
    for (const [metric, summarise, compare, centre] of metrics) {
      const summary = new Map<string, Float32Array | null>();
      const picked = ks.flatMap((k) => Array.from({ length: width }, (_, w) => k * width + w));
      for (const [path, vs] of byImage) summary.set(path, vs && summarise(picked.map((k) => vs[k])));
      if (centre) {
        const m = meanOf([...summary.values()].filter((v) => v !== null));
        for (const [path, v] of summary) summary.set(path, v && unit(v.map((x, i) => x - m[i])));
      }
      const scored: ScoredPair[] = pairs.map((p) => {
        const a = summary.get(p.a),
          b = summary.get(p.b);
        return { similarity: a && b ? compare(a, b) : null, same: p.same, fold: p.fold };
      });
      const r = tenFold(scored);
      if (values.errors && ks.length === 2 && metric === metrics[0][0]) {
        const wrong = scored
          .map((p, i) => ({
            ...p,
            pair: pairs[i],
            t: r.thresholds[[...new Set(pairs.map((q) => q.fold))].indexOf(p.fold)],
          }))
          .filter((p) => p.similarity === null || p.similarity >= p.t !== p.same);
        errorLines.push(
          '',
          `Wrong with ${name}, ${subset}, ${metric} (${wrong.length}):`,
          ...wrong.map(
            (p) =>
              `- ${p.same ? 'same' : 'different'} ${p.similarity?.toFixed(3)} (threshold ${p.t.toFixed(3)}): ${relative(lfwRoot, p.pair.a)} ${relative(lfwRoot, p.pair.b)}`,
          ),
        );
      }
      const threshold = Math.abs(r.thresholds.reduce((s, t) => s + t, 0) / r.thresholds.length);
      lines.push(`| ${name} | ${subset} | ${metric} | ${pct(r.mean)} ± ${pct(r.std)} | ${threshold.toFixed(3)} |`);
    }
}
const missed = [...raw.values().next().value!.values()].filter((v) => v === null).length;
lines.push('', `Images without a face: ${missed} / ${images.length}.`);
if (timing.chips > 0)
  lines.push(
    `Computed ${timing.chips} chips on ${values.threads} thread(s): landmarks ${(timing.landmarks / images.length).toFixed(1)} ms/image, warp ${(timing.warp / timing.chips).toFixed(2)} ms/chip, embed ${(timing.embed / timing.chips).toFixed(2)} ms/chip.`,
  );
if (timing.faces > 0)
  lines.push(
    `Landmarks on the mirror image lie ${(timing.mirrorShift / timing.faces).toFixed(2)} px from the plain ones (mean over points and faces).`,
  );
const report = [...lines, ...errorLines].join('\n') + '\n';
console.log(report);
if (values.out) writeFileSync(values.out, report);
