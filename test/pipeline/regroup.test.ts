/**
 * Regrouping in the real pipeline (SQLite, real models): batches end with the persons one run
 * gives, nothing new means nothing regrouped, ids, names and verified faces survive, and a
 * failure inside the regroup transaction or a dry run leaves the database as it was, and the
 * decision is made outside the write transaction unless faces changed meanwhile.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import type { Repository, RepositoryOps } from '../../src/data/repository.js';
import { silentLogger } from '../../src/pipeline/context.js';
import { MAX_DECISIONS } from '../../src/pipeline/group-stage.js';
import { GROUPING_LOCK } from '../../src/pipeline/grouping-lock.js';
import { PeopleService } from '../../src/people/people-service.js';
import { registerFolder } from '../../src/pipeline/register-stage.js';
import { demoImage } from '../helpers/fixtures.js';
import { pipelineEnv, type PipelineEnv } from '../helpers/pipeline-env.js';

/** Recognise regroups every face only with UMAP (without it, runs are incremental in either matching mode). */
const FULL_REGROUP = { FRS_UMAP_ENABLED: 'true' };

// Strict settings as in pipeline.test.ts: the demo photos show look-alike models.
const GROUPING = { FRS_MATCH_THRESHOLD: '0.98', FRS_DBSCAN_EPS: '0.02', FRS_DBSCAN_MIN_POINTS: '2' };

/** The photos, in arrival order: three people twice (two scales), and portraits seen once (noise). */
const PHOTOS: Array<{ name: string; make: (target: string) => Promise<unknown> }> = [
  { name: 'a-sample1.jpg', make: (t) => sharp(demoImage(1)).toFile(t) },
  { name: 'b-sample2.jpg', make: (t) => sharp(demoImage(2)).toFile(t) },
  {
    name: 'c-sample1-small.jpg',
    make: (t) => sharp(demoImage(1)).resize({ width: 1152 }).jpeg({ quality: 85 }).toFile(t),
  },
  { name: 'd-sample3.jpg', make: (t) => sharp(demoImage(3)).toFile(t) },
  {
    name: 'e-sample2-small.jpg',
    make: (t) => sharp(demoImage(2)).resize({ width: 700 }).jpeg({ quality: 85 }).toFile(t),
  },
];

const envs: PipelineEnv[] = [];
afterEach(async () => {
  for (const e of envs.splice(0)) await e.cleanup();
});

async function newLibrary(overrides: Record<string, string> = {}) {
  const env = pipelineEnv({ ...GROUPING, ...overrides });
  envs.push(env);
  const pipeline = await env.services().pipeline();
  const add = async (photos: typeof PHOTOS) => {
    for (const p of photos) await p.make(join(env.imagesDir, p.name));
    await registerFolder(pipeline.ctx.repo, env.imagesDir, silentLogger);
    return pipeline.runAll();
  };
  return { env, pipeline, repo: pipeline.ctx.repo, add };
}

/**
 * A library grouped after two photos, with the other photos detected but not grouped yet. With
 * UMAP, so that recognise regroups every face (regroupOnce) and the tests of that protocol see its
 * reads; the incremental run's protocol is tested in incremental-grouping.test.ts.
 */
async function libraryWithUngroupedFaces(overrides: Record<string, string> = {}) {
  const library = await newLibrary(overrides);
  await library.add(PHOTOS.slice(0, 2));
  for (const p of PHOTOS.slice(2)) await p.make(join(library.env.imagesDir, p.name));
  await registerFolder(library.repo, library.env.imagesDir, silentLogger);
  await library.pipeline.detect();
  return library;
}

interface FaceRow {
  key: string;
  faceId: number;
  personId: number | null;
  verified: number;
  groupedAt: string | null;
  modifiedAt: string | null;
}

/** Every face with its file and box (the same in any library of the same photos) and its person. */
function faceRows(env: PipelineEnv): FaceRow[] {
  const db = new Database(env.settings.FRS_DATABASE, { readonly: true });
  try {
    const rows = db
      .prepare(
        `SELECT m.FileName, f.BoundingBox, f.Id, f.PersonId, f.IsUserVerified, f.GroupedAt, f.ModifiedAt
      FROM Faces f JOIN MediaItems i ON i.Id = f.MediaItemId JOIN MediaFile m ON m.Id = i.MediaFileId ORDER BY f.Id`,
      )
      .all() as Array<Record<string, unknown>>;
    return rows.map((r) => ({
      key: `${String(r.FileName)} ${(JSON.parse(String(r.BoundingBox)) as number[]).map(Math.round).join(',')}`,
      faceId: Number(r.Id),
      personId: r.PersonId === null ? null : Number(r.PersonId),
      verified: Number(r.IsUserVerified),
      groupedAt: r.GroupedAt as string | null,
      modifiedAt: r.ModifiedAt as string | null,
    }));
  } finally {
    db.close();
  }
}

