/**
 * Fills the LFW detection cache used by bench/lfw-verification.ts and bench/lfw-clustering.ts
 * (View 2 pair images and all images of identities with 3+ images; `--set view2|clustering` for one), one shard per process:
 *
 *   for s in 0 1; do npx tsx bench/detect-cache.ts --shard $s --shards 2 & done; wait
 */
import { parseArgs } from 'node:util';
import { loadSettings } from '../src/config/settings.js';
import { FaceAnalyzer } from '../src/vision/face-analyzer.js';
import { fillDetectionCache } from './lib/embed-images.js';
import { identitiesWithAtLeast, lfwAvailable, readPairs } from './lib/lfw.js';

const { values } = parseArgs({
  options: {
    shard: { type: 'string', default: '0' },
    shards: { type: 'string', default: '1' },
    set: { type: 'string', default: 'all' },
  },
});
if (!lfwAvailable) {
  console.error('LFW is not available at ../shared/datasets/lfw; this benchmark needs it.');
  process.exit(2);
}
const settings = loadSettings(process.env, { FRS_INTRA_OP_THREADS: 1 });
const analyzer = FaceAnalyzer.fromManifestFile(settings.FRS_MODEL_MANIFEST, settings);
const view2 = readPairs('pairs.txt').flatMap((p) => [p.a, p.b]);
const clustering = identitiesWithAtLeast(3).map((i) => i.path);
const chosen = values.set === 'view2' ? view2 : values.set === 'clustering' ? clustering : [...view2, ...clustering];
const images = [...new Set(chosen)].sort();
await fillDetectionCache(
  analyzer,
  images,
  `lfw:${settings.FRS_MIN_DETECTION_SCORE}:${settings.FRS_MIN_FACE_SIZE}`,
  Number(values.shard),
  Number(values.shards),
);
