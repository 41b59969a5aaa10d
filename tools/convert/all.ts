/**
 * Rebuilds the three bundled ONNX models from the face-api weights in node_modules. The
 * converters encode deterministically, so a rebuild must equal the committed files byte for
 * byte; `--check` verifies exactly that (sha256) without writing anything.
 *
 *   npx tsx tools/convert/all.ts                 write models/*.onnx
 *   npx tsx tools/convert/all.ts --out DIR       write to DIR instead
 *   npx tsx tools/convert/all.ts --check [--out DIR]   compare with models/ (or DIR); exit 1 on mismatch
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildLandmark68 } from './face-api-landmark68.js';
import { buildFaceRecognitionOnnx } from './face-api-recognition.js';
import { buildSsdMobilenetV1 } from './face-api-ssd.js';

export interface ModelBuild {
  /** File name inside the models folder, as models/manifest.json refers to it. */
  file: string;
  build: () => Uint8Array;
}

export const MODEL_BUILDS: readonly ModelBuild[] = [
  { file: 'face-detector-ssd-mobilenetv1.onnx', build: () => buildSsdMobilenetV1() },
  { file: 'face-landmarks-68.onnx', build: () => buildLandmark68() },
  { file: 'face-recognition-resnet.onnx', build: () => buildFaceRecognitionOnnx() },
];

export const DEFAULT_MODELS_DIR = fileURLToPath(new URL('../../models/', import.meta.url));

export interface ModelCheck {
  file: string;
  /** sha256 of the freshly built bytes. */
  built: string;
  /** sha256 of the file on disk; null when it does not exist. */
  committed: string | null;
  matches: boolean;
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Rebuilds each model in memory and compares it with the file of the same name in `dir`. */
export function checkModels(dir = DEFAULT_MODELS_DIR, builds: readonly ModelBuild[] = MODEL_BUILDS): ModelCheck[] {
  return builds.map(({ file, build }) => {
    const path = join(dir, file);
    const built = sha256(build());
    const committed = existsSync(path) ? sha256(readFileSync(path)) : null;
    return { file, built, committed, matches: built === committed };
  });
}

export function writeModels(
  dir = DEFAULT_MODELS_DIR,
  builds: readonly ModelBuild[] = MODEL_BUILDS,
): Array<{ path: string; bytes: number; sha256: string }> {
  mkdirSync(dir, { recursive: true });
  return builds.map(({ file, build }) => {
    const bytes = build();
    const path = join(dir, file);
    writeFileSync(path, bytes);
    return { path, bytes: bytes.length, sha256: sha256(bytes) };
  });
}

function main(argv: string[]): number {
  const { values } = parseArgs({ args: argv, options: { out: { type: 'string' }, check: { type: 'boolean' } } });
  const dir = values.out ? resolve(values.out) : DEFAULT_MODELS_DIR;
  if (values.check) {
    const results = checkModels(dir);
    for (const r of results) {
      const status = r.matches ? 'ok' : r.committed ? `MISMATCH (on disk ${r.committed})` : 'MISSING';
      console.log(`${r.file}  ${r.built}  ${status}`);
    }
    return results.every((r) => r.matches) ? 0 : 1;
  }
  for (const w of writeModels(dir)) console.log(`wrote ${w.path} (${w.bytes} bytes, sha256 ${w.sha256})`);
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
