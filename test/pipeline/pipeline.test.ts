import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
// Stage logic without the models (crash between stages, concurrent workers, dry run) is tested
// on the fast layer: stages-fast.test.ts.
import { registerFolder } from '../../src/pipeline/register-stage.js';
import { silentLogger } from '../../src/pipeline/context.js';
import { demoImage } from '../helpers/fixtures.js';
import { pipelineEnv, type PipelineEnv } from '../helpers/pipeline-env.js';

// The test photos show look-alike models (different people reach 0.95 cosine with this
// embedder); the same photo at two scales stays above 0.99. Strict settings keep the test
// about the pipeline, not about the LFW-calibrated defaults (see bench/results).
const GROUPING = { FRS_MATCH_THRESHOLD: '0.98', FRS_DBSCAN_EPS: '0.02', FRS_DBSCAN_MIN_POINTS: '2' };

let env: PipelineEnv;

/** Moves every pending retry time into the past (instead of sleeping through FRS_LEASE_SECONDS). */
async function expireRetryDelays(e: PipelineEnv): Promise<void> {
  const Database = (await import('better-sqlite3')).default;
  const db = new Database(e.settings.FRS_DATABASE);
  db.prepare(`UPDATE MediaItems SET LeaseExpiresAt = '2000-01-01T00:00:00.000Z' WHERE Status = 'pending'`).run();
  db.close();
}
afterEach(async () => env?.cleanup());

/** sample1 (three people) twice: as is, and re-encoded at 60% scale, so every person appears twice. */
async function twoViewsOfSample1(e: PipelineEnv): Promise<void> {
  e.addImage(demoImage(1), 'a-sample1.jpg');
  await sharp(demoImage(1))
    .resize({ width: 1152 })
    .jpeg({ quality: 85 })
    .toFile(join(e.imagesDir, 'b-sample1-small.jpg'));
}

async function personsWithFaces(services: ReturnType<PipelineEnv['services']>) {
  const repo = await services.repository();
  const persons = await repo.listPersons();
  return Promise.all(persons.map(async (p) => ({ ...p, faces: (await repo.getPerson(p.id))!.faces })));
}

function thumbnailFiles(e: PipelineEnv): string[] {
  const root = join(e.dir, 'thumbnails');
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name));
}

