/**
 * Keeps one core busy until killed, for bench/speed.ts --neighbour: what a benchmark side sees when
 * another process shares the machine (on a VM whose two vCPUs may be one physical core's two
 * hardware threads, a busy sibling takes that core's execution units away).
 *
 *   node --import tsx bench/lib/busy-neighbour.ts scalar   # integer arithmetic in a JS loop
 *   node --import tsx bench/lib/busy-neighbour.ts onnx     # the embedder model on one thread, back to back
 */
import { join, resolve } from 'node:path';

const kind = process.argv[2];
const root = resolve(import.meta.dirname, '../..');

if (kind === 'scalar') {
  let x = 1;
  for (;;) {
    for (let i = 0; i < 1e8; i++) x = (x * 1103515245 + 12345) | 0;
    if (x === 42) console.log(x); // keeps the loop from being optimised away
  }
} else if (kind === 'onnx') {
  const { loadManifest, modelPath } = await import('../../src/vision/models/manifest.js');
  const { FaceEmbedder } = await import('../../src/vision/embed/face-embedder.js');
  const manifest = loadManifest(join(root, 'models/manifest.json'));
  const embedder = new FaceEmbedder(manifest.embedder, modelPath(manifest, manifest.embedder.file), 1);
  const { width, height } = manifest.embedder.input;
  const chips = Array.from({ length: 8 }, (_, k) => new Uint8Array(width * height * 3).fill(40 + k * 20));
  for (;;) await embedder.embed(chips);
} else {
  console.error('usage: bench/lib/busy-neighbour.ts scalar|onnx');
  process.exit(2);
}
