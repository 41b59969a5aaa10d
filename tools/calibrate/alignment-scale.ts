/**
 * Checks the alignment template's scale and the flip averaging on LFW View 1 (DevTest pairs,
 * kept apart from View 2, which the reported benchmark uses): the template is scaled about its
 * centre by each factor, faces are re-aligned and re-embedded (detections come from the bench
 * cache), and 10-fold accuracy is reported per variant.
 *
 *   npx tsx tools/calibrate/alignment-scale.ts [--scales 0.9,1,1.1] [--pairs pairsDevTest.txt]
 */
import { parseArgs } from 'node:util';
import { embedImages } from '../../bench/lib/embed-images.js';
import { lfwAvailable, readPairs } from '../../bench/lib/lfw.js';
import { tenFold } from '../../bench/lib/verification.js';
import { loadSettings } from '../../src/config/settings.js';
import { FaceAnalyzer } from '../../src/vision/face-analyzer.js';
import { loadManifest } from '../../src/vision/models/manifest.js';

const { values } = parseArgs({
  options: {
    scales: { type: 'string', default: '0.9,0.95,1,1.05,1.1' },
    pairs: { type: 'string', default: 'pairsDevTest.txt' },
    flip: { type: 'boolean', default: false },
  },
});
if (!lfwAvailable) {
  console.error('LFW not found (../shared/datasets/lfw).');
  process.exit(2);
}
const settings = loadSettings(process.env, { FRS_INTRA_OP_THREADS: 1 });
const base = loadManifest(settings.FRS_MODEL_MANIFEST);
const pairs = readPairs(values.pairs);
const images = [...new Set(pairs.flatMap((p) => [p.a, p.b]))];
const t = base.embedder.template;
const cx = t.reduce((s, p) => s + p[0], 0) / t.length,
  cy = t.reduce((s, p) => s + p[1], 0) / t.length;
for (const scale of values.scales!.split(',').map(Number)) {
  const template = t.map(([x, y]) => [cx + (x - cx) * scale, cy + (y - cy) * scale] as [number, number]);
  const analyzer = new FaceAnalyzer({ ...base, embedder: { ...base.embedder, template } }, settings);
  const emb = await embedImages(
    analyzer,
    images,
    `lfw:${settings.FRS_MIN_DETECTION_SCORE}:${settings.FRS_MIN_FACE_SIZE}`,
    { flip: values.flip },
  );
  const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + v * b[i], 0);
  const scored = pairs.map((p) => {
    const a = emb.get(p.a)?.embedding,
      b = emb.get(p.b)?.embedding;
    return { similarity: a && b ? dot(a, b) : null, same: p.same, fold: p.fold };
  });
  const r = tenFold(scored);
  console.log(
    `scale ${scale} flip ${values.flip ? 'on' : 'off'}: ${(r.mean * 100).toFixed(2)}% ± ${(r.std * 100).toFixed(2)}%  threshold ${r.thresholds[0].toFixed(3)}`,
  );
}
