/**
 * The committed models must be exactly what `npm run models:convert` builds from the face-api
 * weights in node_modules, and the check behind `--check` must notice a file that is not.
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkModels, DEFAULT_MODELS_DIR, MODEL_BUILDS } from '../../tools/convert/all.js';
import { loadManifest } from '../../src/vision/models/manifest.js';

const landmarkBuild = MODEL_BUILDS.filter((b) => b.file === 'face-landmarks-68.onnx');
const scratch = mkdtempSync(join(tmpdir(), 'frs-models-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('tools/convert/all.ts --check', () => {
  it('covers every model file models/manifest.json names', () => {
    const manifest = loadManifest(join(DEFAULT_MODELS_DIR, 'manifest.json'));
    const named = [manifest.detector.file, manifest.landmarks?.file, manifest.embedder.file].filter(Boolean).sort();
    expect(MODEL_BUILDS.map((b) => b.file).sort()).toEqual(named);
  });

  it('rebuilds all three committed models byte for byte', () => {
    const results = checkModels();
    expect(results).toHaveLength(3);
    for (const r of results) {
      expect(r.committed, r.file).toMatch(/^[0-9a-f]{64}$/);
      expect(r.built, r.file).toBe(r.committed);
      expect(r.matches).toBe(true);
    }
  });

  it('reports a changed file as a mismatch and a missing one as missing', () => {
    copyFileSync(join(DEFAULT_MODELS_DIR, 'face-landmarks-68.onnx'), join(scratch, 'face-landmarks-68.onnx'));
    const [same] = checkModels(scratch, landmarkBuild);
    expect(same.matches).toBe(true);

    writeFileSync(join(scratch, 'face-landmarks-68.onnx'), 'not the model');
    const [changed] = checkModels(scratch, landmarkBuild);
    expect(changed.matches).toBe(false);
    expect(changed.committed).not.toBe(changed.built);

    rmSync(join(scratch, 'face-landmarks-68.onnx'));
    const [missing] = checkModels(scratch, landmarkBuild);
    expect(missing).toMatchObject({ committed: null, matches: false });
  });
});