/** Persons as sets of face keys, unassigned faces as singletons: equal partitions compare equal. */
function partition(rows: FaceRow[]): string[][] {
  const groups = new Map<string, string[]>();
  for (const r of rows) {
    const group = r.personId === null ? `face ${r.key}` : `person ${r.personId}`;
    groups.set(group, [...(groups.get(group) ?? []), r.key]);
  }
  return [...groups.values()].map((g) => g.sort()).sort((a, b) => a[0].localeCompare(b[0]));
}

async function personsById(repo: Repository) {
  return new Map((await repo.listPersons()).map((p) => [p.id, p]));
}

function setName(env: PipelineEnv, personId: number, name: string): void {
  const db = new Database(env.settings.FRS_DATABASE);
  db.prepare('UPDATE Persons SET Name = ? WHERE Id = ?').run(name, personId);
  db.close();
}

describe('regrouping in the pipeline', () => {
  it('gives the same persons when the photos arrive in three batches as in one run', async () => {
    const once = await newLibrary();
    await once.add(PHOTOS);
    const batched = await newLibrary();
    for (const batch of [PHOTOS.slice(0, 2), PHOTOS.slice(2, 3), PHOTOS.slice(3)]) await batched.add(batch);

    const expected = partition(faceRows(once.env));
    expect(expected.filter((g) => g.length > 1).length).toBeGreaterThanOrEqual(3);
    expect(expected.some((g) => g.length === 1)).toBe(true); // some faces stay unassigned
    expect(partition(faceRows(batched.env))).toEqual(expected);
  });

  it('does not regroup when nothing is new: noise faces stay unassigned and nothing is written', async () => {
    const { env, add, pipeline } = await newLibrary();
    const first = await add(PHOTOS);
    expect(first.recognised.grouped).toMatchObject({ regrouped: true });
    expect(first.recognised.grouped!.noise).toBeGreaterThan(0);
    const before = faceRows(env);
    expect(before.every((r) => r.groupedAt !== null)).toBe(true);

    const again = await pipeline.runAll();
    expect(again.recognised.grouped).toMatchObject({ regrouped: false, facesMoved: 0 });
    expect(faceRows(env)).toEqual(before); // not even GroupedAt or ModifiedAt changed
  });

  it('keeps person ids and names through a regroup with new faces and through recluster', async () => {
    const { env, add, repo, pipeline } = await newLibrary();
    await add(PHOTOS.slice(0, 3));
    const ids = [...(await personsById(repo)).keys()];
    expect(ids).toHaveLength(3);
    setName(env, ids[0], 'Ada');
    const membersBefore = new Map(
      ids.map((id) => [
        id,
        faceRows(env)
          .filter((r) => r.personId === id)
          .map((r) => r.key),
      ]),
    );

    const later = await add(PHOTOS.slice(3));
    // Incremental (centroid matching, the default): the summary counts what the run regrouped, not every person.
    expect(later.recognised.grouped).toMatchObject({ regrouped: true, incremental: true, personsDeleted: 0 });
    expect(later.recognised.grouped!.personsCreated).toBeGreaterThan(0); // sample2's faces, now seen twice
    const after = faceRows(env);
    for (const [id, keys] of membersBefore)
      expect(after.filter((r) => r.personId === id).map((r) => r.key)).toEqual(expect.arrayContaining(keys));
    expect((await repo.getPerson(ids[0]))?.name).toBe('Ada');

    const idsBefore = [...(await personsById(repo)).keys()].sort();
    const reclustered = await pipeline.recluster();
    expect(reclustered).toMatchObject({ regrouped: true, facesMoved: 0, personsCreated: 0, personsDeleted: 0 });
    expect([...(await personsById(repo)).keys()].sort()).toEqual(idsBefore);
    expect(faceRows(env)).toEqual(after);
  });

  it('never moves a verified face; its person receives the faces that match it and is not reused for a cluster', async () => {
    const { env, add, repo, pipeline } = await newLibrary();
    await add(PHOTOS.slice(0, 3));
    const rows = faceRows(env);
    const [a, b] = [...new Set(rows.map((r) => r.personId).filter((p): p is number => p !== null))];
    const [face, twin] = rows.filter((r) => r.personId === a); // one person seen at two scales
    const ofB = rows.filter((r) => r.personId === b).map((r) => r.faceId);
    // The user says that face is person b (through the people service, which marks what it changes).
    await new PeopleService(repo, pipeline.ctx.analyzer.embeddingModel).moveFaces([face.faceId], b);

    const later = await add(PHOTOS.slice(3));
    expect(later.recognised.grouped!.joinedVerified).toBe(1);
    const after = new Map(faceRows(env).map((r) => [r.faceId, r]));
    expect(after.get(face.faceId)).toMatchObject({ personId: b, verified: 1 });
    expect(after.get(twin.faceId)?.personId).toBe(b); // matches the verified face
    const formerB = ofB.map((id) => after.get(id)!.personId);
    expect(new Set(formerB).size).toBe(1);
    expect(formerB[0]).not.toBe(b); // b owns a verified face: b's old faces form a new person
    expect(formerB[0]).not.toBeNull();
    expect(await repo.getPerson(a)).toBeNull(); // emptied and unnamed: deleted

    expect(await pipeline.recluster()).toMatchObject({ facesMoved: 0, personsCreated: 0 });
    expect(faceRows(env).find((r) => r.faceId === face.faceId)).toMatchObject({ personId: b, verified: 1 });
  });

  it('leaves the previous assignment intact when a write inside the regroup transaction fails', async () => {
    const { env, repo, pipeline } = await libraryWithUngroupedFaces();
    const before = faceRows(env);
    const personsBefore = await repo.listPersons();

    const original = repo.transaction.bind(repo);
    repo.transaction = <T>(fn: (tx: RepositoryOps) => Promise<T>) =>
      original((tx) =>
        fn(
          Object.assign(Object.create(tx) as RepositoryOps, {
            markFacesGrouped: () => Promise.reject(new Error('database connection lost')),
          }),
        ),
      );
    await expect(pipeline.recognise()).rejects.toThrow(/connection lost/);
    repo.transaction = original;
    expect(faceRows(env)).toEqual(before);
    expect(await repo.listPersons()).toEqual(personsBefore);

    // The new faces are still new: the next run regroups them.
    const retried = await pipeline.recognise();
    expect(retried.grouped).toMatchObject({ regrouped: true });
    expect(retried.grouped!.facesAssigned).toBeGreaterThan(0);
  });

  it('decides outside the write transaction; a change made meanwhile makes it decide again, outside it too', async () => {
    const { env, repo, pipeline } = await libraryWithUngroupedFaces(FULL_REGROUP);
    const [person] = await repo.createPersons([{ name: 'Grace' }]);
    const victim = faceRows(env).find((r) => r.groupedAt === null)!; // a new face, about to be grouped

    // Count the reads of the faces inside and outside transactions; after the first read outside,
    // a user verifies one of the new faces (as the HTTP API could, while the timer groups).
    const reads = { outside: 0, inside: 0 };
    const readOutside = repo.facesForGrouping.bind(repo);
    repo.facesForGrouping = async (model: string) => {
      reads.outside++;
      const faces = await readOutside(model);
      if (reads.outside === 1) await repo.verifyFaces([{ faceId: victim.faceId, personId: person }]);
      return faces;
    };
    const original = repo.transaction.bind(repo);
    repo.transaction = <T>(fn: (tx: RepositoryOps) => Promise<T>) =>
      original((tx) =>
        fn(
          Object.assign(Object.create(tx) as RepositoryOps, {
            facesForGrouping: (model: string) => (reads.inside++, tx.facesForGrouping(model)),
          }),
        ),
      );
    const result = await pipeline.recognise();
    // The write transaction only writes: it saw the change and ended; the second decision was made outside.
    expect(reads).toEqual({ outside: 2, inside: 0 });
    expect(result.grouped).toMatchObject({ regrouped: true, joinedVerified: expect.any(Number) });
    expect(faceRows(env).find((r) => r.faceId === victim.faceId)).toMatchObject({ personId: person, verified: 1 });

    // Nothing changes meanwhile: one read, outside; the transaction only writes.
    reads.outside = reads.inside = 0;
    repo.facesForGrouping = async (model: string) => (reads.outside++, readOutside(model));
    expect(await pipeline.recluster()).toMatchObject({ regrouped: true, facesMoved: 0 });
    expect(reads).toEqual({ outside: 1, inside: 0 });
    repo.transaction = original;
  });

  it('gives way after MAX_DECISIONS when faces keep changing: nothing written, the next run groups', async () => {
    const { env, repo, pipeline } = await libraryWithUngroupedFaces(FULL_REGROUP);
    const before = faceRows(env);
    const personsBefore = await repo.listPersons();
    const [person] = await repo.createPersons([{ name: 'Ada' }]);
    const ungrouped = before.filter((r) => r.groupedAt === null);
    expect(ungrouped.length).toBeGreaterThanOrEqual(MAX_DECISIONS);
    // Each decision is followed by a user verifying one more new face.
    const readOutside = repo.facesForGrouping.bind(repo);
    let reads = 0;
    repo.facesForGrouping = async (model: string) => {
      const faces = await readOutside(model);
      await repo.verifyFaces([{ faceId: ungrouped[reads++].faceId, personId: person }]);
      return faces;
    };
    const result = await pipeline.recognise();
    expect(reads).toBe(MAX_DECISIONS);
    expect(result.grouped).toMatchObject({ regrouped: false, deferred: true, facesMoved: 0 });
    // Only the user's verifications changed anything; the regroup wrote nothing.
    const after = faceRows(env);
    for (const row of after) {
      const old = before.find((b) => b.faceId === row.faceId)!;
      if (row.verified === 1) continue;
      expect(row).toEqual(old);
    }
    expect((await repo.listPersons()).map((p) => p.id)).toEqual([...personsBefore.map((p) => p.id), person]);

    repo.facesForGrouping = readOutside;
    expect((await pipeline.recognise()).grouped).toMatchObject({ regrouped: true });
  });

  it('stops the writer when the grouping lock was lost while deciding: nothing written, LOCKED', async () => {
    const { env, repo, pipeline } = await libraryWithUngroupedFaces(FULL_REGROUP);
    const before = faceRows(env);
    // While the regroup decides, its lock expires and another process takes it.
    const readOutside = repo.facesForGrouping.bind(repo);
    repo.facesForGrouping = async (model: string) => {
      const faces = await readOutside(model);
      const db = new Database(env.settings.FRS_DATABASE);
      db.prepare(`UPDATE FrsLocks SET ExpiresAt = ? WHERE Name = ?`).run('2000-01-01T00:00:00.000Z', GROUPING_LOCK);
      db.close();
      expect(await repo.acquireLock(GROUPING_LOCK, 'other-worker', 600)).toBe(true);
      return faces;
    };
    await expect(pipeline.recognise()).rejects.toMatchObject({ code: 'LOCKED' });
    expect(faceRows(env)).toEqual(before);
    // The other process's lock is left alone.
    expect(await repo.acquireLock(GROUPING_LOCK, pipeline.ctx.workerId, 600)).toBe(false);
    expect(await repo.releaseLock(GROUPING_LOCK, 'other-worker')).toBe(true);
    repo.facesForGrouping = readOutside;
    expect((await pipeline.recognise()).grouped).toMatchObject({ regrouped: true });
  });

  it('writes nothing in a dry run and reports what would change', async () => {
    const { env, add, repo } = await newLibrary();
    await add(PHOTOS.slice(0, 2));
    for (const p of PHOTOS.slice(2)) await p.make(join(env.imagesDir, p.name));
    await registerFolder(repo, env.imagesDir, silentLogger);
    const services = env.services();
    await (await services.pipeline()).detect();
    const before = faceRows(env);
    const stats = await repo.stats();

    const dry = await env.services({ FRS_DRY_RUN: 'true' }).pipeline();
    const recognised = await dry.recognise();
    expect(recognised.grouped).toMatchObject({ regrouped: true, portraitsUpdated: 0, personsDeleted: 0 });
    expect(recognised.grouped!.facesAssigned).toBeGreaterThan(0);
    expect(recognised.grouped!.newFaces).toBeGreaterThan(0);
    const reclustered = await dry.recluster();
    expect(reclustered).toMatchObject({ regrouped: true, facesAssigned: recognised.grouped!.facesAssigned });
    expect(faceRows(env)).toEqual(before);
    expect(await repo.stats()).toEqual(stats);
  });
});
