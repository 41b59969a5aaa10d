/**
 * Face quality on LFW clustering (the protocol of bench/lfw-clustering.ts: every image of the
 * 901 identities with 3+ images, the face nearest the centre, grouped from scratch): how the
 * quality score (src/vision/face-quality.ts) spreads over LFW, and BCubed precision / recall of
 * the persons with and without it, for each eps and FRS_MIN_FACE_QUALITY given.
 *
 *   npx tsx bench/detect-cache.ts --set clustering        (once: detections)
 *   npx tsx bench/lfw-quality.ts [--eps 0.035] [--min-quality 0,0.3] [--merge 1,0.97] [--noise-eps 0,0.045] [--out FILE]
 *
 * Embeddings and chip sharpness are cached beside the detections (bench/.cache), so a rerun
 * with other grouping settings takes seconds. Settings (FRS_QUALITY_*, FRS_MATCH_*) come from the
 * environment as in FRS.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { groupFaces, type GroupOptions } from '../src/clustering/group.js';
import { evaluateClustering } from '../src/clustering/metrics.js';
import { loadSettings } from '../src/config/settings.js';
import { FaceAnalyzer } from '../src/vision/face-analyzer.js';
import { faceQualityParts, qualityOptions, type FaceQualityParts } from '../src/vision/face-quality.js';
import { analyzeImages } from './lib/embed-images.js';
import { identitiesWithAtLeast, lfwAvailable } from './lib/lfw.js';

const { values } = parseArgs({
  options: {
    eps: { type: 'string', default: '0.035' },
    'min-quality': { type: 'string', default: '0,0.3' },
    /** FRS_CLUSTER_MERGE_THRESHOLD values; 1 = off */
    merge: { type: 'string', default: '1,0.97' },
    /** FRS_DBSCAN_NOISE_EPS values; 0 = off */
    'noise-eps': { type: 'string', default: '0,0.045' },
    out: { type: 'string' },
  },
});
if (!lfwAvailable) {
  console.error('LFW is not available at ../shared/datasets/lfw (set FRS_LFW_DIR); this benchmark needs it.');
  process.exit(2);
}

const settings = loadSettings(process.env, { FRS_INTRA_OP_THREADS: 1 });
const analyzer = FaceAnalyzer.fromManifestFile(settings.FRS_MODEL_MANIFEST, settings);
const images = identitiesWithAtLeast(3);
const { images: analyzed, secondLooks } = await analyzeImages(
  analyzer,
  images.map((i) => i.path),
  `lfw:${settings.FRS_MIN_DETECTION_SCORE}:${settings.FRS_MIN_FACE_SIZE}`,
);
const found = images.flatMap((img) => {
  const a = analyzed.get(img.path)!;
  if (!a.face || !a.embedding) return [];
  const parts = faceQualityParts(
    { box: a.face.box, score: a.face.score, landmarks: a.face.landmarks, sharpness: a.sharpness ?? 0 },
    qualityOptions(settings),
  );
  return [{ img, embedding: a.embedding, parts }];
});

const percentile = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))];
const spread = (name: keyof FaceQualityParts) => {
  const xs = found.map((f) => f.parts[name]).sort((a, b) => a - b);
  const below = (t: number) => xs.filter((x) => x < t).length;
  return `| ${name} | ${[0.01, 0.05, 0.1, 0.5].map((p) => percentile(xs, p).toFixed(3)).join(' | ')} | ${below(0.3)} | ${below(0.5)} | ${below(1)} |`;
};

const rows: string[] = [];
const list = (name: 'eps' | 'min-quality' | 'merge' | 'noise-eps') => values[name]!.split(',').map(Number);
for (const eps of list('eps')) {
  for (const [minQuality, merge, noiseEps] of list('min-quality').flatMap((q) =>
    list('merge').flatMap((m) => list('noise-eps').map((n) => [q, m, n])),
  )) {
    const options: GroupOptions = {
      threshold: settings.FRS_MATCH_THRESHOLD,
      mode: settings.FRS_MATCH_MODE,
      lowQualityThreshold: settings.FRS_LOW_QUALITY_MATCH_THRESHOLD,
      eps,
      minPts: settings.FRS_DBSCAN_MIN_POINTS,
      mergeThreshold: merge < 1 ? merge : undefined,
      noiseEps: noiseEps > 0 ? noiseEps : undefined,
    };
    const t = Date.now();
    const decision = groupFaces<number, number>(
      [],
      found.map((f, id) => ({ id, embedding: f.embedding, lowQuality: f.parts.quality < minQuality })),
      options,
    );
    const ms = Date.now() - t;
    const predicted = new Int32Array(images.length).fill(-1);
    const indexOf = new Map(found.map((f, k) => [k, images.indexOf(f.img)]));
    decision.newClusters.forEach((members, c) => members.forEach((k) => (predicted[indexOf.get(k)!] = c)));
    const s = evaluateClustering(
      images.map((i) => i.label),
      predicted,
    );
    const low = found.filter((f) => f.parts.quality < minQuality).length;
    const unassigned = (images.length - found.length + decision.noise.length) / images.length;
    const f = (v: number) => v.toFixed(4);
    rows.push(
      `| ${eps} | ${merge < 1 ? merge : 'off'} | ${noiseEps > 0 ? noiseEps : 'off'} | ${minQuality} | ${low} | ${f(s.pairwise.precision)} | ${f(s.pairwise.recall)} | ${f(s.bcubed.precision)} | ${f(s.bcubed.recall)} | **${f(s.bcubed.f1)}** | ${s.clusters} | ${(unassigned * 100).toFixed(1)}% | ${ms} |`,
    );
    console.error(rows.at(-1));
  }
}

const report = [
  `## LFW clustering with face quality (${images.length} images, faces found in ${found.length})`,
  '',
  `Second look at detections scoring below ${settings.FRS_LANDMARK_CHECK_SCORE} (FRS_LANDMARK_CHECK_SCORE): it changed the centre face of ${secondLooks.length} image(s)${secondLooks.length ? ` (${secondLooks.map((p) => p.split('/').pop()).join(', ')})` : ''}.`,
  '',
  `Quality settings: FRS_QUALITY_FACE_SIZE ${settings.FRS_QUALITY_FACE_SIZE}, FRS_QUALITY_SHARPNESS ${settings.FRS_QUALITY_SHARPNESS}, min detection score ${settings.FRS_MIN_DETECTION_SCORE}, min face ${settings.FRS_MIN_FACE_SIZE} px. Matching ${settings.FRS_MATCH_MODE} ${settings.FRS_MATCH_THRESHOLD}, minPts ${settings.FRS_DBSCAN_MIN_POINTS}.`,
  '',
  '| part | 1% | 5% | 10% | median | faces < 0.3 | < 0.5 | < 1 |',
  '|---|---|---|---|---|---|---|---|',
  ...(['size', 'sharpness', 'landmarks', 'score', 'quality'] as const).map(spread),
  '',
  '| eps | merge | noise eps | min quality | low-quality faces | pair P | pair R | BCubed P | BCubed R | BCubed F1 | clusters | unassigned | ms |',
  '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ...rows,
  '',
].join('\n');
console.log(report);
if (values.out) writeFileSync(values.out, report);
