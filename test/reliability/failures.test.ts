/**
 * Each file fails on its own, the embed stage moves past faces that fail, libraries keep their
 * own thumbnails, a damaged database file is refused, failed work can be put back, and HTTP 500
 * answers carry an id instead of the details.
 */
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { join, relative, sep } from 'node:path';
import { HttpRequest, InvocationContext } from '@azure/functions';
import { afterEach, describe, expect, it } from 'vitest';
import { errorResponse } from '../../functions/_shared/http.js';
import { retryFailedHandler } from '../../functions/retryFailed.js';
import { openRepository } from '../../src/data/open-repository.js';
import { FrsError } from '../../src/errors.js';
import { silentLogger } from '../../src/pipeline/context.js';
import { runEmbedding } from '../../src/pipeline/embed-stage.js';
import { registerFolder } from '../../src/pipeline/register-stage.js';
import { setServices } from '../../src/services.js';
import { walkImages } from '../../src/storage/walk-images.js';
import { decodeImage } from '../../src/vision/decode.js';
import { demoImage } from '../helpers/fixtures.js';
import { pipelineEnv, type PipelineEnv } from '../helpers/pipeline-env.js';

let env: PipelineEnv;
afterEach(async () => {
  setServices(undefined);
  await env?.cleanup();
});

function files(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => relative(root, join(d.parentPath, d.name)).split(sep).join('/'))
    .sort();
}

const isRoot = process.getuid?.() === 0;

describe('each file fails on its own', () => {
  it('records vanished, oversized and unreadable files as failed items and registers the rest', async () => {
    env = pipelineEnv();
    copyFileSync(demoImage(3), join(env.imagesDir, 'ok.jpg'));
    writeFileSync(join(env.imagesDir, 'big.jpg'), Buffer.alloc(3_000_000, 1));
    symlinkSync(join(env.imagesDir, 'gone.jpg'), join(env.imagesDir, 'vanished.jpg')); // a broken link
    const locked = join(env.imagesDir, 'locked.jpg');
    copyFileSync(demoImage(4), locked);
    chmodSync(locked, 0);
    const services = env.services();
    const repo = await services.repository();
    const summary = await registerFolder(repo, env.imagesDir, silentLogger, false, { maxBytes: 2_000_000 });
    chmodSync(locked, 0o644);

    // As root every file is readable: the permission case then registers (and counts) as new.
    expect(summary).toMatchObject({ found: 4, failed: isRoot ? 2 : 3, registered: isRoot ? 2 : 1 });
    const state = async (name: string) =>
      repo.getMediaItem((await repo.findMediaFileByPath(join(env.imagesDir, name)))!.mediaItemId!);
    expect(await state('big.jpg')).toMatchObject({
      status: 'failed',
      lastError: expect.stringMatching(
        /^FILE_TOO_LARGE: .*big\.jpg is 3000000 bytes; .*FRS_MAX_ORIGINAL_BYTES/,
      ) as string,
    });
    expect(await state('vanished.jpg')).toMatchObject({
      status: 'failed',
      lastError: expect.stringMatching(/^NOT_FOUND: .*vanished\.jpg no longer exists/) as string,
    });
    if (!isRoot)
      expect(await state('locked.jpg')).toMatchObject({
        status: 'failed',
        lastError: expect.stringMatching(/^STORAGE_ERROR: .*locked\.jpg cannot be read: permission denied/) as string,
      });
    expect(await state('ok.jpg')).toMatchObject({ status: 'pending' });

    // Readable again: the next scan registers it for detection.
    writeFileSync(join(env.imagesDir, 'gone.jpg'), Buffer.from('not an image'));
    const again = await registerFolder(repo, env.imagesDir, silentLogger, false, { maxBytes: 2_000_000 });
    expect(again.failed).toBe(1); // big.jpg only
    expect(await state('vanished.jpg')).toMatchObject({ status: 'pending', attempts: 0 });
  });

  it('answers a missing folder with NOT_FOUND', async () => {
    env = pipelineEnv();
    const repo = await env.services().repository();
    const err = await registerFolder(repo, join(env.dir, 'no-such-folder'), silentLogger).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FrsError);
    expect(err).toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringMatching(/^There is no folder .*no-such-folder .* to register images from\.$/) as string,
    });
  });

  it('walks real folders only: hidden and thumbnail folders skipped, file links followed, folder links reported', () => {
    env = pipelineEnv();
    const root = env.imagesDir;
    mkdirSync(join(root, '.cache'));
    mkdirSync(join(root, 'thumbs'));
    mkdirSync(join(root, 'trip'));
    copyFileSync(demoImage(1), join(root, 'trip', 'a.jpg'));
    copyFileSync(demoImage(1), join(root, '.cache', 'b.jpg'));
    copyFileSync(demoImage(1), join(root, 'thumbs', 'c.jpg'));
    symlinkSync(join(root, 'trip', 'a.jpg'), join(root, 'link.jpg'));
    symlinkSync(join(root, 'trip'), join(root, 'trip-link'));
    const skipped: string[] = [];
    const found = [...walkImages(root, { exclude: [join(root, 'thumbs')], onSkip: (p) => skipped.push(p) })];
    expect(found.map((p) => relative(root, p))).toEqual(['link.jpg', join('trip', 'a.jpg')]);
    expect(skipped).toEqual([join(root, 'trip-link')]);
  });
});

