/**
 * Detection recall/precision and cost of detector pass geometries, for the bundled SSD
 * (models/face-detector-ssd-mobilenetv1.onnx, dynamic input; geometry in src/vision/detect/placement.ts).
 *  - LFW (../shared/datasets/lfw): every --every-th image (default 26th: 509 of 13,233; each shows at
 *    least one face): how many get no face over the image centre (the LFW subject), faces found.
 *  - Scene photos (bbt1-5 group scenes, face-api demo samples): true/false positives against
 *    the 45 faces visible in them, boxes checked by eye (people seen only from behind not counted).
 * Every image runs once per pass geometry with a low score floor; each setting (score threshold x
 * set of passes) is then evaluated from those candidates with FaceDetector.select, so the grid costs
 * no extra inference. ms/img is the sum of the setting's passes (render + model, decode excluded),
 * on --threads threads.
 * Whole-image passes: "512 up" fits the image in 512x512 and upscales small images to it, as face-api
 * does (on a square image that is face-api's 512x512 input); "512 native" fits it but never upscales.
 * Padded passes: "/k m" = content shrunk k times (512/k px on the longer side) with m of it as black border per side.
 *
 *   npx tsx bench/detection.ts [--every 26] [--threads 1] [--shipped-only] [--second-look]
 *
 * --shipped-only runs just the shipped passes (e.g. with --every 1 over all of LFW).
 * --second-look also applies what FaceAnalyzer.detect adds to the shipped setting: the 68 landmarks of
 * each face and the check of doubtful detections (FRS_LANDMARK_CHECK_SCORE, MIN_EYE_SPAN), and
 * reports the LFW misses and scene counts after it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { decodeImage } from '../src/vision/decode.js';
import { loadSettings } from '../src/config/settings.js';
import { FaceDetector, type Detection } from '../src/vision/detect/face-detector.js';
import { FaceAnalyzer } from '../src/vision/face-analyzer.js';
import { iou } from '../src/vision/detect/nms.js';
import { WHOLE_IMAGE_PASS, type PassPlan } from '../src/vision/detect/placement.js';
import { loadManifest, type DetectorSpec } from '../src/vision/models/manifest.js';
import type { Box } from '../src/vision/types.js';
import { lfwAvailable, lfwRoot } from './lib/lfw.js';

const require = createRequire(import.meta.url);
const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const every = arg('every', 26);
const shippedOnly = process.argv.includes('--shipped-only');
const threads = arg('threads', 1);
const secondLook = process.argv.includes('--second-look');

const demoDir = join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo');
const bbtDir = join(process.env.FRS_DATASETS_DIR ?? join(import.meta.dirname, '../../shared/datasets'), 'bbt');
/** Every visible face, x1,y1,x2,y2 in image pixels (read off detections, each checked by eye). */
const SCENES: Array<{ path: string; faces: Box[] }> = [
  {
    path: join(bbtDir, 'bbt1.jpg'),
    faces: [
      [1000, 67, 1098, 217],
      [212, 116, 304, 257],
      [729, 111, 823, 260],
      [470, 133, 563, 266],
    ],
  },
  {
    path: join(bbtDir, 'bbt2.jpg'),
    faces: [
      [2, 84, 49, 160],
      [94, 125, 172, 213],
      [381, 118, 454, 220],
    ],
  },
  {
    path: join(bbtDir, 'bbt3.jpg'),
    faces: [
      [36, 24, 91, 100],
      [369, 100, 418, 177],
      [260, 95, 300, 160],
      [156, 76, 203, 158],
      [490, 95, 546, 169],
    ],
  },
  {
    path: join(bbtDir, 'bbt4.jpg'),
    faces: [
      [49, 258, 150, 382],
      [261, 227, 335, 340],
      [465, 166, 556, 298],
      [233, 37, 317, 156],
      [581, 69, 659, 175],
      [83, 19, 165, 137],
    ],
  },
  {
    path: join(bbtDir, 'bbt5.jpg'),
    faces: [
      [439, 138, 520, 267],
      [221, 26, 292, 134],
      [100, 152, 196, 267],
      [574, 37, 655, 150],
      [713, 88, 807, 216],
    ],
  },
  {
    path: join(demoDir, 'sample1.jpg'),
    faces: [
      [1478, 219, 1674, 437],
      [411, 341, 592, 593],
      [832, 407, 1023, 652],
    ],
  },
  {
    path: join(demoDir, 'sample2.jpg'),
    faces: [
      [1445, 140, 1644, 397],
      [903, 233, 1052, 457],
      [361, 122, 511, 385],
    ],
  },
  {
    path: join(demoDir, 'sample3.jpg'),
    faces: [
      [583, 309, 785, 598],
      [1505, 276, 1679, 563],
      [1068, 215, 1296, 525],
    ],
  },
  {
    path: join(demoDir, 'sample4.jpg'),
    faces: [
      [661, 62, 851, 312],
      [988, 178, 1158, 408],
      [255, 177, 417, 433],
      [1278, 133, 1428, 394],
    ],
  },
  {
    path: join(demoDir, 'sample5.jpg'),
    faces: [
      [785, 109, 944, 310],
      [1113, 189, 1272, 430],
      [594, 417, 759, 655],
      [1400, 380, 1573, 660],
      [375, 861, 550, 1162],
    ],
  },
  {
    path: join(demoDir, 'sample6.jpg'),
    faces: [
      [1181, 312, 1364, 581],
      [1488, 260, 1698, 550],
      [680, 316, 838, 635],
      [251, 469, 456, 757],
    ],
  },
];

