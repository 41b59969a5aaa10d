/**
 * Every T-SQL text the SQL Server adapter sends: each repository operation called through the
 * fake driver (on the pool and inside a transaction, so both shapes of each are seen), the
 * migrations and the migration runner's own statements.
 */
import { MssqlRepository } from '../../src/data/mssql/mssql-repository.js';
import {
  APPLIED_SQL,
  MIGRATION_LOCK_SQL,
  mssqlMigrations,
  RECORD_VERSION_SQL,
  VECTOR_SUPPORT_SQL,
  VERSION_TABLE,
} from '../../src/data/mssql/mssql-migrations.js';
import { qualifyTables } from '../../src/data/mssql/mssql-tables.js';
import { operationActions } from '../../src/data/operations.js';
import type { RepositoryOps } from '../../src/data/repository.js';
import { FakeDriver } from './mssql-fake-driver.js';

const box: [number, number, number, number] = [1, 2, 30, 40];
const face = {
  boundingBox: box,
  detectorScore: 0.9,
  landmarks: [[1, 2] as [number, number]],
  thumbnailName: 't.jpg',
  thumbnailPath: 'faces/1/0.jpg',
  embedding: new Float32Array([0.5, 0.5]),
  embeddingModel: 'm1',
  sharpness: 3,
  quality: 0.8,
};

/** One call of every operation, with arguments that reach every statement it can send. */
export const sampleCalls: { [K in keyof RepositoryOps]: (ops: RepositoryOps) => Promise<unknown> } = {
  registerMediaFile: (o) =>
    o.registerMediaFile({ filePath: 'a/b.jpg', fileName: 'b.jpg', extension: '.jpg', contentHash: 'h' }),
  getMediaItem: (o) => o.getMediaItem(1),
  claimPendingItems: (o) => o.claimPendingItems('worker', 10, 600, 3, 7),
  renewLease: (o) => o.renewLease(1, 'worker', 600),
  completeItem: (o) => o.completeItem(1, 'worker', [face]),
  failItem: (o) => o.failItem(1, 'worker', 'broken', 3, 30),
  retryFailedItems: (o) => o.retryFailedItems(),
  facesOfItem: (o) => o.facesOfItem(1),
  facesWithoutEmbedding: (o) => o.facesWithoutEmbedding('m1', 10),
  setEmbeddings: (o) =>
    o.setEmbeddings([
      { faceId: 1, embedding: new Float32Array([1, 0]), model: 'm1' },
      { faceId: 2, embedding: new Float32Array([0, 1]), model: 'm1', sharpness: 20, quality: 0.5 },
    ]),
  facesForGrouping: (o) => o.facesForGrouping('m1'),
  faceEmbedding: (o) => o.faceEmbedding(1),
  nearestFaces: (o) => o.nearestFaces('m1', new Float32Array([0.6, 0.8]), 10, { excludeFaceId: 1 }),
  refreshFaceSearch: (o) => o.refreshFaceSearch('m1'),
  groupingFingerprint: async (o) => {
    await o.groupingFingerprint('m1');
    return o.groupingFingerprint('m1', { holdForWrite: true });
  },
  hasUngroupedFaces: (o) => o.hasUngroupedFaces('m1'),
  groupingIndexInfo: (o) => o.groupingIndexInfo('m1'),
  groupingCones: (o) => o.groupingCones('m1'),
  groupingWork: (o) => o.groupingWork('m1', 100),
  facesForGroupingPage: (o) => o.facesForGroupingPage('m1', 0, 1000),
  verifiedFacesForGrouping: (o) => o.verifiedFacesForGrouping('m1'),
  facesForGroupingIn: (o) => o.facesForGroupingIn('m1', { faceIds: [1], personIds: [2], componentIds: [3] }),
  saveGroupingComponents: async (o) => {
    await o.saveGroupingComponents({
      model: 'm1',
      radius: 0.2,
      settings: 's',
      replaceAll: true,
      removed: [4],
      added: [{ centroid: new Float32Array([0.6, 0.8]), angle: 0.1, faceIds: [1, 2] }],
      settled: [5],
    });
  },
  markGroupingDirty: (o) => o.markGroupingDirty({ faceIds: [1], personIds: [2] }),
  groupingFingerprintOf: async (o) => {
    await o.groupingFingerprintOf('m1', { faceIds: [1], personIds: [2] });
    return o.groupingFingerprintOf('m1', { faceIds: [1], personIds: [2] }, { holdForWrite: true });
  },
  markFacesGrouped: (o) => o.markFacesGrouped([1, 2]),
  assignFaces: (o) =>
    o.assignFaces([
      { faceId: 1, personId: 2 },
      { faceId: 2, personId: null },
    ]),
  verifyFaces: (o) => o.verifyFaces([{ faceId: 1, personId: 2 }]),
  tidyPersons: (o) => o.tidyPersons([1, 2]),
  createPersons: (o) => o.createPersons([{ name: 'Ada', rank: null, appointment: null, type: null }, {}]),
  setPortraits: (o) => o.setPortraits([{ personId: 1, faceId: 2, mediaFileId: 3 }]),
  listPersons: (o) => o.listPersons(),
  getPerson: (o) => o.getPerson(1),
  acquireLock: (o) => o.acquireLock('grouping', 'worker', 600),
  releaseLock: (o) => o.releaseLock('grouping', 'worker'),
  enqueueRequest: (o) => o.enqueueRequest('recluster', { payload: { a: 1 }, dedupe: true }),
  takeRequest: (o) => o.takeRequest('recluster'),
  finishRequest: (o) => o.finishRequest(1, 'done', { ok: true }),
  getRequest: (o) => o.getRequest(1),
  stats: (o) => o.stats(),
  countItems: (o) => o.countItems('pending'),
  // The people operations (migration 6).
  photo: async (o) => {
    await o.photo({ itemId: 1 });
    return o.photo({ filePath: 'a/b.jpg' });
  },
  getFaces: (o) => o.getFaces([1, 2]),
  moveFaces: (o) => o.moveFaces([1, 2], 3),
  unassignFaces: (o) => o.unassignFaces([1, 2]),
  confirmFaces: (o) => o.confirmFaces([1, 2]),
  rejectFaces: (o) => o.rejectFaces([1, 2]),
  restoreFaces: (o) =>
    o.restoreFaces([
      { faceId: 1, personId: 3, isUserVerified: false, isRejected: false },
      { faceId: 2, personId: null, isUserVerified: true, isRejected: true },
    ]),
  cannotLinks: (o) => o.cannotLinks(),
  unassignedFaces: (o) => o.unassignedFaces('m1', { offset: 0, limit: 10 }),
  searchPersons: async (o) => {
    await o.searchPersons({ offset: 0, limit: 10 });
    return o.searchPersons({ offset: 10, limit: 10, search: 'ad', hidden: 'all' });
  },
  personFaces: (o) => o.personFaces(1, { offset: 0, limit: 10 }),
  updatePerson: (o) => o.updatePerson(1, { name: 'Ada', rank: null, hidden: true }),
  mergePersons: (o) => o.mergePersons(1, [2, 3]),
  choosePortrait: (o) => o.choosePortrait(1, 2),
  deletePerson: (o) => o.deletePerson(1),
  fillPortraits: (o) => o.fillPortraits([1, 2]),
  personSummaries: (o) => o.personSummaries([1, 2]),
  // The reliability operations (migration 7).
  startItem: (o) => o.startItem(1, 'worker', 600),
  failAbandonedItems: (o) => o.failAbandonedItems(3),
  leaseReport: (o) => o.leaseReport(),
  findMediaFileByPath: (o) => o.findMediaFileByPath('a/b.jpg'),
  findMediaFilesByContent: (o) => o.findMediaFilesByContent('hash'),
  moveMediaFile: (o) =>
    o.moveMediaFile(1, 'a/b.jpg', 'c/b.jpg', 'b.jpg', { contentHash: 'h', fileSize: 10, fileModifiedMs: 5 }),
  updateMediaFileContent: (o) => o.updateMediaFileContent(1, { contentHash: 'h2', fileSize: 11, fileModifiedMs: 6 }),
  markItemFailed: (o) => o.markItemFailed(1, 'unreadable'),
  unknownPaths: (o) => o.unknownPaths(['a.jpg', 'b.jpg']),
  libraryId: (o) => o.libraryId(),
  markEmbeddingFailed: (o) => o.markEmbeddingFailed([1, 2], 'm1', 'broken'),
  activity: (o) => o.activity(),
  requeueItems: (o) => o.requeueItems([1, 2], ['a/b.jpg']),
  requeueItemsWithoutFaces: (o) => o.requeueItemsWithoutFaces(),
  facesNeedingThumbnails: (o) => o.facesNeedingThumbnails(true, 0, 10),
  setThumbnails: (o) =>
    o.setThumbnails([{ faceId: 1, thumbnailPath: 'faces/1/face-1.jpg', thumbnailName: 'face-1.jpg' }]),
  oldEmbeddingCounts: (o) => o.oldEmbeddingCounts(),
  removeOldEmbeddings: (o) => o.removeOldEmbeddings('m0'),
};