describe('embedding makes progress past faces that fail', () => {
  it('embeds later faces when the first batches all fail, and does not retry the failures every run', async () => {
    env = pipelineEnv({ FRS_BATCH_SIZE: '1' }); // reads 4 faces at a time
    const services = env.services();
    const ctx = await services.pipelineContext();
    const { repo } = ctx;
    // Legacy faces whose originals were moved away: more than a whole read of them, first in id order.
    for (let i = 0; i < 6; i++) {
      const { mediaItemId } = await repo.registerMediaFile({
        filePath: `/moved/away-${i}.jpg`,
        fileName: 'x.jpg',
        extension: '.jpg',
      });
      await repo.claimPendingItems('legacy', 1, 60, 3);
      await repo.completeItem(mediaItemId, 'legacy', [{ boundingBox: [10, 10, 90, 90], detectorScore: 0.9 }]);
    }
    // Then faces of a photo that is still there, stored without embeddings.
    const photo = env.addImage(demoImage(1), 'group.jpg');
    const { mediaItemId } = await repo.registerMediaFile({ filePath: photo, fileName: 'group.jpg', extension: '.jpg' });
    await repo.claimPendingItems('legacy', 1, 60, 3);
    const image = await decodeImage(readFileSync(photo), { maxPixels: env.settings.FRS_MAX_PIXELS });
    const detections = await ctx.analyzer.detect(image);
    await repo.completeItem(
      mediaItemId,
      'legacy',
      detections.map((d) => ({ boundingBox: d.box, detectorScore: Math.min(1, d.score) })),
    );

    const first = await runEmbedding(ctx);
    expect(first).toEqual({ faces: detections.length, failed: 6 });
    expect((await repo.facesOfItem(mediaItemId)).every((f) => f.hasEmbedding)).toBe(true);
    expect(await runEmbedding(ctx)).toEqual({ faces: 0, failed: 0 });
    // retry-failed gives them another chance.
    await repo.retryFailedItems();
    expect((await runEmbedding(ctx)).failed).toBe(6);
  });
});

describe('libraries side by side', () => {
  it('never overwrites another library’s thumbnails in a shared folder', async () => {
    env = pipelineEnv();
    env.addImage(demoImage(1), 'a.jpg');
    const shared = join(env.dir, 'thumbnails');
    const first = env.services();
    const second = env.services({ FRS_DATABASE: join(env.dir, 'other.db') });
    env.addImage(demoImage(1), 'a.jpg');
    for (const s of [first, second]) {
      const pipeline = await s.pipeline();
      await registerFolder(pipeline.ctx.repo, env.imagesDir, silentLogger);
      await pipeline.runAll();
    }
    const [a, b] = [await first.repository(), await second.repository()];
    expect(await a.libraryId()).not.toBe(await b.libraryId());
    const paths = async (repo: typeof a) => (await repo.facesOfItem(1)).map((f) => f.thumbnailPath!);
    const [pa, pb] = [await paths(a), await paths(b)];
    expect(pa).toHaveLength(3);
    expect(pa.filter((p) => pb.includes(p))).toEqual([]);
    expect(files(shared)).toEqual([...pa, ...pb].sort());
  });
});

describe('database files', () => {
  it('refuses an empty or damaged SQLite file and leaves it as it is', async () => {
    env = pipelineEnv();
    const file = join(env.dir, 'lib.db');
    await (await openRepository(file)).close();
    truncateSync(file, 0);
    const err = await openRepository(file).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'DATABASE_ERROR',
      message: expect.stringMatching(/is empty \(0 bytes\).*never replaces/) as string,
    });
    expect(statSync(file).size).toBe(0);
    writeFileSync(file, 'this is not a database, just text long enough to pass for a header' + 'x'.repeat(100));
    await expect(openRepository(file)).rejects.toThrow(/is not an SQLite database/);
  });
});

describe('retry-failed and HTTP errors', () => {
  it('puts failed items back over HTTP', async () => {
    env = pipelineEnv();
    writeFileSync(join(env.imagesDir, 'big.jpg'), Buffer.alloc(4096, 1));
    const services = env.services({ FRS_MAX_ORIGINAL_BYTES: '1000' });
    setServices(services);
    const repo = await services.repository();
    await registerFolder(repo, env.imagesDir, silentLogger, false, { maxBytes: 1000 });
    expect((await repo.stats()).items.failed).toBe(1);
    const context = new InvocationContext({ functionName: 'retryFailed' });
    const response = await retryFailedHandler(
      new HttpRequest({ method: 'POST', url: 'http://localhost/api/items/retry-failed' }),
      context,
    );
    expect(response).toMatchObject({ status: 200, jsonBody: { retried: 1 } });
    expect((await repo.stats()).items).toMatchObject({ failed: 0, pending: 1 });
  });

  it('answers 500 with "internal error" and an id; the details go to the log under that id', () => {
    const logged: string[] = [];
    const response = errorResponse(
      new FrsError(
        'DATABASE_ERROR',
        'Database error while saving: SQLITE_FULL at /srv/secret/frs.db on server db-prod-7',
      ),
      { error: (m: unknown) => logged.push(String(m)) },
    );
    const body = response.jsonBody as { error: { code: string; message: string; id: string } };
    expect(response.status).toBe(500);
    expect(body.error.message).toMatch(/^internal error \(id [0-9a-f-]{36}\)/);
    expect(JSON.stringify(body)).not.toMatch(/secret|db-prod|SQLITE/);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain(body.error.id);
    expect(logged[0]).toContain('/srv/secret/frs.db');
    // Errors a client can act on still say what was wrong.
    expect(errorResponse(new FrsError('NOT_FOUND', 'No person 7.'))).toMatchObject({
      status: 404,
      jsonBody: { error: { message: 'No person 7.' } },
    });
  });
});