const spec: DetectorSpec = loadManifest(join(import.meta.dirname, '../models/manifest.json')).detector;
const modelPath = join(import.meta.dirname, '../models', spec.file);
const SCORE_FLOOR = 0.05;
const options = { minScore: SCORE_FLOOR, minFaceSize: 24, intraOpThreads: threads };
const detectorWith = (maxUpscale: number): FaceDetector =>
  new FaceDetector({ ...spec, dynamicInput: { multiple: 32, maxUpscale } }, modelPath, options);
const native = detectorWith(1);
const upscaling = detectorWith(Infinity);

interface Geometry {
  name: string;
  detector: FaceDetector;
  plan: PassPlan;
}
const pad = (factor: number, margin: number): Geometry => ({
  name: `/${factor} ${margin}`,
  detector: native,
  plan: { factor, margin },
});
const ALL_GEOMETRIES: Geometry[] = [
  { name: '512 up', detector: upscaling, plan: WHOLE_IMAGE_PASS },
  { name: '512 native', detector: native, plan: WHOLE_IMAGE_PASS },
  pad(2, 0.5),
  pad(3, 1),
  pad(3, 0.5),
  pad(4, 0.5),
  pad(4, 0.25),
];
const THRESHOLDS = [0.5, 0.4, 0.35];
const ALL_PASS_SETS = [
  ['512 up'],
  ['512 up', '/2 0.5', '/3 1'],
  ['512 native'],
  ['512 native', '/2 0.5'],
  ['512 native', '/3 0.5'],
  ['512 native', '/4 0.5'],
  ['512 native', '/4 0.25'],
  ['512 native', '/3 0.5', '/4 0.25'],
];
/** The shipped setting (models/manifest.json, FRS_MIN_DETECTION_SCORE); its LFW misses are listed. */
const SHIPPED = { threshold: 0.4, passes: ['512 native', ...spec.paddedPasses.map((p) => `/${p.factor} ${p.margin}`)] };
const GEOMETRIES = shippedOnly ? ALL_GEOMETRIES.filter((g) => SHIPPED.passes.includes(g.name)) : ALL_GEOMETRIES;
const PASS_SETS = shippedOnly ? [SHIPPED.passes] : ALL_PASS_SETS;
const THRESHOLDS_RUN = shippedOnly ? [SHIPPED.threshold] : THRESHOLDS;
if (GEOMETRIES.length !== (shippedOnly ? SHIPPED.passes.length : ALL_GEOMETRIES.length))
  throw new Error(`the shipped passes ${SHIPPED.passes.join(', ')} are not all in the geometry list`);

