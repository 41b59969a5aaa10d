import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getSession } from '../../src/vision/models/onnx-session.js';
import { loadManifest } from '../../src/vision/models/manifest.js';

describe('model checksums', () => {
  const manifest = loadManifest(join(import.meta.dirname, '../../models/manifest.json'));
  const source = join(manifest.baseDir, manifest.landmarks!.file);

  it('loads a model whose bytes match the manifest sha256', async () => {
    const session = await getSession(source, { intraOpThreads: 1, sha256: manifest.landmarks!.sha256 });
    expect(session.outputNames).toContain(manifest.landmarks!.output);
  });

  it('refuses a damaged model file with MODEL_INVALID', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'frs-model-'));
    const damaged = join(dir, 'landmarks.onnx');
    copyFileSync(source, damaged);
    writeFileSync(damaged, Buffer.from('x'), { flag: 'a' });
    try {
      await expect(
        getSession(damaged, { intraOpThreads: 1, sha256: manifest.landmarks!.sha256 }),
      ).rejects.toMatchObject({
        code: 'MODEL_INVALID',
        message: expect.stringMatching(/sha256 is [0-9a-f]{64}, the manifest expects/),
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
