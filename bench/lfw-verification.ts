/**
 * LFW verification, the protocol in ../shared/README.md: View 2 (6,000 pairs, 10 folds;
 * threshold chosen on 9 folds, accuracy on the 10th), a pair with a missed face is an error,
 * the face nearest the image centre is used.
 *
 *   npx tsx bench/lfw-verification.ts [--pairs pairs.txt|pairsDevTest.txt] [--threads 2]
 *
 * Prints a Markdown report; `--out FILE` also writes it.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadSettings } from '../src/config/settings.js';
import { FaceAnalyzer } from '../src/vision/face-analyzer.js';
import { embedImages } from './lib/embed-images.js';
import { lfwAvailable, readPairs } from './lib/lfw.js';
import { tenFold, type ScoredPair } from './lib/verification.js';

const { values } = parseArgs({
  options: {
    flip: { type: 'boolean' },
    pairs: { type: 'string', default: 'pairs.txt' },
    threads: { type: 'string', default: '2' },
    out: { type: 'string' },
  },
});
if (!lfwAvailable) {
  console.error('LFW is not available at ../shared/datasets/lfw; this benchmark needs it.');
  process.exit(2);
}

const settings = loadSettings(process.env, { FRS_INTRA_OP_THREADS: Number(values.threads) });
const analyzer = FaceAnalyzer.fromManifestFile(settings.FRS_MODEL_MANIFEST, settings);
const pairs = readPairs(values.pairs);
const images = [...new Set(pairs.flatMap((p) => [p.a, p.b]))];
const started = Date.now();
const embeddings = await embedImages(
  analyzer,
  images,
  `lfw:${settings.FRS_MIN_DETECTION_SCORE}:${settings.FRS_MIN_FACE_SIZE}`,
  { flip: values.flip },
);
const seconds = (Date.now() - started) / 1000;

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + v * b[i], 0);
const scored: ScoredPair[] = pairs.map((p) => {
  const a = embeddings.get(p.a)?.embedding,
    b = embeddings.get(p.b)?.embedding;
  return { similarity: a && b ? dot(a, b) : null, same: p.same, fold: p.fold };
});
const missedImages = images.filter((i) => !embeddings.get(i)?.embedding).length;
const missedPairs = scored.filter((p) => p.similarity === null).length;
const result = tenFold(scored);
const foundPairs = scored.filter((p) => p.similarity !== null);
const found = tenFold(foundPairs.map((p) => ({ ...p })));

const pct = (v: number) => (v * 100).toFixed(2) + '%';
const report = [
  `## LFW verification (${values.pairs}, ${pairs.length} pairs, ${new Set(pairs.map((p) => p.fold)).size} folds)`,
  '',
  `- manifest: ${settings.FRS_MODEL_MANIFEST} (embedder ${analyzer.embeddingModel}, flip averaging ${(values.flip ?? analyzer.manifest.embedder.flipAverage) ? 'on' : 'off'}), min detection score ${settings.FRS_MIN_DETECTION_SCORE}, min face ${settings.FRS_MIN_FACE_SIZE}px`,
  `- accuracy, missed face = error: **${pct(result.mean)} ± ${pct(result.std)}**`,
  `- accuracy on pairs where both faces were found (${foundPairs.length}): ${pct(found.mean)}`,
  `- images with no face: ${missedImages} / ${images.length} (${pct(missedImages / images.length)}); pairs affected: ${missedPairs}`,
  `- chosen thresholds (cosine): ${result.thresholds.map((t) => t.toFixed(3)).join(', ')}`,
  `- per-fold accuracy: ${result.foldAccuracies.map(pct).join(', ')}`,
  `- images processed in ${seconds.toFixed(0)} s on ${values.threads} intra-op thread(s) (0 s when cached)`,
  '',
].join('\n');
console.log(report);
if (values.out) writeFileSync(values.out, report);