interface Run {
  name: string;
  width: number;
  height: number;
  passes: Map<string, { found: Detection[]; ms: number }>;
  /** --second-look: the shipped setting's faces that pass FaceAnalyzer's second look. */
  kept?: Detection[];
}

/** The pipeline's analyzer, for --second-look only (landmarks and the check; its detector is not used). */
const analyzer = secondLook
  ? FaceAnalyzer.fromManifestFile(
      join(import.meta.dirname, '../models/manifest.json'),
      loadSettings(process.env, { FRS_INTRA_OP_THREADS: threads }),
    )
  : undefined;

async function runAll(path: string): Promise<Run> {
  const image = await decodeImage(readFileSync(path), { maxPixels: 100_000_000 });
  const passes = new Map<string, { found: Detection[]; ms: number }>();
  // As FaceDetector.detect does: the native whole-image content is rendered once (its time counts
  // to "512 native") and the padded passes resize it rather than the full image.
  const t0 = performance.now();
  const nativeWhole = await native.wholeContent(image);
  const wholeMs = performance.now() - t0;
  for (const g of GEOMETRIES) {
    const t1 = performance.now();
    const found = await g.detector.pass(image, g.plan, g.detector === native ? nativeWhole : undefined);
    passes.set(g.name, { found, ms: performance.now() - t1 + (g.name === '512 native' ? wholeMs : 0) });
  }
  const run: Run = { name: path.split('/').pop()!, width: image.width, height: image.height, passes };
  if (analyzer) {
    const shipped = faces(run, SHIPPED.threshold, SHIPPED.passes);
    const landmarks = await analyzer.landmarksFor(
      image,
      shipped.map((d) => d.box),
    );
    run.kept = shipped.filter((d, i) =>
      analyzer.passesSecondLook({ box: d.box, score: d.score, landmarks: landmarks[i] }),
    );
  }
  return run;
}

const faces = (run: Run, threshold: number, names: string[]): Detection[] =>
  native.select(names.flatMap((p) => run.passes.get(p)!.found.filter((d) => d.score >= threshold)));
const msOf = (run: Run, names: string[]): number => names.reduce((s, p) => s + run.passes.get(p)!.ms, 0);
const coversCentre = (d: Detection, r: Run): boolean =>
  d.box[0] <= r.width / 2 && d.box[2] >= r.width / 2 && d.box[1] <= r.height / 2 && d.box[3] >= r.height / 2;

/** Greedy by score: a detection is a true positive when it overlaps a not yet matched face by IoU >= 0.3. */
function score(found: Detection[], truth: Box[]): { tp: number; fp: number; fn: number } {
  const used = new Set<number>();
  let fp = 0;
  for (const d of found) {
    let best = -1;
    truth.forEach((t, i) => {
      if (!used.has(i) && iou(d.box, t) >= 0.3 && (best < 0 || iou(d.box, t) > iou(d.box, truth[best]))) best = i;
    });
    if (best < 0) fp++;
    else used.add(best);
  }
  return { tp: used.size, fp, fn: truth.length - used.size };
}

function lfwSample(): string[] {
  const dir = join(lfwRoot, 'images_deepfunneled');
  const all = readdirSync(dir)
    .sort()
    .flatMap((name) =>
      readdirSync(join(dir, name))
        .filter((f) => f.endsWith('.jpg'))
        .sort()
        .map((f) => join(dir, name, f)),
    );
  return all.filter((_, i) => i % every === 0);
}

