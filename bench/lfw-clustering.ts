/**
 * LFW clustering, the protocol in ../shared/README.md: every image of the identities with 3+
 * images, the face nearest the centre, clustered from scratch (no existing persons) with
 * FRS's grouping. Sweeps DBSCAN eps (and UMAP on/off) and reports pairwise and BCubed
 * precision / recall / F1, clusters produced against identities, and the unassigned share.
 * An image with no face counts as an unassigned face of its identity.
 *
 *   npx tsx bench/lfw-clustering.ts [--eps 0.06,0.07,0.08] [--min-points 2] [--umap] [--umap-eps 0.01,0.02] [--identities N] [--out FILE]
 *
 * --umap adds a run with UMAP reduction (FRS_UMAP_DIMENSIONS) for each --umap-eps (default: the --eps
 * list; distances in the reduced space are on another scale, so sweep them separately).
 * --identities N keeps the first N identities by name (umap-js is too slow for all 901 on 2 cores).
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { groupFaces } from '../src/clustering/group.js';
import { groupOptions } from '../src/pipeline/grouping-settings.js';
import { evaluateClustering } from '../src/clustering/metrics.js';
import { loadSettings } from '../src/config/settings.js';
import { FaceAnalyzer } from '../src/vision/face-analyzer.js';
import { embedImages } from './lib/embed-images.js';
import { identitiesWithAtLeast, lfwAvailable } from './lib/lfw.js';

const { values } = parseArgs({
  options: {
    eps: { type: 'string', default: '0.05,0.06,0.07,0.08,0.09,0.10' },
    'min-points': { type: 'string', default: '2' },
    umap: { type: 'boolean', default: false },
    'umap-eps': { type: 'string' },
    identities: { type: 'string', default: '0' },
    flip: { type: 'boolean' },
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
const limit = Number(values.identities);
const names = [...new Set(identitiesWithAtLeast(3).map((i) => i.label))].sort();
const keptNames = new Set(limit > 0 ? names.slice(0, limit) : names);
const images = identitiesWithAtLeast(3).filter((i) => keptNames.has(i.label));
const embeddings = await embedImages(
  analyzer,
  images.map((i) => i.path),
  `lfw:${settings.FRS_MIN_DETECTION_SCORE}:${settings.FRS_MIN_FACE_SIZE}`,
  { flip: values.flip },
);
const found = images.filter((i) => embeddings.get(i.path)?.embedding);
const identities = new Set(images.map((i) => i.label)).size;

const rows: string[] = [];
for (const minPts of values['min-points']!.split(',').map(Number)) {
  const plain = values.eps!.split(',').map((eps) => ({ eps: Number(eps), umap: false }));
  const reduced = values.umap
    ? (values['umap-eps'] ?? values.eps!).split(',').map((eps) => ({ eps: Number(eps), umap: true }))
    : [];
  for (const { eps, umap } of [...plain, ...reduced]) {
    const t = Date.now();
    const decision = groupFaces<number, number>(
      [],
      found.map((img, id) => ({ id, embedding: embeddings.get(img.path)!.embedding! })),
      {
        threshold: settings.FRS_MATCH_THRESHOLD,
        mode: settings.FRS_MATCH_MODE,
        eps,
        minPts,
        umap: umap ? { dimensions: settings.FRS_UMAP_DIMENSIONS } : undefined,
        // The shipped passes after DBSCAN (settings); bench/lfw-quality.ts sweeps them.
        mergeThreshold: groupOptions(settings).mergeThreshold,
        noiseEps: groupOptions(settings).noiseEps,
      },
    );
    const ms = Date.now() - t;
    // Predicted labels over ALL images: missed faces and DBSCAN noise are singletons (-1).
    const predicted = new Int32Array(images.length).fill(-1);
    const indexOf = new Map(found.map((img, k) => [k, images.indexOf(img)]));
    decision.newClusters.forEach((members, c) => members.forEach((k) => (predicted[indexOf.get(k)!] = c)));
    const s = evaluateClustering(
      images.map((i) => i.label),
      predicted,
    );
    const unassigned = (images.length - found.length + decision.noise.length) / images.length;
    const f = (v: number) => v.toFixed(3);
    rows.push(
      `| ${eps} | ${minPts} | ${umap ? 'yes' : 'no'} | ${f(s.pairwise.precision)} | ${f(s.pairwise.recall)} | ${f(s.pairwise.f1)} | ${f(s.bcubed.precision)} | ${f(s.bcubed.recall)} | **${f(s.bcubed.f1)}** | ${s.clusters} | ${(unassigned * 100).toFixed(1)}% | ${ms} |`,
    );
    console.error(rows.at(-1));
  }
}

const report = [
  `## LFW clustering (${images.length} images of ${identities} identities with 3+ images; faces found in ${found.length})`,
  '',
  `UMAP rows: ${settings.FRS_UMAP_DIMENSIONS} dimensions (FRS_UMAP_DIMENSIONS), eps in the reduced space. Embedder ${analyzer.embeddingModel}, flip averaging ${(values.flip ?? analyzer.manifest.embedder.flipAverage) ? 'on' : 'off'}; noise and missed faces count as singleton clusters (cost recall, never precision).`,
  '',
  '| eps | minPts | UMAP | pair P | pair R | pair F1 | BCubed P | BCubed R | BCubed F1 | clusters | unassigned | ms |',
  '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ...rows,
  '',
].join('\n');
console.log(report);
if (values.out) writeFileSync(values.out, report);
