/**
 * Stage logic on the fast layer (in-memory SQLite, scripted analyzer, thumbnails in memory):
 * what the stages decide and write, without the models. End-to-end runs on real photos are in
 * pipeline.test.ts and regroup.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PeopleService } from '../../src/people/people-service.js';
import { unassignedFaceView } from '../../src/people/people-view.js';
import { fastPipeline, type FastPipeline } from '../helpers/fast-pipeline.js';

let fast: FastPipeline;
afterEach(async () => fast?.close());

/** Identities 1 and 2 appear twice, 3 once: two persons and one face in no person. */
const PHOTOS = [[1, 2], [1, 3], [2]];

async function library(photos = PHOTOS, settings: Record<string, string> = {}) {
  fast = await fastPipeline(photos, settings);
  for (const k of photos.keys()) await fast.register(k);
  return fast;
}

async function personsByFaces(f: FastPipeline) {
  const persons = await Promise.all((await f.repo.listPersons()).map((p) => f.repo.getPerson(p.id)));
  return persons.map((p) => p!.faces.map((face) => face.id).sort((a, b) => a - b));
}

describe('stages on the fast layer', () => {
  it('groups the faces of each identity into one person, counts first assignments apart from moves, and reruns change nothing', async () => {
    const f = await library();
    const pipeline = f.pipeline();
    const run = await pipeline.runAll();
    expect(run.detected).toMatchObject({ items: 3, faces: 5, failed: 0 });
    expect(run.recognised.grouped).toMatchObject({
      regrouped: true,
      personsCreated: 2,
      facesAssigned: 4,
      facesMoved: 0, // a new library: no face had a person before
      noise: 1,
    });
    expect(await personsByFaces(f)).toHaveLength(2);
    expect((await f.repo.stats()).unassignedFaces).toBe(1);
    expect(f.thumbnails.objects.size).toBe(5);

    const stats = await f.repo.stats();
    const again = await pipeline.runAll();
    expect(again.detected.items).toBe(0);
    expect(again.recognised.grouped).toMatchObject({ regrouped: false });
    expect(await f.repo.stats()).toEqual(stats);
    expect(f.analyzer.detections).toBe(3);
  });

  it('stores the quality of each face, and starts no person from low-quality faces until they measure better', async () => {
    // Sharpness 100 (the scripted chips) is below a bar of 1000: every face is low quality.
    const f = await library(PHOTOS, { FRS_QUALITY_SHARPNESS: '1000' });
    const run = await f.pipeline().runAll();
    expect(run.recognised.grouped).toMatchObject({ regrouped: true, personsCreated: 0, noise: 5 });
    const faces = await f.repo.facesForGrouping(f.analyzer.embeddingModel);
    expect(faces.map((face) => face.quality)).toEqual([0.1, 0.1, 0.1, 0.1, 0.1]);
    // The people API lists them as low quality.
    const people = new PeopleService(f.repo, f.analyzer.embeddingModel, 0.3);
    const listed = (await people.unassignedFaces()).items.map(unassignedFaceView);
    expect(listed.map((face) => face.quality)).toEqual(
      Array(5).fill({ score: 0.1, low: true, detectorScore: 0.9, sharpness: 100 }),
    );
    // The same faces with a lower bar for the regroup: the two identities seen twice become persons.
    const regroup = await f.pipeline({ FRS_QUALITY_SHARPNESS: '1000', FRS_MIN_FACE_QUALITY: '0.1' }).recluster();
    expect(regroup).toMatchObject({ personsCreated: 2, noise: 1 });
  });

  it('finishes without duplicates when a run stops between detect and recognise', async () => {
    const f = await library();
    await f.pipeline().detect(); // this worker "dies" here
    const run = await f.pipeline().runAll();
    expect(run.detected.items).toBe(0);
    expect(f.analyzer.detections).toBe(3);
    expect(await f.repo.stats()).toMatchObject({ faces: 5, persons: 2 });
    await f.pipeline().runAll();
    expect((await f.repo.stats()).persons).toBe(2);
  });

  it('never gives one item to two workers running at the same time', async () => {
    const photos = Array.from({ length: 8 }, (_, k) => [k % 3, 10 + k]);
    const f = await library(photos, { FRS_BATCH_SIZE: '1' });
    const [a, b] = await Promise.all([f.pipeline().detect(), f.pipeline().detect()]);
    expect(a.items + b.items).toBe(8);
    expect(a.lost + b.lost).toBe(0);
    expect(f.analyzer.detections).toBe(8);
    expect((await f.repo.stats()).faces).toBe(16);
  });

  it('records a vanished or unreadable original as failed with its code and completes the others', async () => {
    const f = await library();
    f.files.delete('photo1.png');
    f.files.set('photo2.png', new TextEncoder().encode('not a photo'));
    const run = await f.pipeline().runAll();
    expect(run.detected).toMatchObject({ items: 1, failed: 2 });
    const errors = (await Promise.all([1, 2, 3].map((id) => f.repo.getMediaItem(id)))).map((i) => i?.lastError);
    expect(errors[0]).toBeNull();
    expect(errors[1]).toMatch(/^NOT_FOUND: /);
    expect(errors[2]).toMatch(/^UNSUPPORTED_FORMAT: /);
  });

  it('changes nothing in a dry run, and says what it would do', async () => {
    const f = await library();
    const before = await f.repo.stats();
    const dry = f.pipeline({ FRS_DRY_RUN: 'true' });
    const run = await dry.runAll();
    expect(run.detected.items).toBe(3); // would be processed
    await dry.recluster();
    expect(await f.repo.stats()).toEqual(before);
    expect(f.thumbnails.objects.size).toBe(0);
    expect(f.analyzer.detections).toBe(0);
  });
});
