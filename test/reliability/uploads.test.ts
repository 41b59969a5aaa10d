/**
 * No upload lost, no upload counted twice, against Azurite and SQLite: an overwritten blob is
 * detected again, a copy is recorded once, an upload whose event never arrived (or whose
 * deliveries failed while the database was locked) is registered by the timer's
 * reconciliation pass, and a blob over the size cap fails without being downloaded.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvocationContext } from '@azure/functions';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { detectOnUploadHandler } from '../../functions/detectOnUpload.js';
import { pipelineHandler } from '../../functions/pipeline.js';
import { setServices, type Services } from '../../src/services.js';
import { startAzuriteBlob, type AzuriteBlob } from '../helpers/azurite.js';
import { demoImage } from '../helpers/fixtures.js';
import { pipelineEnv, type PipelineEnv } from '../helpers/pipeline-env.js';

let azurite: AzuriteBlob;
let env: PipelineEnv;
let containers = 0;

beforeAll(async () => {
  azurite = await startAzuriteBlob();
});
afterEach(async () => {
  setServices(undefined);
  await env?.cleanup();
});
afterAll(async () => {
  await azurite?.stop();
});

const timer = {
  isPastDue: false,
  schedule: { adjustForDST: false },
  scheduleStatus: { last: '', next: '', lastUpdated: '' },
};
const timerContext = () => new InvocationContext({ functionName: 'pipeline', invocationId: 'timer' });
const blobContext = (name: string) =>
  new InvocationContext({ functionName: 'detectOnUpload', invocationId: `upload-${name}`, triggerMetadata: { name } });

async function blobLibrary(
  more: Record<string, string> = {},
): Promise<{ services: Services; media: ContainerClient; thumbs: ContainerClient }> {
  const n = ++containers;
  env = pipelineEnv({
    FRS_BLOB_CONNECTION_STRING: azurite.connectionString,
    FRS_MEDIA_CONTAINER: `media${n}`,
    FRS_THUMBNAILS_CONTAINER: `thumbs${n}`,
    ...more,
  });
  const services = env.services();
  setServices(services);
  const client = BlobServiceClient.fromConnectionString(azurite.connectionString);
  const media = client.getContainerClient(`media${n}`);
  await media.createIfNotExists();
  return { services, media, thumbs: client.getContainerClient(`thumbs${n}`) };
}

async function names(container: ContainerClient): Promise<string[]> {
  const found: string[] = [];
  if (!(await container.exists())) return found;
  for await (const b of container.listBlobsFlat()) found.push(b.name);
  return found.sort();
}

describe('uploads', () => {
  it('detects an overwritten blob again and records a copy without detecting it twice', async () => {
    const { services, media, thumbs } = await blobLibrary();
    const first = readFileSync(demoImage(1));
    await media.getBlockBlobClient('party.jpg').uploadData(first);
    expect(await detectOnUploadHandler(first, blobContext('party.jpg'))).toMatchObject({ status: 'done', faces: 3 });
    const oldThumbs = await names(thumbs);

    // Overwritten with another photo: the old faces and their thumbnails are replaced.
    const second = await sharp(demoImage(2)).jpeg().toBuffer();
    await media.getBlockBlobClient('party.jpg').uploadData(second);
    const again = await detectOnUploadHandler(second, blobContext('party.jpg'));
    expect(again).toMatchObject({ status: 'done', itemId: 1 });
    const repo = await services.repository();
    const faces = await repo.facesOfItem(1);
    expect(faces).toHaveLength((again as { faces: number }).faces);
    const newThumbs = await names(thumbs);
    expect(newThumbs).toEqual(faces.map((f) => f.thumbnailPath).sort());
    expect(newThumbs.filter((t) => oldThumbs.includes(t))).toEqual([]);

    // The same bytes under a second name: a copy, no new faces.
    await media.getBlockBlobClient('copies/party.jpg').uploadData(second);
    const copy = await detectOnUploadHandler(second, blobContext('copies/party.jpg'));
    expect(copy).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/^copy; item is done/) as string });
    expect((await repo.stats()).faces).toBe(faces.length);
  });

  it('registers, in the timer, uploads whose event never came; failed deliveries while the database was locked included', async () => {
    const { services, media } = await blobLibrary({ FRS_SQLITE_BUSY_TIMEOUT_MS: '100' });
    const repo = await services.repository();
    const photo = readFileSync(demoImage(3));
    // Another process holds the write lock: every delivery of the upload fails.
    const locker = new Database(join(env.dir, 'frs.db'));
    locker.exec('BEGIN IMMEDIATE');
    await media.getBlockBlobClient('2024/locked.jpg').uploadData(photo);
    for (let delivery = 0; delivery < 3; delivery++) {
      const failure = await detectOnUploadHandler(photo, blobContext('2024/locked.jpg')).catch((e: unknown) => e);
      expect(failure).toMatchObject({ code: 'DATABASE_ERROR' });
    }
    // (after three failed deliveries the host moves the blob to the poison queue)
    locker.exec('ROLLBACK');
    locker.close();
    // An upload whose event never arrived at all.
    await media.getBlockBlobClient('2024/missed.jpg').uploadData(readFileSync(demoImage(4)));
    expect(await repo.stats()).toMatchObject({ mediaFiles: 0 });

    const summary = await pipelineHandler(timer, timerContext());
    expect(summary.reconciled).toMatchObject({ found: 2, registered: 2, more: false });
    expect(summary.detected.items).toBe(2);
    expect((await repo.stats()).items).toMatchObject({ done: 2, pending: 0, failed: 0 });
    // A second run finds nothing new.
    expect((await pipelineHandler(timer, timerContext())).reconciled.found).toBe(0);
  });

  it('registers at most FRS_RECONCILE_LIMIT blobs per run, and fails blobs over the size cap without downloading them', async () => {
    const { services, media } = await blobLibrary({ FRS_RECONCILE_LIMIT: '2', FRS_MAX_ORIGINAL_BYTES: '200000' });
    for (const n of [1, 3, 5] as const)
      await media.getBlockBlobClient(`p${n}.jpg`).uploadData(readFileSync(demoImage(n)));
    await media.getBlockBlobClient('notes.txt').uploadData(Buffer.from('not a photo'));
    const repo = await services.repository();
    const run1 = await pipelineHandler(timer, timerContext());
    expect(run1.reconciled).toMatchObject({ found: 2, more: true });
    const run2 = await pipelineHandler(timer, timerContext());
    expect(run2.reconciled).toMatchObject({ found: 1, more: false });
    expect((await repo.stats()).mediaFiles).toBe(3);
    const sizes = [1, 3, 5].map((n) => readFileSync(demoImage(n as 1 | 3 | 5)).byteLength);
    const over = sizes.filter((s) => s > 200_000).length;
    expect(over).toBeGreaterThan(0);
    expect((await repo.stats()).items.failed).toBe(over);
    for (const n of [1, 3, 5]) {
      const file = await repo.findMediaFileByPath(`p${n}.jpg`);
      const item = await repo.getMediaItem(file!.mediaItemId!);
      if (item?.status === 'failed') expect(item.lastError).toMatch(/^FILE_TOO_LARGE: p\d\.jpg is \d+ bytes/);
    }
  });
});
