/**
 * The behaviour every Repository adapter must show. `open` must return a new connection to
 * the same database each time it is called within one test, and that database must be empty
 * when each test starts (the caller resets it in beforeEach).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FrsError } from '../../src/errors.js';
import { generatedPersonName } from '../../src/data/person-names.js';
import { cosineSimilarity } from '../../src/data/nearest-ranking.js';
import type { FaceDetail, NearestFace, NewFace, Repository } from '../../src/data/repository.js';
import { groupingIndexContract } from './grouping-index.contract.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function embeddingFor(seed: number, dims = 8): Float32Array {
  return Float32Array.from({ length: dims }, (_, i) => Math.sin(seed * 31 + i) / 2);
}

export function newFace(overrides: Partial<NewFace> = {}): NewFace {
  return {
    boundingBox: [10, 20, 110, 140],
    detectorScore: 0.9,
    landmarks: [
      [40, 60],
      [80, 60],
      [60, 90],
      [45, 110],
      [75, 110],
    ],
    thumbnailName: 'face.jpg',
    thumbnailPath: 'thumbnails/face.jpg',
    frameNumber: 0,
    sharpness: 12.5,
    ...overrides,
  };
}

const bytesOf = (v: Float32Array) => Buffer.from(v.buffer, v.byteOffset, v.byteLength);

export function runRepositoryContract(name: string, open: () => Promise<Repository>): void {
  describe(`Repository contract: ${name}`, () => {
    const opened: Repository[] = [];
    const connect = async () => {
      const repo = await open();
      opened.push(repo);
      return repo;
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((r) => r.close()));
    });

    async function registerMany(repo: Repository, n: number, prefix = 'photo') {
      const ids: number[] = [];
      for (let i = 0; i < n; i++) {
        ids.push(
          (
            await repo.registerMediaFile({
              filePath: `/media/${prefix}-${i}.jpg`,
              fileName: `${prefix}-${i}.jpg`,
              extension: '.jpg',
            })
          ).mediaItemId,
        );
      }
      return ids;
    }

    /** One done item with `count` faces embedded by model 'm1'; returns face ids. */
    async function itemWithFaces(repo: Repository, count: number, path = '/media/group.jpg') {
      const { mediaItemId } = await repo.registerMediaFile({
        filePath: path,
        fileName: 'group.jpg',
        extension: '.jpg',
      });
      await repo.claimPendingItems('setup', 1, 60, 3);
      const faces = Array.from({ length: count }, (_, i) =>
        newFace({ embedding: embeddingFor(i), embeddingModel: 'm1', detectorScore: 0.5 + i / 100 }),
      );
      expect(await repo.completeItem(mediaItemId, 'setup', faces)).toBe(true);
      return { mediaItemId, faceIds: (await repo.facesOfItem(mediaItemId)).map((f) => f.id) };
    }

    it('registers a media file once per path, even when two connections race', async () => {
      const [a, b] = [await connect(), await connect()];
      const input = { filePath: '/media/a.jpg', fileName: 'a.jpg', extension: '.jpg', contentHash: 'sha256:aa' };
      const first = await a.registerMediaFile(input);
      expect(first.created).toBe(true);
      expect(await a.registerMediaFile(input)).toEqual({ ...first, created: false });

      const raced = await Promise.all([
        a.registerMediaFile({ ...input, filePath: '/media/b.jpg' }),
        b.registerMediaFile({ ...input, filePath: '/media/b.jpg' }),
      ]);
      expect(raced[0].mediaFileId).toBe(raced[1].mediaFileId);
      expect(raced[0].mediaItemId).toBe(raced[1].mediaItemId);
      expect(raced.filter((r) => r.created)).toHaveLength(1);
      expect(raced[0].mediaFileId).not.toBe(first.mediaFileId);

      const stats = await a.stats();
      expect(stats.mediaFiles).toBe(2);
      expect(stats.items).toEqual({ pending: 2, processing: 0, done: 0, failed: 0 });
      const item = await a.getMediaItem(first.mediaItemId);
      expect(item).toMatchObject({
        id: first.mediaItemId,
        mediaFileId: first.mediaFileId,
        status: 'pending',
        attempts: 0,
        leaseOwner: null,
      });
      expect(await a.getMediaItem(999_999)).toBeNull();
    });

    it('claims pending items in id order with a lease; an attempt counts only when started', async () => {
      const repo = await connect();
      const ids = await registerMany(repo, 5);
      const first = await repo.claimPendingItems('worker-a', 2, 60, 3);
      expect(first.map((c) => c.id)).toEqual(ids.slice(0, 2));
      expect(first[0]).toMatchObject({ filePath: '/media/photo-0.jpg', fileName: 'photo-0.jpg', attempts: 0 });
      expect(await repo.startItem(ids[0], 'worker-b', 60)).toBeNull();
      expect(await repo.startItem(ids[0], 'worker-a', 60)).toBe(1);
      const state = await repo.getMediaItem(ids[0]);
      expect(state).toMatchObject({ status: 'processing', leaseOwner: 'worker-a', attempts: 1 });
      expect((await repo.getMediaItem(ids[1]))?.attempts).toBe(0);
      expect(Date.parse(state!.leaseExpiresAt!)).toBeGreaterThan(Date.now() + 30_000);

      expect((await repo.claimPendingItems('worker-b', 10, 60, 3)).map((c) => c.id)).toEqual(ids.slice(2));
      expect(await repo.claimPendingItems('worker-c', 10, 60, 3)).toEqual([]);
      expect(await repo.renewLease(ids[0], 'worker-a', 120)).toBe(true);
      expect(await repo.renewLease(ids[0], 'worker-b', 120)).toBe(false);
    });

    it('never hands the same item to two concurrent claimers', async () => {
      const [a, b] = [await connect(), await connect()];
      const ids = await registerMany(a, 40);
      const taken = new Map<number, string>();
      for (;;) {
        const [ca, cb] = await Promise.all([a.claimPendingItems('A', 7, 60, 3), b.claimPendingItems('B', 7, 60, 3)]);
        for (const [owner, claims] of [
          ['A', ca],
          ['B', cb],
        ] as const) {
          for (const c of claims) {
            expect(taken.has(c.id), `item ${c.id} claimed twice`).toBe(false);
            taken.set(c.id, owner);
          }
        }
        if (ca.length === 0 && cb.length === 0) break;
      }
      expect([...taken.keys()].sort((x, y) => x - y)).toEqual(ids);
      for (const [id, owner] of taken) expect((await a.getMediaItem(id))?.leaseOwner).toBe(owner);
    });

    it('lets another worker take an item whose lease expired, and the old owner loses it', async () => {
      const repo = await connect();
      const [id] = await registerMany(repo, 1);
      await repo.claimPendingItems('slow', 1, 0.3, 3);
      await repo.startItem(id, 'slow', 0.3);
      expect(await repo.claimPendingItems('fast', 1, 60, 3)).toEqual([]);
      await sleep(450);
      expect(await repo.leaseReport()).toMatchObject({ active: 0, stuck: 1 });
      const reclaimed = await repo.claimPendingItems('fast', 1, 60, 3);
      expect(reclaimed).toMatchObject([{ id, attempts: 1 }]);
      expect(await repo.leaseReport()).toEqual({ active: 1, stuck: 0, oldestStuckSeconds: null });
      expect(await repo.completeItem(id, 'slow', [newFace()])).toBe(false);
      expect(await repo.failItem(id, 'slow', 'late', 3)).toBeNull();
      expect(await repo.facesOfItem(id)).toEqual([]);
      expect(await repo.completeItem(id, 'fast', [newFace()])).toBe(true);
      expect(await repo.facesOfItem(id)).toHaveLength(1);
    });

    it('fails an item only when its worker stopped during each allowed attempt, not for claims alone', async () => {
      const repo = await connect();
      const [id, untouched] = await registerMany(repo, 2);
      // Three crashes right after claiming (nothing started) cost nothing.
      for (const w of ['c1', 'c2', 'c3']) {
        expect(await repo.claimPendingItems(w, 2, 0.2, 2)).toHaveLength(2);
        await sleep(300);
        expect(await repo.failAbandonedItems(2)).toBe(0);
      }
      // Two crashes while working on the first item use up its attempts; the second is untouched.
      for (const w of ['w1', 'w2']) {
        await repo.claimPendingItems(w, 2, 0.2, 2);
        expect(await repo.startItem(id, w, 0.2)).not.toBeNull();
        await sleep(300);
      }
      const report = await repo.leaseReport();
      expect(report).toMatchObject({ active: 0, stuck: 2 });
      expect(report.oldestStuckSeconds).toBeGreaterThanOrEqual(0);
      expect(await repo.failAbandonedItems(2)).toBe(1);
      expect(await repo.getMediaItem(id)).toMatchObject({ status: 'failed', attempts: 2, leaseOwner: null });
      expect((await repo.getMediaItem(id))?.lastError).toMatch(/gave up: the worker stopped .* 2 attempt/);
      expect(await repo.claimPendingItems('w3', 5, 60, 2)).toMatchObject([{ id: untouched, attempts: 0 }]);
    });

    it('completes an item all or nothing: a failing face writes nothing', async () => {
      const repo = await connect();
      const [id] = await registerMany(repo, 1);
      await repo.claimPendingItems('w', 1, 60, 3);
      const bad = newFace({ detectorScore: 2 }); // outside 0..1: the database's CHECK rejects it
      const failure = await repo.completeItem(id, 'w', [newFace(), bad]).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(FrsError);
      expect((failure as FrsError).code).toBe('DATABASE_ERROR');
      expect(await repo.facesOfItem(id)).toEqual([]);
      expect(await repo.getMediaItem(id)).toMatchObject({
        status: 'processing',
        leaseOwner: 'w',
        facesExtractedOn: null,
      });

      const embedding = embeddingFor(3);
      const good = [
        newFace({ boundingBox: [1, 2, 3, 4], frameNumber: 7, embedding, embeddingModel: 'm1' }),
        newFace({ landmarks: null, thumbnailName: null, thumbnailPath: null, sharpness: null, frameNumber: null }),
      ];
      expect(await repo.completeItem(id, 'w', good)).toBe(true);
      const state = await repo.getMediaItem(id);
      expect(state).toMatchObject({ status: 'done', leaseOwner: null, leaseExpiresAt: null, lastError: null });
      expect(state!.facesExtractedOn).not.toBeNull();
      const faces = await repo.facesOfItem(id);
      expect(faces).toHaveLength(2);
      expect(faces[0]).toMatchObject({
        mediaItemId: id,
        personId: null,
        boundingBox: [1, 2, 3, 4],
        detectorScore: 0.9,
        frameNumber: 7,
        thumbnailName: 'face.jpg',
        thumbnailPath: 'thumbnails/face.jpg',
        sharpness: 12.5,
        embeddingModel: 'm1',
        hasEmbedding: true,
        isUserVerified: false,
        landmarks: [
          [40, 60],
          [80, 60],
          [60, 90],
          [45, 110],
          [75, 110],
        ],
      });
      expect(faces[1]).toMatchObject({
        landmarks: null,
        thumbnailName: null,
        sharpness: null,
        frameNumber: null,
        hasEmbedding: false,
        embeddingModel: null,
      });
      // A completed item is not claimable again.
      expect(await repo.claimPendingItems('w', 5, 60, 3)).toEqual([]);
    });

    it('retries a failed item until maxAttempts, then fails it for good', async () => {
      const repo = await connect();
      const [id] = await registerMany(repo, 1);
      await repo.claimPendingItems('w', 1, 60, 2);
      await repo.startItem(id, 'w', 60);
      expect(await repo.failItem(id, 'other', 'not mine', 2)).toBeNull();
      expect(await repo.failItem(id, 'w', 'decode error', 2)).toBe('pending');
      expect(await repo.getMediaItem(id)).toMatchObject({
        status: 'pending',
        attempts: 1,
        lastError: 'decode error',
        leaseOwner: null,
      });
      expect(await repo.claimPendingItems('w', 1, 60, 2)).toMatchObject([{ id, attempts: 1 }]);
      expect(await repo.startItem(id, 'w', 60)).toBe(2);
      expect(await repo.failItem(id, 'w', 'decode error again', 2)).toBe('failed');
      expect(await repo.claimPendingItems('w', 1, 60, 2)).toEqual([]);
      expect((await repo.stats()).items.failed).toBe(1);

      expect(await repo.retryFailedItems()).toBe(1);
      expect(await repo.claimPendingItems('w', 1, 60, 2)).toMatchObject([{ id, attempts: 0 }]);
    });

    it('claims one given item only when it is claimable', async () => {
      const repo = await connect();
      const [a, b] = await registerMany(repo, 2);
      expect(await repo.claimPendingItems('w1', 10, 60, 3, b)).toMatchObject([{ id: b, attempts: 0 }]);
      expect(await repo.claimPendingItems('w2', 10, 60, 3, b)).toEqual([]); // held by w1
      expect(await repo.completeItem(b, 'w1', [])).toBe(true);
      expect(await repo.claimPendingItems('w2', 10, 60, 3, b)).toEqual([]); // done
      expect(await repo.claimPendingItems('w2', 10, 60, 3)).toMatchObject([{ id: a }]);
    });

    it('holds a failed item back for the retry delay', async () => {
      const repo = await connect();
      const [id] = await registerMany(repo, 1);
      await repo.claimPendingItems('w', 1, 60, 3);
      await repo.startItem(id, 'w', 60);
      expect(await repo.failItem(id, 'w', 'storage timeout', 3, 1)).toBe('pending');
      expect(await repo.claimPendingItems('w', 1, 60, 3)).toEqual([]); // not before the delay
      await new Promise((r) => setTimeout(r, 1100));
      expect(await repo.claimPendingItems('w', 1, 60, 3)).toMatchObject([{ id, attempts: 1 }]);
    });

    it('finds files by path and by content; a move keeps the item, copies are listed after originals', async () => {
      const repo = await connect();
      const facts = { contentHash: 'h1', fileSize: 100, fileModifiedMs: 1_700_000_000_000 };
      const a = await repo.registerMediaFile({ filePath: '/a/x.jpg', fileName: 'x.jpg', extension: '.jpg', ...facts });
      expect(await repo.findMediaFileByPath('/a/x.jpg')).toEqual({
        mediaFileId: a.mediaFileId,
        mediaItemId: a.mediaItemId,
        filePath: '/a/x.jpg',
        contentHash: 'h1',
        fileSize: 100,
        fileModifiedMs: 1_700_000_000_000,
        duplicateOfItemId: null,
      });
      expect(await repo.findMediaFileByPath('/a/nope.jpg')).toBeNull();
      const copy = await repo.registerMediaFile({
        filePath: '/a/copy.jpg',
        fileName: 'copy.jpg',
        extension: '.jpg',
        ...facts,
        duplicateOfItemId: a.mediaItemId,
      });
      expect(await repo.getMediaItem(copy.mediaItemId)).toMatchObject({ status: 'done' });
      expect(await repo.claimPendingItems('w', 10, 60, 3)).toMatchObject([{ id: a.mediaItemId }]);
      expect((await repo.findMediaFilesByContent('h1')).map((f) => [f.filePath, f.duplicateOfItemId])).toEqual([
        ['/a/x.jpg', null],
        ['/a/copy.jpg', a.mediaItemId],
      ]);

      expect(await repo.moveMediaFile(a.mediaFileId, '/a/wrong.jpg', '/b/x.jpg', 'x.jpg', facts)).toBe(false);
      expect(await repo.moveMediaFile(a.mediaFileId, '/a/x.jpg', '/b/x.jpg', 'x.jpg', facts)).toBe(true);
      expect(await repo.findMediaFileByPath('/a/x.jpg')).toBeNull();
      expect(await repo.findMediaFileByPath('/b/x.jpg')).toMatchObject({ mediaItemId: a.mediaItemId });
      expect(await repo.unknownPaths(['/b/x.jpg', '/a/x.jpg', '/a/copy.jpg', "/it's new.jpg"])).toEqual([
        '/a/x.jpg',
        "/it's new.jpg",
      ]);
      expect(await repo.unknownPaths([])).toEqual([]);
    });

    it('re-detects changed content (and its copies), keeps unchanged content, retries unreadable files', async () => {
      const repo = await connect();
      const { mediaItemId, faceIds } = await itemWithFaces(repo, 1, '/m/e.jpg');
      const file = (await repo.findMediaFileByPath('/m/e.jpg'))!;
      expect(await repo.updateMediaFileContent(file.mediaFileId, { contentHash: 'v1', fileSize: 5 })).toBe('unchanged'); // first hash of a legacy-style row
      const copy = await repo.registerMediaFile({
        filePath: '/m/copy.jpg',
        fileName: 'copy.jpg',
        extension: '.jpg',
        contentHash: 'v1',
        duplicateOfItemId: mediaItemId,
      });
      expect(await repo.updateMediaFileContent(file.mediaFileId, { contentHash: 'v1', fileSize: 6 })).toBe('unchanged');
      expect(await repo.getMediaItem(mediaItemId)).toMatchObject({ status: 'done' });
      expect((await repo.findMediaFileByPath('/m/e.jpg'))?.fileSize).toBe(6);

      expect(await repo.updateMediaFileContent(file.mediaFileId, { contentHash: 'v2', fileSize: 7 })).toBe('changed');
      expect(await repo.getMediaItem(mediaItemId)).toMatchObject({ status: 'pending', attempts: 0 });
      expect(await repo.getMediaItem(copy.mediaItemId)).toMatchObject({ status: 'pending' });
      expect((await repo.findMediaFileByPath('/m/copy.jpg'))?.duplicateOfItemId).toBeNull();
      expect((await repo.facesOfItem(mediaItemId)).map((f) => f.id)).toEqual(faceIds); // replaced on completion

      const unreadable = await repo.registerMediaFile({
        filePath: '/m/locked.jpg',
        fileName: 'locked.jpg',
        extension: '.jpg',
      });
      await repo.markItemFailed(unreadable.mediaItemId, 'NOT_FOUND: permission denied');
      expect(await repo.getMediaItem(unreadable.mediaItemId)).toMatchObject({
        status: 'failed',
        lastError: 'NOT_FOUND: permission denied',
      });
      expect(await repo.updateMediaFileContent(unreadable.mediaFileId, { contentHash: 'v3' })).toBe('changed');
      expect(await repo.getMediaItem(unreadable.mediaItemId)).toMatchObject({ status: 'pending', lastError: null });
    });

    it('replaces faces on re-detection: overlapping faces keep id, person and verification', async () => {
      const repo = await connect();
      const { mediaItemId } = await repo.registerMediaFile({
        filePath: '/r/a.jpg',
        fileName: 'a.jpg',
        extension: '.jpg',
      });
      await repo.claimPendingItems('w', 1, 60, 3);
      const boxes: [number, number, number, number][] = [
        [0, 0, 100, 100],
        [200, 0, 300, 100],
        [400, 0, 500, 100],
      ];
      await repo.completeItem(
        mediaItemId,
        'w',
        boxes.map((boundingBox) => newFace({ boundingBox })),
      );
      const [kept, dropped, verifiedGone] = await repo.facesOfItem(mediaItemId);
      const [person] = await repo.createPersons(1);
      await repo.verifyFaces([
        { faceId: kept.id, personId: person },
        { faceId: verifiedGone.id, personId: person },
      ]);
      await repo.assignFaces([{ faceId: dropped.id, personId: person }]);

      await repo.updateMediaFileContent((await repo.findMediaFileByPath('/r/a.jpg'))!.mediaFileId, {
        contentHash: 'x',
      });
      await repo.updateMediaFileContent((await repo.findMediaFileByPath('/r/a.jpg'))!.mediaFileId, {
        contentHash: 'y',
      });
      await repo.claimPendingItems('w2', 1, 60, 3);
      const fresh = [newFace({ boundingBox: [5, 5, 105, 105] }), newFace({ boundingBox: [600, 0, 700, 100] })];
      expect(await repo.completeItem(mediaItemId, 'w2', fresh)).toBe(true);
      const after = await repo.facesOfItem(mediaItemId);
      expect(after.map((f) => [f.id === kept.id, f.boundingBox, f.personId, f.isUserVerified])).toEqual([
        [true, [5, 5, 105, 105], person, true],
        [false, [400, 0, 500, 100], person, true], // a verified face is never deleted
        [false, [600, 0, 700, 100], null, false],
      ]);
      expect(after.some((f) => f.id === dropped.id)).toBe(false);
    });

    it('moves the embed stage past faces that failed, until failed work is retried', async () => {
      const repo = await connect();
      const { faceIds } = await itemWithFaces(repo, 3, '/f/e.jpg');
      expect((await repo.facesWithoutEmbedding('m2', 10)).map((f) => f.id)).toEqual(faceIds);
      expect(await repo.markEmbeddingFailed(faceIds.slice(0, 2), 'm2', 'NOT_FOUND: original moved')).toBe(2);
      expect(await repo.markEmbeddingFailed([], 'm2', 'nothing')).toBe(0);
      expect((await repo.facesWithoutEmbedding('m2', 10)).map((f) => f.id)).toEqual([faceIds[2]]);
      expect((await repo.facesWithoutEmbedding('m3', 10)).map((f) => f.id)).toEqual(faceIds);
      await repo.retryFailedItems();
      expect((await repo.facesWithoutEmbedding('m2', 10)).map((f) => f.id)).toEqual(faceIds);
    });

    it('has one library id, stable across connections', async () => {
      const [a, b] = [await connect(), await connect()];
      const id = await a.libraryId();
      expect(id).toMatch(/^[0-9a-f]{16}$/);
      expect(await b.libraryId()).toBe(id);
    });

    it('round-trips embeddings bit-exact and tracks which model made them', async () => {
      const repo = await connect();
      const { mediaItemId } = await repo.registerMediaFile({
        filePath: '/media/e.jpg',
        fileName: 'e.jpg',
        extension: '.jpg',
      });
      await repo.claimPendingItems('w', 1, 60, 3);
      await repo.completeItem(mediaItemId, 'w', [
        newFace(),
        newFace(),
        newFace({ embedding: embeddingFor(9), embeddingModel: 'old' }),
      ]);

      const todo = await repo.facesWithoutEmbedding('m2', 10);
      expect(todo).toHaveLength(3);
      expect(todo[0]).toMatchObject({
        mediaItemId,
        filePath: '/media/e.jpg',
        boundingBox: [10, 20, 110, 140],
        thumbnailPath: 'thumbnails/face.jpg',
      });
      expect(await repo.facesWithoutEmbedding('m2', 2)).toHaveLength(2);

      const special = new Float32Array([
        0,
        -0,
        1e-45,
        3.4028234663852886e38,
        -1.5,
        Math.PI,
        Number.POSITIVE_INFINITY,
        0,
      ]);
      new Uint32Array(special.buffer)[7] = 0x7fc00123; // a NaN with a payload
      const random = Float32Array.from({ length: 512 }, () => Math.random() * 2 - 1);
      const updates = [
        { faceId: todo[0].id, embedding: special, model: 'm2' },
        { faceId: todo[1].id, embedding: random, model: 'm2' },
      ];
      expect(await repo.setEmbeddings(updates)).toBe(2);
      expect((await repo.facesWithoutEmbedding('m2', 10)).map((f) => f.id)).toEqual([todo[2].id]);

      const toGroup = await repo.facesForGrouping('m2');
      expect(toGroup.map((f) => f.id)).toEqual([todo[0].id, todo[1].id]);
      expect(bytesOf(toGroup[0].embedding).equals(bytesOf(special))).toBe(true);
      expect(bytesOf(toGroup[1].embedding).equals(bytesOf(random))).toBe(true);
      expect(toGroup[0]).toMatchObject({
        sharpness: 12.5,
        score: 0.9,
        personId: null,
        isUserVerified: false,
        grouped: false,
      });
      expect(await repo.facesForGrouping('old')).toHaveLength(1);
      expect((await repo.stats()).facesWithEmbedding).toBe(3);
    });

    it('stores the face quality score, keeps it when re-embedding says nothing, and refuses one outside 0..1', async () => {
      const repo = await connect();
      const [id] = await registerMany(repo, 1);
      await repo.claimPendingItems('w', 1, 60, 3);
      const bad = newFace({ quality: 1.5 }); // outside 0..1: the database's CHECK rejects it
      expect(((await repo.completeItem(id, 'w', [bad]).catch((e: unknown) => e)) as FrsError).code).toBe(
        'DATABASE_ERROR',
      );
      const faces = [
        newFace({ quality: 0.25, embedding: embeddingFor(1), embeddingModel: 'm1' }),
        newFace({ boundingBox: [300, 20, 400, 140], embedding: embeddingFor(2), embeddingModel: 'm1' }),
      ];
      expect(await repo.completeItem(id, 'w', faces)).toBe(true);
      const [low, unmeasured] = await repo.facesOfItem(id);
      expect([low.quality, unmeasured.quality]).toEqual([0.25, null]);
      expect((await repo.facesForGrouping('m1')).map((f) => f.quality)).toEqual([0.25, null]);
      expect((await repo.getFaces([low.id]))[0].quality).toBe(0.25);
      expect((await repo.facesWithoutEmbedding('m2', 10)).map((f) => f.detectorScore)).toEqual([0.9, 0.9]);

      // Re-embedding measures sharpness and quality again; an update without them keeps the stored values.
      await repo.setEmbeddings([
        { faceId: low.id, embedding: embeddingFor(3), model: 'm2' },
        { faceId: unmeasured.id, embedding: embeddingFor(4), model: 'm2', sharpness: 40, quality: 0.875 },
      ]);
      expect((await repo.facesForGrouping('m2')).map((f) => [f.sharpness, f.quality])).toEqual([
        [12.5, 0.25],
        [40, 0.875],
      ]);
    });

    it('assigns in one call: null unassigns, a user-verified face never moves, unchanged faces are not counted', async () => {
      const repo = await connect();
      const { faceIds } = await itemWithFaces(repo, 4);
      const [p1, p2] = await repo.createPersons(2);
      await repo.verifyFaces([{ faceId: faceIds[3], personId: p2 }]);
      expect(
        await repo.assignFaces([
          { faceId: faceIds[0], personId: p1 },
          { faceId: faceIds[1], personId: p1 },
          { faceId: faceIds[3], personId: p1 },
        ]),
      ).toBe(2);
      expect(
        await repo.assignFaces([
          { faceId: faceIds[0], personId: null },
          { faceId: faceIds[1], personId: p1 },
          { faceId: faceIds[2], personId: p2 },
        ]),
      ).toBe(2);
      const persons = new Map((await repo.facesForGrouping('m1')).map((f) => [f.id, f.personId]));
      expect([0, 1, 2, 3].map((k) => persons.get(faceIds[k]))).toEqual([null, p1, p2, p2]);
    });

    it('creates persons, assigns faces, sets portraits and lists them with counts', async () => {
      const repo = await connect();
      const { faceIds, mediaItemId } = await itemWithFaces(repo, 4);
      const mediaFileId = (await repo.getMediaItem(mediaItemId))!.mediaFileId;
      const [p1, p2] = await repo.createPersons(2);
      const [named] = await repo.createPersons([{ name: 'Ada', rank: 'Capt', appointment: 'Pilot', type: 'staff' }]);
      expect(new Set([p1, p2, named]).size).toBe(3);

      expect(
        await repo.assignFaces([
          { faceId: faceIds[0], personId: p1 },
          { faceId: faceIds[1], personId: p1 },
          { faceId: faceIds[2], personId: p2 },
        ]),
      ).toBe(3);
      expect(await repo.assignFaces([{ faceId: faceIds[0], personId: p1 }])).toBe(0); // unchanged
      expect(await repo.setPortraits([{ personId: p1, faceId: faceIds[1], mediaFileId }])).toBe(1);

      const toGroup = await repo.facesForGrouping('m1');
      expect(toGroup.map((f) => [f.id, f.personId])).toEqual([
        [faceIds[0], p1],
        [faceIds[1], p1],
        [faceIds[2], p2],
        [faceIds[3], null],
      ]);
      expect(bytesOf(toGroup[0].embedding).equals(bytesOf(embeddingFor(0)))).toBe(true);
      expect(toGroup.every((f) => f.mediaFileId === mediaFileId)).toBe(true);

      const persons = await repo.listPersons();
      expect(persons.map((p) => [p.id, p.faceCount])).toEqual([
        [p1, 2],
        [p2, 1],
        [named, 0],
      ]);
      expect(persons[0]).toMatchObject({
        portraitFaceId: faceIds[1],
        portraitMediaFileId: mediaFileId,
        portraitThumbnailPath: 'thumbnails/face.jpg',
        verifiedFaceCount: 0,
      });
      expect(persons[2]).toMatchObject({
        name: 'Ada',
        rank: 'Capt',
        appointment: 'Pilot',
        type: 'staff',
        portraitFaceId: null,
      });

      const detail = await repo.getPerson(p1);
      expect(detail?.faces.map((f) => f.id)).toEqual([faceIds[0], faceIds[1]]);
      expect(detail?.faces[0].personId).toBe(p1);
      expect(await repo.getPerson(987_654)).toBeNull();
      expect(await repo.createPersons(0)).toEqual([]);
      expect((await repo.stats()).persons).toBe(3);
    });

    it('never moves a user-verified face', async () => {
      const repo = await connect();
      const { faceIds } = await itemWithFaces(repo, 2);
      const [p1, p2] = await repo.createPersons(2);
      expect(await repo.verifyFaces([{ faceId: faceIds[0], personId: p1 }])).toBe(1);
      expect(
        await repo.assignFaces([
          { faceId: faceIds[0], personId: p2 },
          { faceId: faceIds[1], personId: p2 },
        ]),
      ).toBe(1);
      expect(
        await repo.assignFaces([
          { faceId: faceIds[0], personId: null },
          { faceId: faceIds[1], personId: null },
        ]),
      ).toBe(1);

      const [verified] = (await repo.getPerson(p1))!.faces;
      expect(verified).toMatchObject({ id: faceIds[0], personId: p1, isUserVerified: true });
      expect((await repo.facesForGrouping('m1')).map((f) => [f.id, f.personId, f.isUserVerified])).toEqual([
        [faceIds[0], p1, true],
        [faceIds[1], null, false],
      ]);
      expect((await repo.stats()).verifiedFaces).toBe(1);
    });

    it('tracks which faces a grouping run has seen: new and re-embedded unverified faces only', async () => {
      const repo = await connect();
      expect(await repo.hasUngroupedFaces('m1')).toBe(false);
      const { faceIds } = await itemWithFaces(repo, 3);
      expect(await repo.hasUngroupedFaces('m1')).toBe(true);
      expect(await repo.hasUngroupedFaces('m2')).toBe(false); // no embedding from that model

      // More ids than one SQL Server statement takes, unknown ones included.
      const many = [...faceIds, ...Array.from({ length: 2500 }, (_, i) => 900_000 + i)];
      expect(await repo.markFacesGrouped(many)).toBe(3);
      expect(await repo.markFacesGrouped([])).toBe(0);
      expect(await repo.hasUngroupedFaces('m1')).toBe(false);
      expect((await repo.facesForGrouping('m1')).map((f) => f.grouped)).toEqual([true, true, true]);
      const [p1] = await repo.createPersons(1);
      await repo.assignFaces([{ faceId: faceIds[0], personId: p1 }]);
      expect(await repo.hasUngroupedFaces('m1')).toBe(false); // moving a face is not new work

      // A new embedding makes the face new to grouping again.
      await repo.setEmbeddings([{ faceId: faceIds[1], embedding: embeddingFor(7), model: 'm1' }]);
      expect((await repo.facesForGrouping('m1')).map((f) => f.grouped)).toEqual([true, false, true]);
      expect(await repo.hasUngroupedFaces('m1')).toBe(true);
      // ... unless a user verified it: verified faces never move, so they are no work for grouping.
      await repo.verifyFaces([{ faceId: faceIds[1], personId: p1 }]);
      expect(await repo.hasUngroupedFaces('m1')).toBe(false);
    });

    it('changes the grouping fingerprint with every change a regroup reads, and only then', async () => {
      const repo = await connect();
      const seen: string[] = [];
      const next = async (): Promise<string> => {
        const fp = await repo.groupingFingerprint('m1');
        expect(seen).not.toContain(fp);
        seen.push(fp);
        return fp;
      };
      await next();
      const { faceIds } = await itemWithFaces(repo, 3);
      const afterFaces = await next();
      await repo.listPersons();
      await repo.facesForGrouping('m1');
      expect(await repo.groupingFingerprint('m1')).toBe(afterFaces); // reads change nothing
      const [p1, p2] = await repo.createPersons(2);
      await next();
      await repo.assignFaces([
        { faceId: faceIds[0], personId: p1 },
        { faceId: faceIds[1], personId: p2 },
      ]);
      await next();
      // Swapping two faces between persons keeps every count and sum of person ids.
      await repo.assignFaces([
        { faceId: faceIds[0], personId: p2 },
        { faceId: faceIds[1], personId: p1 },
      ]);
      await next();
      await repo.markFacesGrouped([faceIds[2]]);
      await next();
      await repo.verifyFaces([{ faceId: faceIds[2], personId: p1 }]);
      await next();
      await repo.setEmbeddings([{ faceId: faceIds[0], embedding: embeddingFor(9), model: 'm2' }]);
      await next();
      await repo.tidyPersons([p1, p2]);
      const [p3] = await repo.createPersons(1);
      expect(p3).toBeGreaterThan(p2);
      await next();
    });

    it('tidies persons after faces moved: clears stale portraits, drops empty unnamed persons only among those given', async () => {
      const repo = await connect();
      const { faceIds } = await itemWithFaces(repo, 4);
      const [p1, p2, untouched] = await repo.createPersons(3);
      const [alice] = await repo.createPersons([{ name: 'Alice' }]);
      const [pilot] = await repo.createPersons([{ appointment: 'Pilot' }]);
      await repo.assignFaces([
        { faceId: faceIds[0], personId: p1 },
        { faceId: faceIds[1], personId: p2 },
        { faceId: faceIds[3], personId: alice },
      ]);
      await repo.verifyFaces([{ faceId: faceIds[2], personId: p2 }]);
      await repo.setPortraits([
        { personId: p1, faceId: faceIds[0], mediaFileId: null },
        { personId: p2, faceId: faceIds[1], mediaFileId: null },
        { personId: alice, faceId: faceIds[3], mediaFileId: null },
      ]);

      // Faces move away from p1, p2 and alice.
      await repo.assignFaces([
        { faceId: faceIds[0], personId: null },
        { faceId: faceIds[1], personId: null },
        { faceId: faceIds[3], personId: null },
      ]);
      const many = [p1, p2, alice, pilot, ...Array.from({ length: 1500 }, (_, i) => 800_000 + i)];
      expect(await repo.tidyPersons(many)).toEqual({ portraitsCleared: 3, personsDeleted: 1 });
      expect(await repo.tidyPersons([])).toEqual({ portraitsCleared: 0, personsDeleted: 0 });
      expect(await repo.getPerson(p1)).toBeNull(); // nothing left, no name
      expect(await repo.getPerson(alice)).toMatchObject({ faceCount: 0, portraitFaceId: null }); // a user named it
      expect(await repo.getPerson(pilot)).not.toBeNull(); // a user gave it an appointment
      expect(await repo.getPerson(untouched)).not.toBeNull(); // empty, but not among those given
      expect(await repo.getPerson(p2)).toMatchObject({ faceCount: 1, verifiedFaceCount: 1, portraitFaceId: null }); // keeps its verified face
    });

    it('rolls a failed regroup transaction back completely', async () => {
      const repo = await connect();
      const { faceIds } = await itemWithFaces(repo, 3);
      const [p1, p2] = await repo.createPersons(2);
      await repo.assignFaces([
        { faceId: faceIds[0], personId: p1 },
        { faceId: faceIds[1], personId: p2 },
      ]);
      await repo.setPortraits([{ personId: p1, faceId: faceIds[0], mediaFileId: null }]);
      const personsBefore = await repo.listPersons();
      const facesBefore = await repo.facesForGrouping('m1');

      const crash = repo.transaction(async (tx) => {
        const [p3] = await tx.createPersons(1);
        expect(await tx.assignFaces(faceIds.map((faceId) => ({ faceId, personId: p3 })))).toBe(3);
        expect(await tx.tidyPersons([p1, p2])).toEqual({ portraitsCleared: 1, personsDeleted: 2 });
        expect(await tx.markFacesGrouped(faceIds)).toBe(3);
        await repo.createPersons([{ name: 'made through the outer handle' }]); // joins the transaction
        throw new Error('crash mid-regroup');
      });
      await expect(crash).rejects.toThrow('crash mid-regroup');
      expect(await repo.listPersons()).toEqual(personsBefore);
      expect(await repo.facesForGrouping('m1')).toEqual(facesBefore);

      const committed = await repo.transaction(async (tx) => {
        const [p3] = await tx.createPersons(1);
        await tx.assignFaces(faceIds.map((faceId) => ({ faceId, personId: p3 })));
        await tx.tidyPersons([p1, p2]);
        return p3;
      });
      expect((await repo.listPersons()).map((p) => [p.id, p.faceCount])).toEqual([[committed, 3]]);
    });

    it('keeps an open transaction invisible to other connections until it commits', async () => {
      const [a, b] = [await connect(), await connect()];
      const running = a.transaction(async (tx) => {
        await tx.createPersons([{ name: 'Ghost' }]);
        await sleep(150);
        throw new Error('abort');
      });
      await sleep(30);
      const seen = await b.listPersons();
      await expect(running).rejects.toThrow('abort');
      expect(seen.map((p) => p.name)).not.toContain('Ghost');
      expect(await b.listPersons()).toEqual([]);
    });

    it('grants a named lock to one owner at a time until it expires or is released', async () => {
      const [a, b] = [await connect(), await connect()];
      const raced = await Promise.all([a.acquireLock('pipeline', 'A', 60), b.acquireLock('pipeline', 'B', 60)]);
      expect(raced.filter(Boolean)).toHaveLength(1);
      const [holder, other] = raced[0] ? ['A', 'B'] : ['B', 'A'];
      expect(await a.acquireLock('pipeline', holder, 60)).toBe(true); // renew
      expect(await a.acquireLock('pipeline', other, 60)).toBe(false);
      expect(await a.releaseLock('pipeline', other)).toBe(false);
      expect(await a.releaseLock('pipeline', holder)).toBe(true);
      expect(await a.acquireLock('pipeline', other, 0.2)).toBe(true);
      expect(await a.acquireLock('pipeline', holder, 60)).toBe(false);
      expect(await a.acquireLock('another-lock', holder, 60)).toBe(true);
      await sleep(300);
      expect(await a.acquireLock('pipeline', holder, 60)).toBe(true); // the other's expired
    });

    it('queues requests, hands each to one taker, and records the result', async () => {
      const [a, b] = [await connect(), await connect()];
      const first = await a.enqueueRequest('recluster', { payload: { reason: 'user' }, dedupe: true });
      expect(await a.enqueueRequest('recluster', { dedupe: true })).toBe(first);
      const second = await a.enqueueRequest('recluster');
      expect(second).not.toBe(first);
      expect((await a.stats()).queuedRequests).toBe(2);

      const [ta, tb] = await Promise.all([a.takeRequest('recluster'), b.takeRequest('recluster')]);
      expect([ta?.id, tb?.id].sort()).toEqual([first, second].sort());
      expect(await a.takeRequest('recluster')).toBeNull();
      expect(await a.takeRequest('reindex')).toBeNull();

      const taken = await a.getRequest(first);
      expect(taken).toMatchObject({
        id: first,
        kind: 'recluster',
        status: 'running',
        payload: { reason: 'user' },
        result: null,
        finishedAt: null,
      });
      expect(taken!.startedAt).not.toBeNull();
      expect(await a.finishRequest(first, 'done', { persons: 4 })).toBe(true);
      expect(await a.finishRequest(first, 'failed')).toBe(false); // already finished
      const done = await a.getRequest(first);
      expect(done).toMatchObject({ status: 'done', result: { persons: 4 } });
      expect(done!.finishedAt).not.toBeNull();
      expect(await a.enqueueRequest('recluster', { dedupe: true })).not.toBe(first); // nothing queued any more
      expect(await a.getRequest(424_242)).toBeNull();
    });

    it('names new persons Unknown-<id> without counting the name as user-entered', async () => {
      const repo = await connect();
      const [generated, named] = await repo.createPersons([{}, { name: 'Ada' }]);
      const list = await repo.listPersons();
      expect(list.find((p) => p.id === generated)).toMatchObject({
        name: generatedPersonName(generated),
        nameIsGenerated: true,
      });
      expect(list.find((p) => p.id === named)).toMatchObject({ name: 'Ada', nameIsGenerated: false });
      // Empty: the generated name does not keep it; the typed one does.
      expect(await repo.tidyPersons([generated, named])).toEqual({ portraitsCleared: 0, personsDeleted: 1 });
      expect((await repo.listPersons()).map((p) => p.id)).toEqual([named]);

      // A merge into a person with a generated name takes the user's name; a rename makes it a user's name.
      const [target, other] = await repo.createPersons([{}, {}]);
      await repo.mergePersons(target, [named]);
      expect((await repo.getPerson(target))?.name).toBe('Ada');
      expect(await repo.updatePerson(other, { name: 'Grace' })).toBe(true);
      expect((await repo.getPerson(other))?.nameIsGenerated).toBe(false);
      await expect(repo.updatePerson(other, { appointment: 'a'.repeat(101) })).rejects.toThrow(/Persons\.Appointment/);
    });

    it("refuses values longer than the replaced system's columns, naming the column, writing nothing", async () => {
      const repo = await connect();
      const long = `/media/${'x'.repeat(500)}.jpg`;
      const err = await repo
        .registerMediaFile({ filePath: long, fileName: 'x.jpg', extension: '.jpg' })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FrsError);
      expect((err as FrsError).message).toMatch(/MediaFile\.FilePath holds at most 500 characters/);
      await expect(repo.createPersons([{ name: 'Ada', rank: 'r'.repeat(51) }])).rejects.toThrow(/Persons\.Rank .* 50/);
      expect(await repo.stats()).toMatchObject({ mediaFiles: 0, persons: 0 });
    });

    it('keeps embeddings of another model when faces are re-embedded or re-detected, until removed', async () => {
      const repo = await connect();
      const { mediaItemId, faceIds } = await itemWithFaces(repo, 2);
      const old = embeddingFor(7, 512);
      expect(await repo.setEmbeddings([{ faceId: faceIds[0], embedding: old, model: 'm0' }])).toBe(1);
      // m1 -> m0 kept the m1 embedding; m0 again keeps nothing more.
      expect(await repo.setEmbeddings([{ faceId: faceIds[0], embedding: embeddingFor(8), model: 'm0' }])).toBe(1);
      expect(await repo.oldEmbeddingCounts()).toEqual([{ model: 'm1', dimensions: 8, faces: 1 }]);
      expect(await repo.setEmbeddings([{ faceId: faceIds[1], embedding: embeddingFor(9), model: 'm2' }])).toBe(1);
      expect(await repo.oldEmbeddingCounts()).toEqual([{ model: 'm1', dimensions: 8, faces: 2 }]);

      // Re-detection replaces the unverified faces: embeddings of another model than the new faces' are kept.
      await repo.claimPendingItems('w', 1, 60, 3); // nothing pending: item is done
      expect(await repo.requeueItems([mediaItemId], [])).toEqual([mediaItemId]);
      await repo.claimPendingItems('w', 1, 60, 3);
      expect(
        await repo.completeItem(mediaItemId, 'w', [newFace({ embedding: embeddingFor(1), embeddingModel: 'm2' })]),
      ).toBe(true);
      expect(await repo.oldEmbeddingCounts()).toEqual([
        { model: 'm0', dimensions: 8, faces: 1 },
        { model: 'm1', dimensions: 8, faces: 2 },
      ]);
      expect(await repo.removeOldEmbeddings('m1')).toBe(2);
      expect(await repo.removeOldEmbeddings()).toBe(1);
      expect(await repo.oldEmbeddingCounts()).toEqual([]);
    });

    it('queues items again by id or path, and extracted items without faces', async () => {
      const repo = await connect();
      const ids = await registerMany(repo, 3);
      const claimed = await repo.claimPendingItems('w', 3, 60, 3);
      expect(claimed).toHaveLength(3);
      await repo.completeItem(ids[0], 'w', [newFace()]);
      await repo.completeItem(ids[1], 'w', []);
      // ids[2] is leased right now: left alone.
      expect(await repo.requeueItems([ids[0], ids[2], 999_999], ['/media/photo-1.jpg', '/nowhere.jpg'])).toEqual([
        ids[0],
        ids[1],
      ]);
      expect(await repo.getMediaItem(ids[0])).toMatchObject({ status: 'pending', attempts: 0, leaseOwner: null });
      expect(await repo.getMediaItem(ids[2])).toMatchObject({ status: 'processing', leaseOwner: 'w' });
      await repo.claimPendingItems('w', 2, 60, 3);
      await repo.completeItem(ids[0], 'w', [newFace()]);
      await repo.completeItem(ids[1], 'w', []);
      await repo.completeItem(ids[2], 'w', []);
      expect(await repo.requeueItemsWithoutFaces()).toEqual([ids[1], ids[2]]);
      expect((await repo.stats()).items).toMatchObject({ pending: 2, done: 1 });
      expect([
        await repo.countItems('pending'),
        await repo.countItems('done'),
        await repo.countItems('failed'),
      ]).toEqual([2, 1, 0]);
    });

    it('lists faces without thumbnails and records the ones made, keeping existing names', async () => {
      const repo = await connect();
      const { faceIds } = await itemWithFaces(repo, 1, '/media/t1.jpg');
      const { mediaItemId } = await repo.registerMediaFile({
        filePath: '/media/t2.jpg',
        fileName: 't2.jpg',
        extension: '.jpg',
      });
      await repo.claimPendingItems('w', 1, 60, 3);
      await repo.completeItem(mediaItemId, 'w', [
        newFace({ thumbnailPath: null, thumbnailName: 'legacy_TN0' }),
        newFace({ thumbnailPath: null, thumbnailName: null }),
      ]);
      const missing = await repo.facesNeedingThumbnails(true, 0, 10);
      expect(missing.map((f) => f.filePath)).toEqual(['/media/t2.jpg', '/media/t2.jpg']);
      expect(missing[0]).toMatchObject({ mediaItemId, boundingBox: [10, 20, 110, 140], thumbnailName: 'legacy_TN0' });
      expect((await repo.facesNeedingThumbnails(false, 0, 10)).map((f) => f.id)).toEqual([
        faceIds[0],
        ...missing.map((f) => f.id),
      ]);
      expect((await repo.facesNeedingThumbnails(true, missing[0].id, 10)).map((f) => f.id)).toEqual([missing[1].id]);
      expect(
        await repo.setThumbnails(
          missing.map((f) => ({ faceId: f.id, thumbnailPath: `faces/${f.id}.jpg`, thumbnailName: `t_${f.id}.jpg` })),
        ),
      ).toBe(2);
      expect(await repo.facesNeedingThumbnails(true, 0, 10)).toEqual([]);
      const faces = await repo.facesOfItem(mediaItemId);
      expect(faces.map((f) => [f.thumbnailName, f.thumbnailPath])).toEqual([
        ['legacy_TN0', `faces/${missing[0].id}.jpg`],
        [`t_${missing[1].id}.jpg`, `faces/${missing[1].id}.jpg`],
      ]);
    });

    it('reports the latest activity: last processed photo, last finished recluster, queued reclusters', async () => {
      const repo = await connect();
      expect(await repo.activity()).toEqual({ lastProcessedAt: null, lastRecluster: null, queuedReclusters: 0 });
      const [id] = await registerMany(repo, 1);
      await repo.claimPendingItems('w', 1, 60, 3);
      await repo.completeItem(id, 'w', []);
      const first = await repo.enqueueRequest('recluster');
      await repo.enqueueRequest('reindex');
      expect((await repo.activity()).queuedReclusters).toBe(1);
      await repo.takeRequest('recluster');
      await repo.finishRequest(first, 'failed', { error: 'x' });
      await repo.enqueueRequest('recluster');
      const activity = await repo.activity();
      expect(activity).toMatchObject({ lastRecluster: { id: first, status: 'failed' }, queuedReclusters: 1 });
      expect(Date.parse(activity.lastProcessedAt!)).toBeGreaterThan(Date.now() - 60_000);
    });

    it('lists persons one page at a time with the total, name search and the hidden filter', async () => {
      const repo = await connect();
      const { faceIds } = await itemWithFaces(repo, 6);
      const [ada, bob, hidden, percent] = await repo.createPersons([
        { name: 'Ada Lovelace' },
        { name: 'Bob' },
        { name: 'Passer-by' },
        { name: '100% Ada_' },
      ]);
      await repo.assignFaces([
        { faceId: faceIds[0], personId: bob },
        { faceId: faceIds[1], personId: bob },
        { faceId: faceIds[2], personId: bob },
        { faceId: faceIds[3], personId: ada },
        { faceId: faceIds[4], personId: ada },
        { faceId: faceIds[5], personId: hidden },
      ]);
      await repo.setPortraits([{ personId: bob, faceId: faceIds[1], mediaFileId: null }]);
      expect(await repo.updatePerson(hidden, { hidden: true })).toBe(true);

      const first = await repo.searchPersons({ offset: 0, limit: 2 });
      expect(first.total).toBe(3);
      expect(first.items.map((p) => [p.id, p.faceCount, p.hidden])).toEqual([
        [bob, 3, false],
        [ada, 2, false],
      ]);
      expect(first.items[0]).toMatchObject({
        portraitFaceId: faceIds[1],
        portraitThumbnailPath: 'thumbnails/face.jpg',
      });
      expect(await repo.searchPersons({ offset: 2, limit: 2 })).toMatchObject({ total: 3, items: [{ id: percent }] });
      expect(await repo.searchPersons({ offset: 10, limit: 2 })).toEqual({ items: [], total: 3 });
      const named = await repo.searchPersons({ offset: 0, limit: 10, search: ' ada ' });
      expect(named.items.map((p) => p.id)).toEqual([ada, percent]);
      // LIKE wildcards in the search are literal characters.
      expect((await repo.searchPersons({ offset: 0, limit: 10, search: '0% a' })).items.map((p) => p.id)).toEqual([
        percent,
      ]);
      expect((await repo.searchPersons({ offset: 0, limit: 10, search: 'a_' })).items.map((p) => p.id)).toEqual([
        percent,
      ]);
      expect(await repo.searchPersons({ offset: 0, limit: 10, hidden: true })).toMatchObject({
        total: 1,
        items: [{ id: hidden, hidden: true, faceCount: 1 }],
      });
      expect((await repo.searchPersons({ offset: 0, limit: 10, hidden: 'all' })).total).toBe(4);
      expect(await repo.searchPersons({ offset: 0, limit: 10, search: 'nobody' })).toEqual({ items: [], total: 0 });
    });

    it("pages a person's faces with their photos", async () => {
      const repo = await connect();
      const one = await itemWithFaces(repo, 2, '/media/one.jpg');
      const two = await itemWithFaces(repo, 1, '/media/two.jpg');
      const [p] = await repo.createPersons([{ name: 'Ada' }]);
      await repo.moveFaces([...one.faceIds, ...two.faceIds], p);
      const page = await repo.personFaces(p, { offset: 1, limit: 1 });
      expect(page.total).toBe(3);
      expect(page.items).toHaveLength(1);
      expect(page.items[0]).toMatchObject({
        id: one.faceIds[1],
        filePath: '/media/one.jpg',
        fileName: 'group.jpg',
        boundingBox: [10, 20, 110, 140],
        thumbnailPath: 'thumbnails/face.jpg',
        personId: p,
        personName: 'Ada',
        isUserVerified: true,
        isRejected: false,
      });
      expect((await repo.personFaces(p, { offset: 2, limit: 5 })).items[0].filePath).toBe('/media/two.jpg');
      expect(await repo.personFaces(p, { offset: 5, limit: 5 })).toEqual({ items: [], total: 3 });
      expect(await repo.personFaces(424_242, { offset: 0, limit: 5 })).toEqual({ items: [], total: 0 });
    });

    it('updates the fields given, clears fields set to null, and says when the person is unknown', async () => {
      const repo = await connect();
      const [p] = await repo.createPersons([{ name: 'Ada', rank: 'Capt', appointment: 'Pilot', type: 'staff' }]);
      expect(await repo.updatePerson(p, { name: 'Ada L.', rank: null, hidden: true })).toBe(true);
      expect(await repo.getPerson(p)).toMatchObject({
        name: 'Ada L.',
        rank: null,
        appointment: 'Pilot',
        type: 'staff',
        hidden: true,
      });
      expect(await repo.updatePerson(p, {})).toBe(true);
      expect(await repo.updatePerson(p, { hidden: false })).toBe(true);
      expect((await repo.getPerson(p))?.hidden).toBe(false);
      expect(await repo.updatePerson(424_242, { name: 'x' })).toBe(false);
      expect(await repo.updatePerson(424_242, {})).toBe(false);
    });

    it('reads persons by id with their counts, leaving unknown ids out', async () => {
      const repo = await connect();
      const { faceIds } = await itemWithFaces(repo, 3);
      const [p, q, empty] = await repo.createPersons([{ name: 'Ada' }, { name: 'Bob' }, {}]);
      await repo.assignFaces([
        { faceId: faceIds[0], personId: p },
        { faceId: faceIds[1], personId: p },
      ]);
      await repo.moveFaces([faceIds[2]], q);
      const found = await repo.personSummaries([q, 424_242, p, empty, p]);
      expect(found.map((x) => [x.id, x.name, x.faceCount, x.verifiedFaceCount])).toEqual([
        [p, 'Ada', 2, 0],
        [q, 'Bob', 1, 1],
        [empty, generatedPersonName(empty), 0, 0],
      ]);
      expect(await repo.personSummaries([])).toEqual([]);
    });

    it('merges persons: faces join the target as verified, empty fields filled, sources deleted', async () => {
      const repo = await connect();
      const { faceIds } = await itemWithFaces(repo, 5);
      const [target, s1, s2] = await repo.createPersons([
        { name: 'Ada' },
        { name: 'Ada Lovelace', rank: 'Capt' },
        { appointment: 'Pilot', rank: 'Maj' },
      ]);
      await repo.assignFaces([
        { faceId: faceIds[0], personId: target },
        { faceId: faceIds[1], personId: s1 },
        { faceId: faceIds[2], personId: s2 },
        { faceId: faceIds[3], personId: s2 },
      ]);
      await repo.unassignFaces([faceIds[3]]); // "not s2": stays "not" the merged person
      const result = await repo.mergePersons(target, [s1, s2]);
      expect(result).toEqual({ movedFaceIds: [faceIds[1], faceIds[2]], personsDeleted: 2 });
      const merged = await repo.getPerson(target);
      expect(merged).toMatchObject({ name: 'Ada', rank: 'Capt', appointment: 'Pilot', faceCount: 3 });
      expect(merged?.faces.every((f) => f.isUserVerified)).toBe(true);
      expect(await repo.getPerson(s1)).toBeNull();
      expect(await repo.getPerson(s2)).toBeNull();
      expect(await repo.cannotLinks()).toEqual([{ faceId: faceIds[3], personId: target }]);
      expect(await repo.mergePersons(target, [target])).toEqual({ movedFaceIds: [], personsDeleted: 0 });
    });

    it('moves, unassigns (cannot-link), confirms and rejects faces', async () => {
      const repo = await connect();
      const { faceIds } = await itemWithFaces(repo, 4);
      const [p1, p2] = await repo.createPersons(2);
      await repo.assignFaces(faceIds.map((faceId) => ({ faceId, personId: p1 })));

      expect(await repo.unassignFaces([faceIds[0], faceIds[0]])).toBe(1);
      expect(await repo.unassignFaces([faceIds[0]])).toBe(0); // already out
      expect(await repo.cannotLinks()).toEqual([{ faceId: faceIds[0], personId: p1 }]);
      expect((await repo.getFaces([faceIds[0]]))[0]).toMatchObject({ personId: null, isUserVerified: false });

      expect(await repo.moveFaces([faceIds[1]], p2)).toBe(1);
      expect(await repo.confirmFaces([faceIds[0], faceIds[2]])).toBe(1); // an unassigned face is not confirmed
      expect(await repo.rejectFaces([faceIds[3], faceIds[3]])).toBe(1);
      expect(await repo.rejectFaces([faceIds[3]])).toBe(0);

      const faces = await repo.getFaces([424_242, faceIds[3], faceIds[1], faceIds[2]]);
      expect(faces.map((f) => [f.id, f.personId, f.isUserVerified, f.isRejected])).toEqual([
        [faceIds[1], p2, true, false],
        [faceIds[2], p1, true, false],
        [faceIds[3], null, true, true],
      ]);
      expect(faces[0]).toMatchObject({ filePath: '/media/group.jpg', fileName: 'group.jpg', embeddingModel: 'm1' });
      // Rejected faces leave grouping and the unassigned list for good.
      expect((await repo.facesForGrouping('m1')).map((f) => f.id)).toEqual(faceIds.slice(0, 3));
      const unassigned = await repo.unassignedFaces('m1', { offset: 0, limit: 10 });
      expect(unassigned).toMatchObject({ total: 1, items: [{ id: faceIds[0] }] });
      expect(await repo.unassignedFaces('other-model', { offset: 0, limit: 10 })).toEqual({ items: [], total: 0 });
      expect(await repo.unassignedFaces('m1', { offset: 3, limit: 10 })).toEqual({ items: [], total: 1 });

      // Moving a face back where the user took it out of lifts the cannot-link.
      expect(await repo.moveFaces([faceIds[0]], p1)).toBe(1);
      expect(await repo.cannotLinks()).toEqual([]);
      expect(await repo.moveFaces([faceIds[3]], p1)).toBe(1); // un-rejects: the user says it is p1
      expect((await repo.getFaces([faceIds[3]]))[0]).toMatchObject({ personId: p1, isRejected: false });
    });

    it('puts faces back where they stood (undo): person, flags, and the cannot-link lifted', async () => {
      const repo = await connect();
      const { faceIds } = await itemWithFaces(repo, 3);
      const [p1, p2] = await repo.createPersons(2);
      await repo.assignFaces(faceIds.map((faceId) => ({ faceId, personId: p1 })));
      const placement = (f: FaceDetail) => ({
        faceId: f.id,
        personId: f.personId,
        isUserVerified: f.isUserVerified,
        isRejected: f.isRejected,
      });
      const before = (await repo.getFaces(faceIds)).map(placement);
      await repo.unassignFaces([faceIds[0]]);
      await repo.moveFaces([faceIds[1]], p2);
      await repo.rejectFaces([faceIds[2]]);
      expect(await repo.cannotLinks()).toEqual([{ faceId: faceIds[0], personId: p1 }]);

      expect(await repo.restoreFaces(before)).toBe(3);
      expect((await repo.getFaces(faceIds)).map(placement)).toEqual(before);
      expect(await repo.cannotLinks()).toEqual([]);
      expect((await repo.facesForGrouping('m1')).map((f) => f.id)).toEqual(faceIds); // the rejected one is back
      // Back to a verified, rejected state too; unknown faces change nothing.
      const rejected = { faceId: faceIds[2], personId: null, isUserVerified: true, isRejected: true };
      expect(await repo.restoreFaces([rejected, { ...rejected, faceId: 424_242 }])).toBe(1);
      expect(placement((await repo.getFaces([faceIds[2]]))[0])).toEqual(rejected);
      expect(await repo.restoreFaces([])).toBe(0);
    });

    it('keeps a chosen portrait through regroup writes while its face stays, and fills missing ones', async () => {
      const repo = await connect();
      const { faceIds } = await itemWithFaces(repo, 3);
      const [p, other] = await repo.createPersons(2);
      await repo.assignFaces(faceIds.map((faceId) => ({ faceId, personId: p })));
      expect(await repo.choosePortrait(p, faceIds[0])).toBe(true);
      expect(await repo.choosePortrait(p, 424_242)).toBe(false);
      expect(await repo.choosePortrait(other, faceIds[0])).toBe(false); // not other's face
      expect(await repo.setPortraits([{ personId: p, faceId: faceIds[2], mediaFileId: null }])).toBe(0);
      expect(await repo.getPerson(p)).toMatchObject({ portraitFaceId: faceIds[0], portraitChosen: true });

      await repo.assignFaces([{ faceId: faceIds[0], personId: other }]); // the chosen face leaves
      expect(await repo.tidyPersons([p])).toMatchObject({ portraitsCleared: 1 });
      expect(await repo.getPerson(p)).toMatchObject({ portraitFaceId: null, portraitChosen: false });
      // Best detector score first (faces 0..2 score 0.50, 0.51, 0.52).
      expect(await repo.fillPortraits([p, other, 424_242])).toBe(2);
      expect(await repo.fillPortraits([p])).toBe(0); // has one now
      expect(await repo.getPerson(p)).toMatchObject({ portraitFaceId: faceIds[2], portraitChosen: false });
      expect((await repo.getPerson(other))?.portraitFaceId).toBe(faceIds[0]);
      expect(await repo.setPortraits([{ personId: p, faceId: faceIds[1], mediaFileId: null }])).toBe(1);
    });

    it('deletes a person: its faces become unassigned and unverified', async () => {
      const repo = await connect();
      const { faceIds } = await itemWithFaces(repo, 3);
      const [p, q] = await repo.createPersons([{ name: 'Ada' }, {}]);
      await repo.moveFaces([faceIds[0], faceIds[1]], p);
      await repo.assignFaces([{ faceId: faceIds[2], personId: q }]);
      await repo.unassignFaces([faceIds[2]]);
      await repo.moveFaces([faceIds[2]], q);
      await repo.unassignFaces([faceIds[1]]); // cannot-link to p
      expect(await repo.deletePerson(p)).toBe(1);
      expect(await repo.deletePerson(p)).toBeNull();
      expect(await repo.getPerson(p)).toBeNull();
      expect((await repo.getFaces([faceIds[0]]))[0]).toMatchObject({ personId: null, isUserVerified: false });
      expect(await repo.cannotLinks()).toEqual([]);
      expect(await repo.hasUngroupedFaces('m1')).toBe(true); // back to grouping
    });

    it('shows one photo with its faces and persons, by item id or file path', async () => {
      const repo = await connect();
      const { mediaItemId, faceIds } = await itemWithFaces(repo, 3, '/media/some where/photo 1.jpg');
      const [p] = await repo.createPersons([{ name: 'Ada' }]);
      await repo.moveFaces([faceIds[1]], p);
      await repo.rejectFaces([faceIds[2]]);
      const byId = await repo.photo({ itemId: mediaItemId });
      expect(byId).toMatchObject({
        itemId: mediaItemId,
        filePath: '/media/some where/photo 1.jpg',
        fileName: 'group.jpg',
      });
      expect(byId?.faces.map((f) => [f.id, f.personId, f.personName])).toEqual([
        [faceIds[0], null, null],
        [faceIds[1], p, 'Ada'],
      ]);
      expect(await repo.photo({ filePath: '/media/some where/photo 1.jpg' })).toEqual(byId);
      expect(await repo.photo({ itemId: 424_242 })).toBeNull();
      expect(await repo.photo({ filePath: '/media/none.jpg' })).toBeNull();
    });

    it('changes the grouping fingerprint with every people action', async () => {
      const repo = await connect();
      const { faceIds } = await itemWithFaces(repo, 4);
      const [p1, p2] = await repo.createPersons(2);
      await repo.assignFaces(faceIds.map((faceId) => ({ faceId, personId: p1 })));
      const seen = [await repo.groupingFingerprint('m1')];
      const changes = async (action: () => Promise<unknown>) => {
        await action();
        const fp = await repo.groupingFingerprint('m1');
        expect(seen).not.toContain(fp);
        seen.push(fp);
      };
      await changes(() => repo.choosePortrait(p1, faceIds[0]));
      await changes(() => repo.updatePerson(p1, { hidden: true }));
      await changes(() => repo.unassignFaces([faceIds[1]]));
      await changes(() => repo.confirmFaces([faceIds[2]]));
      await changes(() => repo.rejectFaces([faceIds[3]]));
      await changes(() => repo.moveFaces([faceIds[0]], p2));
      await changes(() => repo.mergePersons(p2, [p1]));
      await changes(() => repo.deletePerson(p2));
    });

    it("keeps the persons listing's face counts equal to the persons' faces through every kind of change", async () => {
      const repo = await connect();
      const { faceIds } = await itemWithFaces(repo, 10, '/media/counts.jpg');
      const [a, b, c] = await repo.createPersons(3);
      const check = async () => {
        const listed = await repo.searchPersons({ offset: 0, limit: 50, hidden: 'all' });
        for (const p of listed.items) {
          const faces = (await repo.personFaces(p.id, { offset: 0, limit: 50 })).items;
          expect([p.id, p.faceCount, p.verifiedFaceCount]).toEqual([
            p.id,
            faces.length,
            faces.filter((f) => f.isUserVerified).length,
          ]);
        }
        const counts = listed.items.map((p) => p.faceCount);
        expect(counts).toEqual([...counts].sort((x, y) => y - x));
        return listed;
      };
      expect((await check()).total).toBe(3); // persons without faces are listed too
      await repo.assignFaces(faceIds.slice(0, 6).map((faceId, i) => ({ faceId, personId: i < 4 ? a : b })));
      await check();
      await repo.verifyFaces([{ faceId: faceIds[6], personId: c }]);
      await repo.moveFaces([faceIds[0], faceIds[4]], c);
      await check();
      await repo.unassignFaces([faceIds[1]]);
      await repo.confirmFaces([faceIds[2]]);
      await repo.rejectFaces([faceIds[3]]);
      await check();
      await repo.mergePersons(a, [b]);
      await check();
      await repo.deletePerson(c);
      const listed = await check();
      expect(listed.total).toBe(1);
      expect(listed.items[0]).toMatchObject({ id: a, faceCount: 2, verifiedFaceCount: 2 });
    });

    /** Exact nearest faces by brute force over facesForGrouping: what every search must return. */
    async function bruteForce(repo: Repository, model: string, query: Float32Array, k: number, exclude?: number) {
      const faces = (await repo.facesForGrouping(model)).filter(
        (f) => f.id !== exclude && f.embedding.length === query.length,
      );
      return faces
        .map((f) => ({ faceId: f.id, personId: f.personId, similarity: cosineSimilarity(query, f.embedding) }))
        .sort((a, b) => b.similarity - a.similarity || a.faceId - b.faceId)
        .slice(0, k);
    }
    const sameRanking = (found: NearestFace[], expected: NearestFace[]) => {
      expect(found.map((f) => [f.faceId, f.personId])).toEqual(expected.map((f) => [f.faceId, f.personId]));
      found.forEach((f, i) => expect(f.similarity).toBeCloseTo(expected[i].similarity, 6));
    };

    it('finds the faces nearest to an embedding, exactly as a full scan ranks them', async () => {
      const repo = await connect();
      const { faceIds } = await itemWithFaces(repo, 40);
      const [person] = await repo.createPersons(1);
      await repo.assignFaces(faceIds.slice(0, 5).map((faceId) => ({ faceId, personId: person })));
      const other = await repo.registerMediaFile({
        filePath: '/media/other.jpg',
        fileName: 'o.jpg',
        extension: '.jpg',
      });
      await repo.claimPendingItems('setup', 1, 60, 3);
      await repo.completeItem(other.mediaItemId, 'setup', [
        newFace({ embedding: embeddingFor(3), embeddingModel: 'm2' }), // another model: never found for m1
        newFace({ embedding: embeddingFor(3, 4), embeddingModel: 'm1' }), // other dimensions: left out
        newFace({ embedding: embeddingFor(3), embeddingModel: null }), // the replaced system's: no model
      ]);
      for (const seed of [3, 17.5, 101]) {
        const query = embeddingFor(seed);
        for (const k of [1, 10, 100])
          sameRanking(await repo.nearestFaces('m1', query, k), await bruteForce(repo, 'm1', query, k));
      }
      const own = await repo.faceEmbedding(faceIds[3]);
      expect(own).toMatchObject({ faceId: faceIds[3], model: 'm1', isRejected: false });
      const similar = await repo.nearestFaces('m1', own!.embedding!, 5, { excludeFaceId: faceIds[3] });
      expect(similar.map((f) => f.faceId)).not.toContain(faceIds[3]);
      sameRanking(similar, await bruteForce(repo, 'm1', own!.embedding!, 5, faceIds[3]));
      expect(similar[0].similarity).toBeGreaterThanOrEqual(similar[4].similarity);
      expect(await repo.faceEmbedding(424_242)).toBeNull();
      expect(await repo.nearestFaces('unknown-model', own!.embedding!, 5)).toEqual([]);
      await expect(repo.nearestFaces('m1', new Float32Array([Number.NaN, 1]), 5)).rejects.toMatchObject({
        code: 'INVALID_INPUT',
      });
    });

    it('brings the face index up to date on request; searches stay exact around it', async () => {
      const repo = await connect();
      expect(await repo.refreshFaceSearch('m1')).toEqual({ indexed: 0, built: false });
      const { faceIds } = await itemWithFaces(repo, 20, '/media/refresh.jpg');
      const first = await repo.refreshFaceSearch('m1');
      expect(first).toEqual({ indexed: 20, built: true }); // built here, the first time
      await repo.rejectFaces([faceIds[0]]);
      const again = await repo.refreshFaceSearch('m1');
      expect(again).toEqual({ indexed: 19, built: false });
      const query = embeddingFor(7);
      sameRanking(await repo.nearestFaces('m1', query, 5), await bruteForce(repo, 'm1', query, 5));
      expect(await repo.refreshFaceSearch('no-such-model')).toEqual({ indexed: 0, built: false });
    });

    it('keeps the search in step with re-embedding, rejections and deletions, from any connection', async () => {
      const repo = await connect();
      const { mediaItemId, faceIds } = await itemWithFaces(repo, 12, '/media/step.jpg');
      const query = embeddingFor(4);
      expect((await repo.nearestFaces('m1', query, 1))[0].faceId).toBe(faceIds[4]); // the index exists now

      const writer = await connect(); // another connection (another process, for SQLite) writes
      await writer.rejectFaces([faceIds[4]]);
      await writer.setEmbeddings([
        { faceId: faceIds[5], embedding: embeddingFor(4.0001), model: 'm1' }, // now nearly the query
        { faceId: faceIds[6], embedding: embeddingFor(6), model: 'm2' }, // moved to another model
      ]);
      let found = await repo.nearestFaces('m1', query, 12);
      expect(found[0].faceId).toBe(faceIds[5]);
      expect(found.map((f) => f.faceId)).not.toContain(faceIds[4]);
      expect(found.map((f) => f.faceId)).not.toContain(faceIds[6]);
      sameRanking(found, await bruteForce(repo, 'm1', query, 12));

      // Re-detection drops the faces it does not find again (here: all but one box).
      const file = (await writer.findMediaFileByPath('/media/step.jpg'))!.mediaFileId;
      await writer.updateMediaFileContent(file, { contentHash: 'x' });
      await writer.updateMediaFileContent(file, { contentHash: 'y' });
      await writer.claimPendingItems('w2', 1, 60, 3);
      await writer.completeItem(mediaItemId, 'w2', [
        newFace({ boundingBox: [900, 900, 990, 990], embedding: embeddingFor(4), embeddingModel: 'm1' }),
      ]);
      const left = (await writer.facesOfItem(mediaItemId)).map((f) => f.id);
      found = await repo.nearestFaces('m1', query, 12);
      expect(found.every((f) => left.includes(f.faceId))).toBe(true);
      sameRanking(found, await bruteForce(repo, 'm1', query, 12));
      // Left: the rejected face (verified as "not a face", so kept) and the new one.
      expect(left).toEqual([faceIds[4], expect.any(Number)]);
      expect(found.map((f) => f.faceId)).toEqual([left[1]]);
    });

    groupingIndexContract(connect, itemWithFaces);

    it('wraps database failures in FrsError DATABASE_ERROR', async () => {
      const repo = await connect();
      await repo.close();
      const err = await repo.stats().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FrsError);
      expect((err as FrsError).code).toBe('DATABASE_ERROR');
    });
  });
}
