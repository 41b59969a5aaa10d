/** What every pipeline stage works with: the repository, the models, where files live, and a log. */
import type { Settings } from '../config/settings.js';
import type { Repository } from '../data/repository.js';
import type { ObjectStore } from '../storage/object-store.js';
import type { FaceAnalyzer } from '../vision/face-analyzer.js';

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/**
 * What the stages use of the models: FaceAnalyzer in production; the fast stage tests put a
 * scripted stand-in here (test/helpers/fast-pipeline.ts).
 */
export type Analyzer = Pick<FaceAnalyzer, 'embeddingModel' | 'detect' | 'embed' | 'landmarksFor'>;

export interface PipelineContext {
  settings: Settings;
  repo: Repository;
  analyzer: Analyzer;
  /** Reads an original by its MediaFile.FilePath (a local path or a blob name). */
  readOriginal(filePath: string): Promise<Uint8Array>;
  /** Whether an original is still there: a registered path that is gone makes new content with its hash a move. */
  originalExists(filePath: string): Promise<boolean>;
  /** Blob names in the media container (null when originals are local files): the reconciliation pass lists them. */
  listOriginals: (() => AsyncIterable<string>) | null;
  thumbnails: ObjectStore;
  log: Logger;
  /** Identifies this process in leases and locks. */
  workerId: string;
}

export const consoleLogger: Logger = {
  info: (m) => console.error(`${new Date().toISOString()} ${m}`),
  warn: (m) => console.error(`${new Date().toISOString()} WARN ${m}`),
  error: (m) => console.error(`${new Date().toISOString()} ERROR ${m}`),
};

export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };
