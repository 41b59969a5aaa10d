/**
 * A pipeline context for the grouping benchmarks: the repository and settings given, no models,
 * no originals, no thumbnails (grouping reads and writes the database only).
 */
import type { Settings } from '../../src/config/settings.js';
import type { Repository } from '../../src/data/repository.js';
import { silentLogger, type PipelineContext } from '../../src/pipeline/context.js';
import type { ObjectStore } from '../../src/storage/object-store.js';
import type { FaceAnalyzer } from '../../src/vision/face-analyzer.js';
import { BULK_MODEL } from './bulk-library.js';

/** The grouping settings the synthetic libraries are fitted to (bench/results/scale.md). */
export const GROUPING_BENCH_SETTINGS = {
  FRS_MATCH_THRESHOLD: '0.8',
  FRS_DBSCAN_EPS: '0.2',
  FRS_DBSCAN_MIN_POINTS: '2',
} as const;

export function groupingBenchContext(repo: Repository, settings: Settings): PipelineContext {
  return {
    settings,
    repo,
    analyzer: { embeddingModel: BULK_MODEL } as FaceAnalyzer,
    readOriginal: () => Promise.reject(new Error('bench: no originals')),
    originalExists: () => Promise.resolve(false),
    listOriginals: null,
    thumbnails: {} as ObjectStore,
    log: silentLogger,
    workerId: 'bench',
  };
}