describe('pipeline over SQLite and a local folder', () => {
  it('detects, embeds and groups the same people seen twice into one person each; a rerun changes nothing', async () => {
    env = pipelineEnv(GROUPING);
    await twoViewsOfSample1(env);
    const services = env.services();
    const pipeline = await services.pipeline();
    expect((await registerFolder(pipeline.ctx.repo, env.imagesDir, silentLogger)).registered).toBe(2);
    const first = await pipeline.runAll();
    expect(first.detected.items).toBe(2);
    expect(first.detected.faces).toBe(6);

    const persons = await personsWithFaces(services);
    expect(persons).toHaveLength(3);
    for (const p of persons) {
      expect(p.faces).toHaveLength(2);
      expect(new Set(p.faces.map((f) => f.mediaItemId)).size).toBe(2); // one face from each photo
      // the small copy's box is the big one scaled by 0.6
      const [big, small] = [...p.faces].sort((a, b) => a.mediaItemId - b.mediaItemId);
      expect(Math.abs(big.boundingBox![0] * 0.6 - small.boundingBox![0])).toBeLessThan(12);
      expect(p.portraitFaceId).not.toBeNull();
      expect(p.faces.map((f) => f.id)).toContain(p.portraitFaceId);
    }
    const thumbs = thumbnailFiles(env);
    expect(thumbs).toHaveLength(6);
    const meta = await sharp(thumbs[0]).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 160, 160]);
    // The run left the face index built and saved beside the database: no search waits for it.
    const model = pipeline.ctx.analyzer.embeddingModel;
    expect(readdirSync(`${env.settings.FRS_DATABASE}.face-index`)).toEqual([expect.stringMatching(/\.usearch$/)]);
    expect(await pipeline.ctx.repo.refreshFaceSearch(model)).toEqual({ indexed: 6, built: false });

    // Re-running everything (registration included) changes nothing.
    const statsBefore = await pipeline.ctx.repo.stats();
    expect((await registerFolder(pipeline.ctx.repo, env.imagesDir, silentLogger)).registered).toBe(0);
    const second = await pipeline.runAll();
    expect(second.detected.items).toBe(0);
    expect(second.recognised.grouped).toMatchObject({ regrouped: false, personsCreated: 0, facesMoved: 0 }); // nothing new: no regroup
    expect(await pipeline.ctx.repo.stats()).toEqual(statsBefore);
    expect((await personsWithFaces(services)).map((p) => p.faces.map((f) => f.id))).toEqual(
      persons.map((p) => p.faces.map((f) => f.id)),
    );
    expect(thumbnailFiles(env)).toHaveLength(6);
  });

  it('gives the same persons when the photos arrive in two batches as in one', async () => {
    env = pipelineEnv(GROUPING);
    const services = env.services();
    const pipeline = await services.pipeline();
    env.addImage(demoImage(1), 'a-sample1.jpg');
    await registerFolder(pipeline.ctx.repo, env.imagesDir, silentLogger);
    await pipeline.runAll();
    expect(await pipeline.ctx.repo.listPersons()).toHaveLength(0); // one face per person so far: below minPts
    await sharp(demoImage(1))
      .resize({ width: 1152 })
      .jpeg({ quality: 85 })
      .toFile(join(env.imagesDir, 'b-sample1-small.jpg'));
    await registerFolder(pipeline.ctx.repo, env.imagesDir, silentLogger);
    await pipeline.runAll();
    const persons = await personsWithFaces(services);
    expect(persons.map((p) => p.faces.length)).toEqual([2, 2, 2]);
  });

  it('marks an item whose image vanished or is not an image as failed, and completes the others', async () => {
    env = pipelineEnv({ ...GROUPING, FRS_MAX_ATTEMPTS: '2' });
    const services = env.services();
    const pipeline = await services.pipeline();
    env.addImage(demoImage(2), 'good.jpg');
    const gone = env.addImage(demoImage(3), 'gone.jpg');
    writeFileSync(join(env.imagesDir, 'notes.jpg'), 'this is text, not a photo');
    await registerFolder(pipeline.ctx.repo, env.imagesDir, silentLogger);
    rmSync(gone);

    const first = await pipeline.runAll();
    expect(first.detected.items).toBe(1);
    expect(first.detected.failed).toBe(2); // each tried once in this run, then held back
    expect((await pipeline.ctx.repo.stats()).items).toMatchObject({ done: 1, pending: 2 });
    // the retry delay (FRS_LEASE_SECONDS) has passed: second and last attempt
    const later = await env.services({ FRS_LEASE_SECONDS: '10' }).pipeline();
    await expireRetryDelays(env);
    const second = await later.runAll();
    expect(second.detected.failed).toBe(2);
    const third = await later.runAll();
    expect(third.detected.failed).toBe(0);
    const stats = await pipeline.ctx.repo.stats();
    expect(stats.items).toMatchObject({ done: 1, failed: 2, pending: 0, processing: 0 });
    const items = await Promise.all([1, 2, 3].map((id) => pipeline.ctx.repo.getMediaItem(id)));
    const errors = items
      .filter((i) => i?.status === 'failed')
      .map((i) => i?.lastError ?? '')
      .sort();
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/NOT_FOUND/);
    expect(errors[1]).toMatch(/UNSUPPORTED_FORMAT/);
  });

  it('reclusters without moving faces a user verified, atomically', async () => {
    env = pipelineEnv(GROUPING);
    await twoViewsOfSample1(env);
    const services = env.services();
    const pipeline = await services.pipeline();
    await registerFolder(pipeline.ctx.repo, env.imagesDir, silentLogger);
    await pipeline.runAll();
    const before = await personsWithFaces(services);
    // The user says face X is person P (a different person than the grouping chose).
    const face = before[0].faces[0];
    const target = before[1].id;
    await pipeline.ctx.repo.verifyFaces([{ faceId: face.id, personId: target }]);

    const summary = await pipeline.recluster();
    expect(summary).not.toBeNull();
    const after = await personsWithFaces(services);
    const holder = after.find((p) => p.faces.some((f) => f.id === face.id));
    expect(holder?.id).toBe(target);
    expect((await pipeline.ctx.repo.stats()).faces).toBe(6);
    // every face is still in exactly one person
    expect(after.flatMap((p) => p.faces.map((f) => f.id)).sort()).toEqual(
      before.flatMap((p) => p.faces.map((f) => f.id)).sort(),
    );

    // A failure inside the recluster transaction leaves the assignment as it was.
    const snapshot = JSON.stringify(await personsWithFaces(services));
    const repo = pipeline.ctx.repo;
    const original = repo.transaction.bind(repo);
    repo.transaction = (fn) =>
      original(async (tx) => {
        await fn(tx);
        throw new Error('database connection lost');
      });
    await expect(pipeline.recluster()).rejects.toThrow(/connection lost/);
    repo.transaction = original;
    expect(JSON.stringify(await personsWithFaces(services))).toBe(snapshot);
  });
});