async function main(): Promise<void> {
  const scenes = SCENES.filter((s) => existsSync(s.path));
  if (scenes.length < SCENES.length)
    console.warn(`bbt scenes not found in ${bbtDir}: scene columns cover the face-api samples only.`);
  await native.pass(await decodeImage(readFileSync(SCENES[5].path), { maxPixels: 1e8 })); // warm-up
  const sceneRuns: Run[] = [];
  for (const s of scenes) sceneRuns.push(await runAll(s.path));
  const lfw: Run[] = [];
  if (lfwAvailable) {
    const paths = lfwSample();
    for (const [i, p] of paths.entries()) {
      lfw.push(await runAll(p));
      if (i % 100 === 99) process.stderr.write(`lfw ${i + 1}/${paths.length}\n`);
    }
  } else console.warn(`LFW not found at ${lfwRoot}: LFW columns are empty.`);

  const truthCount = scenes.reduce((s, x) => s + x.faces.length, 0);
  const pct = (n: number): string => `${n} (${lfw.length ? ((100 * n) / lfw.length).toFixed(2) : '-'}%)`;
  console.log(
    `LFW: ${lfw.length} images (every ${every}th). Scenes: ${scenes.length} photos, ${truthCount} faces. Min face 24 px, padded-pass min face share 0.3, ${threads} thread(s).`,
  );
  console.log(
    'threshold | passes                         | LFW no centre face | LFW faces | scene TP/FP/FN | ms/img LFW | ms/img scene',
  );
  for (const t of THRESHOLDS_RUN) {
    for (const names of PASS_SETS) {
      const lfwFaces = lfw.map((r) => faces(r, t, names));
      const noCentre = lfw.filter((r, i) => !lfwFaces[i].some((d) => coversCentre(d, r))).length;
      const found = lfwFaces.reduce((n, f) => n + f.length, 0);
      const sc = sceneRuns
        .map((r, i) => score(faces(r, t, names), scenes[i].faces))
        .reduce((a, b) => ({ tp: a.tp + b.tp, fp: a.fp + b.fp, fn: a.fn + b.fn }));
      const lfwMs = lfw.length ? lfw.reduce((s, r) => s + msOf(r, names), 0) / lfw.length : NaN;
      const sceneMs = sceneRuns.reduce((s, r) => s + msOf(r, names), 0) / sceneRuns.length;
      console.log(
        [
          t.toFixed(2).padStart(9),
          names.join(' + ').padEnd(30),
          pct(noCentre).padStart(18),
          String(found).padStart(9),
          `${sc.tp}/${sc.fp}/${sc.fn}`.padStart(14),
          lfwMs.toFixed(0).padStart(10),
          sceneMs.toFixed(0).padStart(12),
        ].join(' | '),
      );
    }
  }
  const missed = lfw.filter((r) => !faces(r, SHIPPED.threshold, SHIPPED.passes).some((d) => coversCentre(d, r)));
  console.log(
    `LFW images without a centre face at ${SHIPPED.threshold} / ${SHIPPED.passes.join(' + ')} (shipped): ${missed.map((r) => r.name).join(', ') || 'none'}`,
  );
  if (analyzer) {
    const lost = lfw.filter((r) => !r.kept!.some((d) => coversCentre(d, r)));
    const sc = sceneRuns
      .map((r, i) => score(r.kept!, scenes[i].faces))
      .reduce((a, b) => ({ tp: a.tp + b.tp, fp: a.fp + b.fp, fn: a.fn + b.fn }));
    const dropped = [...lfw, ...sceneRuns].reduce(
      (n, r) => n + faces(r, SHIPPED.threshold, SHIPPED.passes).length - r.kept!.length,
      0,
    );
    console.log(
      `After the second look (shipped): LFW ${pct(lost.length)} without a centre face (${lost.map((r) => r.name).join(', ') || 'none'}); ` +
        `LFW faces ${lfw.reduce((n, r) => n + r.kept!.length, 0)}; scene TP/FP/FN ${sc.tp}/${sc.fp}/${sc.fn}; detections dropped by it ${dropped}`,
    );
  }
}

await main();
