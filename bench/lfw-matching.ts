/**
 * How a new face should be matched to an existing person: nearest face of the person or the
 * person's centroid, and at which threshold. On LFW identities with 4+ images (face nearest
 * the centre), the first half of each identity's images (in file order) are the person's
 * known faces and the rest arrive as new faces. Reports, per mode and threshold: joined share,
 * precision of the joins (right person), and wrong joins per 1,000 new faces.
 *
 *   npx tsx bench/lfw-matching.ts [--thresholds 0.9,0.92] [--out FILE]
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { assignToPersons, type MatchMode } from '../src/clustering/assign.js';
import { loadSettings } from '../src/config/settings.js';
import { FaceAnalyzer } from '../src/vision/face-analyzer.js';
import { embedImages } from './lib/embed-images.js';
import { identitiesWithAtLeast, lfwAvailable } from './lib/lfw.js';

const { values } = parseArgs({
  options: { thresholds: { type: 'string', default: '0.88,0.89,0.90,0.91,0.92,0.93,0.94' }, out: { type: 'string' } },
});
if (!lfwAvailable) {
  console.error('LFW is not available at ../shared/datasets/lfw; this benchmark needs it.');
  process.exit(2);
}
const settings = loadSettings(process.env, { FRS_INTRA_OP_THREADS: 1 });
const analyzer = FaceAnalyzer.fromManifestFile(settings.FRS_MODEL_MANIFEST, settings);
// 4+ so both halves have at least two faces; LFW's 3+ clustering set is a superset.
const images = identitiesWithAtLeast(4);
const emb = await embedImages(
  analyzer,
  images.map((i) => i.path),
  `lfw:${settings.FRS_MIN_DETECTION_SCORE}:${settings.FRS_MIN_FACE_SIZE}`,
);

const byLabel = new Map<string, typeof images>();
for (const img of images) byLabel.set(img.label, [...(byLabel.get(img.label) ?? []), img]);
const known: Array<{ personId: string; embedding: Float32Array }> = [];
const incoming: Array<{ id: number; label: string; embedding: Float32Array }> = [];
for (const [label, list] of byLabel) {
  const half = Math.ceil(list.length / 2);
  list.forEach((img, k) => {
    const e = emb.get(img.path)?.embedding;
    if (!e) return;
    if (k < half) known.push({ personId: label, embedding: e });
    else incoming.push({ id: incoming.length, label, embedding: e });
  });
}

const rows: string[] = [];
for (const mode of ['nearest-face', 'centroid'] as MatchMode[]) {
  for (const threshold of values.thresholds!.split(',').map(Number)) {
    const { assignments } = assignToPersons<number, string, (typeof incoming)[number]>(known, incoming, {
      threshold,
      mode,
    });
    const right = assignments.filter((a) => a.personId === incoming[a.faceId].label).length;
    const wrong = assignments.length - right;
    rows.push(
      `| ${mode} | ${threshold} | ${((assignments.length / incoming.length) * 100).toFixed(1)}% | ${((right / incoming.length) * 100).toFixed(1)}% | ${(assignments.length ? right / assignments.length : 1).toFixed(4)} | ${((wrong / incoming.length) * 1000).toFixed(1)} |`,
    );
  }
}
const report = [
  `## Matching new faces to existing persons (LFW, ${byLabel.size} identities with 4+ images; ${known.length} known faces, ${incoming.length} new faces)`,
  '',
  '| mode | threshold | joined | joined right (recall) | precision | wrong joins per 1,000 |',
  '|---|---|---|---|---|---|',
  ...rows,
  '',
].join('\n');
console.log(report);
if (values.out) writeFileSync(values.out, report);
