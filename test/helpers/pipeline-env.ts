/** A throwaway FRS installation for pipeline tests: temp SQLite file, temp folders, real models. */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSettings, type Settings } from '../../src/config/settings.js';
import { silentLogger } from '../../src/pipeline/context.js';
import { Services } from '../../src/services.js';

export interface PipelineEnv {
  dir: string;
  imagesDir: string;
  settings: Settings;
  services(overrides?: Record<string, string>): Services;
  addImage(source: string, name: string): string;
  cleanup(): Promise<void>;
}

export function pipelineEnv(overrides: Record<string, string> = {}): PipelineEnv {
  const dir = mkdtempSync(join(tmpdir(), 'frs-pipeline-'));
  const imagesDir = join(dir, 'images');
  mkdirSync(imagesDir);
  const base = {
    FRS_DATABASE: join(dir, 'frs.db'),
    FRS_THUMBNAILS_DIR: join(dir, 'thumbnails'),
    FRS_MEDIA_DIR: imagesDir,
    FRS_INTRA_OP_THREADS: '1',
    FRS_BATCH_SIZE: '4',
    ...overrides,
  };
  const opened: Services[] = [];
  return {
    dir,
    imagesDir,
    settings: loadSettings(base),
    services(more = {}) {
      const s = new Services(loadSettings({ ...base, ...more }), silentLogger);
      opened.push(s);
      return s;
    },
    addImage(source, name) {
      const target = join(imagesDir, name);
      copyFileSync(source, target);
      return target;
    },
    async cleanup() {
      for (const s of opened) await s.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
