/**
 * A photo is known by its content as well as its path: renames and moves keep items and
 * faces, edits are detected again (keeping what a user decided about faces that still match),
 * copies are recorded without detecting their faces twice, and a folder scan skips what it
 * knows without reading it. Real models, real SQLite, real files.
 */
import { copyFileSync, mkdirSync, renameSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/pipeline/context.js';
import { registerFolder, registerFile } from '../../src/pipeline/register-stage.js';
import type { Services } from '../../src/services.js';
import { demoImage } from '../helpers/fixtures.js';
import { pipelineEnv, type PipelineEnv } from '../helpers/pipeline-env.js';

let env: PipelineEnv;
afterEach(async () => {
  await env?.cleanup();
});

async function runAll(services: Services, dir: string) {
  const pipeline = await services.pipeline();
  const registered = await registerFolder(pipeline.ctx.repo, dir, silentLogger);
  return { registered, run: await pipeline.runAll(), repo: pipeline.ctx.repo };
}

async function personSignature(services: Services): Promise<string[]> {
  const repo = await services.repository();
  const persons = await repo.listPersons();
  const detailed = await Promise.all(persons.map((p) => repo.getPerson(p.id)));
  return detailed
    .map((p) =>
      p!.faces
        .map((f) => f.id)
        .sort((a, b) => a - b)
        .join(','),
    )
    .sort();
}

describe('content identity', () => {
  it('keeps items, faces and persons when the photo folder is renamed', async () => {
    env = pipelineEnv();
    const album = join(env.imagesDir, 'album');
    mkdirSync(album);
    copyFileSync(demoImage(1), join(album, 'a.jpg'));
    copyFileSync(demoImage(2), join(album, 'b.jpg'));
    const services = env.services();
    const first = await runAll(services, env.imagesDir);
    const before = await first.repo.stats();
    const persons = await personSignature(services);
    expect(before.faces).toBeGreaterThan(3);

    renameSync(album, join(env.imagesDir, 'album 2024'));
    const second = await runAll(services, env.imagesDir);
    expect(second.registered).toMatchObject({ found: 2, registered: 0, moved: 2, copies: 0 });
    expect(second.run.detected.items).toBe(0);
    expect(await second.repo.stats()).toEqual(before);
    expect(await personSignature(services)).toEqual(persons);
    const moved = await second.repo.findMediaFileByPath(join(env.imagesDir, 'album 2024', 'a.jpg'));
    expect(moved?.mediaItemId).toBe(1);
    expect(await second.repo.findMediaFileByPath(join(album, 'a.jpg'))).toBeNull();
  });

  it('detects an edited photo again: old faces replaced, verified faces that still match kept', async () => {
    env = pipelineEnv();
    const photo = join(env.imagesDir, 'group.jpg');
    copyFileSync(demoImage(1), photo);
    const services = env.services();
    const { repo } = await runAll(services, env.imagesDir);
    const faces = await repo.facesOfItem(1);
    expect(faces).toHaveLength(3);
    const hashBefore = (await repo.findMediaFileByPath(photo))?.contentHash;
    const [person] = await repo.createPersons([{ name: 'Ann' }]);
    await repo.verifyFaces([{ faceId: faces[0].id, personId: person }]);

    // Edited in place: re-encoded a little darker, same people, same places.
    const edited = await sharp(demoImage(1)).modulate({ brightness: 0.9 }).jpeg({ quality: 85 }).toBuffer();
    await sharp(edited).toFile(photo);
    const { registered, run } = await runAll(services, env.imagesDir);
    expect(registered).toMatchObject({ changed: 1, registered: 0 });
    expect(run.detected.items).toBe(1);
    const after = await repo.facesOfItem(1);
    expect(after).toHaveLength(3);
    const ann = after.find((f) => f.id === faces[0].id);
    expect(ann).toMatchObject({ personId: person, isUserVerified: true });
    expect((await repo.getPerson(person))?.name).toBe('Ann');
    expect((await repo.findMediaFileByPath(photo))?.contentHash).not.toBe(hashBefore);

    // Replaced by another photo altogether: its faces replace the old ones; the verified face,
    // which no new face matches, stays (a user's decision is never deleted).
    copyFileSync(demoImage(2), photo);
    utimesSync(photo, new Date(), new Date(Date.now() + 5000));
    await runAll(services, env.imagesDir);
    const replaced = await repo.facesOfItem(1);
    expect(replaced.filter((f) => !f.isUserVerified).every((f) => !faces.some((o) => o.id === f.id))).toBe(true);
    expect(replaced.filter((f) => f.isUserVerified).map((f) => f.id)).toEqual([faces[0].id]);
  });

  it('records a copy under a second path as the same content, without detecting its faces twice', async () => {
    env = pipelineEnv();
    copyFileSync(demoImage(1), join(env.imagesDir, 'a.jpg'));
    const services = env.services();
    const { repo } = await runAll(services, env.imagesDir);
    const before = await repo.stats();

    mkdirSync(join(env.imagesDir, 'backup'));
    copyFileSync(demoImage(1), join(env.imagesDir, 'backup', 'a copy.jpg'));
    const { registered, run } = await runAll(services, env.imagesDir);
    expect(registered).toMatchObject({ copies: 1, registered: 0 });
    expect(run.detected.items).toBe(0);
    const after = await repo.stats();
    expect(after.faces).toBe(before.faces);
    expect(after.items.done).toBe(2);
    const copy = await repo.findMediaFileByPath(join(env.imagesDir, 'backup', 'a copy.jpg'));
    expect(copy).toMatchObject({ duplicateOfItemId: 1 });
    expect(await repo.facesOfItem(copy!.mediaItemId!)).toEqual([]);
  });

  it('skips files it knows by path, size and mtime without reading them', async () => {
    env = pipelineEnv();
    const photo = join(env.imagesDir, 'a.jpg');
    copyFileSync(demoImage(3), photo);
    const services = env.services();
    const repo = await services.repository();
    await registerFolder(repo, env.imagesDir, silentLogger);
    const known = (await repo.findMediaFileByPath(photo))!;
    let reads = 0;
    const deps = { repo, maxBytes: 1e9, stillExists: async () => true };
    const source = (size: number, modifiedMs: number) => ({
      path: photo,
      size,
      modifiedMs,
      read: async () => {
        reads++;
        return new Uint8Array(0);
      },
    });
    expect(await registerFile(deps, source(known.fileSize!, known.fileModifiedMs!))).toMatchObject({
      outcome: 'unchanged',
    });
    expect(reads).toBe(0);
    // A different mtime: read and hashed (here to new, empty content: detected again).
    expect((await registerFile(deps, source(known.fileSize!, known.fileModifiedMs! + 1))).outcome).toBe('changed');
    expect(reads).toBe(1);
    // Now known with that mtime; another size with the same mtime is read too.
    expect((await registerFile(deps, source(known.fileSize!, known.fileModifiedMs! + 1))).outcome).toBe('unchanged');
    expect(reads).toBe(1);
    expect((await registerFile(deps, source(known.fileSize! + 1, known.fileModifiedMs! + 1))).outcome).not.toBe(
      'unchanged',
    );
    expect(reads).toBe(2);
  });
});