export interface CollectedBatch {
  source: string;
  text: string;
}

/** Runs every sample call on the pool and inside a transaction; returns what was sent, by operation. */
export async function collectAdapterBatches(): Promise<{ batches: CollectedBatch[]; covered: string[] }> {
  const batches: CollectedBatch[] = [];
  const covered: string[] = [];
  for (const [name, call] of Object.entries(sampleCalls)) {
    const driver = new FakeDriver();
    const repo = new MssqlRepository(driver, { vectorType: false }, { warn: () => {} });
    await call(repo);
    await repo.transaction((tx) => call(tx));
    for (const s of driver.sent) batches.push({ source: `${name} (${s.where})`, text: s.text });
    covered.push(name);
  }
  return { batches, covered };
}

export function migrationBatches(): CollectedBatch[] {
  const batches: CollectedBatch[] = [
    { source: 'migration runner: version table', text: qualifyTables(VERSION_TABLE) },
    { source: 'migration runner: app lock', text: MIGRATION_LOCK_SQL },
    { source: 'migration runner: applied?', text: APPLIED_SQL },
    { source: 'migration runner: record version', text: RECORD_VERSION_SQL },
    { source: 'vector support', text: VECTOR_SUPPORT_SQL },
  ];
  for (const m of mssqlMigrations)
    m.statements.forEach((text, i) =>
      batches.push({ source: `migration ${m.version} #${i + 1}`, text: qualifyTables(text) }),
    );
  return batches;
}

export const allOperations = Object.keys(operationActions);
