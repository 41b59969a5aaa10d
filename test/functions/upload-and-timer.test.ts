import { readFileSync } from 'node:fs';
import { InvocationContext } from '@azure/functions';
import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectOnUploadHandler } from '../../functions/detectOnUpload.js';
import { pipelineHandler } from '../../functions/pipeline.js';
import { setServices } from '../../src/services.js';
import { startAzuriteBlob, type AzuriteBlob } from '../helpers/azurite.js';
import { demoImage } from '../helpers/fixtures.js';
import { pipelineEnv, type PipelineEnv } from '../helpers/pipeline-env.js';

let azurite: AzuriteBlob;
let env: PipelineEnv;

beforeAll(async () => {
  azurite = await startAzuriteBlob();
});
afterAll(async () => {
  setServices(undefined);
  await env?.cleanup();
  await azurite?.stop();
});

function blobContext(name: string) {
  return new InvocationContext({
    functionName: 'detectOnUpload',
    invocationId: `upload-${name}`,
    triggerMetadata: { name },
  });
}

const timerContext = () => new InvocationContext({ functionName: 'pipeline', invocationId: 'timer-1' });
const timer = {
  isPastDue: false,
  schedule: { adjustForDST: false },
  scheduleStatus: { last: '', next: '', lastUpdated: '' },
};

async function blobNames(container: string): Promise<string[]> {
  const client = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(container);
  const names: string[] = [];
  if (!(await client.exists())) return names;
  for await (const b of client.listBlobsFlat()) names.push(b.name);
  return names.sort();
}

describe('blob upload and timer functions against Azurite + SQLite', () => {
  it('detects an uploaded photo once, however often the blob is delivered', async () => {
    env = pipelineEnv({
      FRS_BLOB_CONNECTION_STRING: azurite.connectionString,
      FRS_MEDIA_CONTAINER: 'media',
      FRS_THUMBNAILS_CONTAINER: 'thumbnails',
    });
    const services = env.services();
    setServices(services);
    const photo = readFileSync(demoImage(1));
    const media = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient('media');
    await media.createIfNotExists();
    await media.getBlockBlobClient('2024/party.jpg').uploadData(photo);

    const first = await detectOnUploadHandler(photo, blobContext('2024/party.jpg'));
    expect(first).toMatchObject({ status: 'done', faces: 3 });
    const thumbs = await blobNames('thumbnails');
    expect(thumbs).toHaveLength(3);
    // Keyed by library, item, content and face order.
    for (const [i, key] of thumbs.entries())
      expect(key).toMatch(new RegExp(`^[0-9a-f]{16}/faces/1/[0-9a-f]{12}-${i}\\.jpg$`));
    const repo = await services.repository();
    const stats = await repo.stats();
    expect(stats).toMatchObject({ mediaFiles: 1, faces: 3, facesWithEmbedding: 3 });

    const again = await detectOnUploadHandler(photo, blobContext('2024/party.jpg'));
    expect(again).toMatchObject({ status: 'skipped', itemId: first.itemId });
    expect(await repo.stats()).toEqual(stats);
    expect(await blobNames('thumbnails')).toHaveLength(3);

    // The timer then groups what the uploads found, reading originals from the media container.
    await media.getBlockBlobClient('2024/party-copy.jpg').uploadData(photo);
    await repo.registerMediaFile({ filePath: '2024/party-copy.jpg', fileName: 'party-copy.jpg', extension: '.jpg' });
    const summary = await pipelineHandler(timer, timerContext());
    expect(summary.detected.items).toBe(1);
    expect((await repo.stats()).faces).toBe(6);
  });

  it('records an unreadable upload as failed instead of throwing (no host retries for a hopeless file)', async () => {
    const outcome = await detectOnUploadHandler(Buffer.from('GIF89a but not really'), blobContext('broken.gif'));
    expect(outcome.status).toBe('failed');
    expect((outcome as { error: string }).error).toMatch(/UNSUPPORTED_FORMAT|CORRUPT_IMAGE/);
  });

  it('never processes one item twice when the timer and the blob trigger race', async () => {
    await env.cleanup();
    env = pipelineEnv({
      FRS_BLOB_CONNECTION_STRING: azurite.connectionString,
      FRS_MEDIA_CONTAINER: 'race-media',
      FRS_THUMBNAILS_CONTAINER: 'race-thumbs',
    });
    const timerServices = env.services();
    const uploadServices = env.services();
    const media = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient('race-media');
    await media.createIfNotExists();
    const photos = [2, 3, 4].map((n) => readFileSync(demoImage(n as 2 | 3 | 4)));
    const repo = await timerServices.repository();
    for (const [i, p] of photos.entries()) {
      await media.getBlockBlobClient(`p${i}.jpg`).uploadData(p);
      await repo.registerMediaFile({ filePath: `p${i}.jpg`, fileName: `p${i}.jpg`, extension: '.jpg' });
    }
    // Timer and uploads use separate service instances (as two hosts would) on one database.
    const timerRun = (async () => {
      setServices(timerServices);
      const pipeline = await timerServices.pipeline();
      return pipeline.detect();
    })();
    const uploads = Promise.all(
      photos.map(async (p, i) => {
        const ctx = await uploadServices.pipelineContext();
        const { detectUpload } = await import('../../src/pipeline/upload-stage.js');
        return detectUpload(ctx, `p${i}.jpg`, p);
      }),
    );
    const [byTimer, byUploads] = await Promise.all([timerRun, uploads]);
    const uploadDone = byUploads.filter((o) => o.status === 'done').length;
    expect(byTimer.items + uploadDone).toBe(3);
    const perItem = await Promise.all([1, 2, 3].map((id) => repo.facesOfItem(id)));
    expect(perItem.every((faces) => faces.length > 0)).toBe(true);
    expect((await repo.stats()).faces).toBe(perItem.reduce((n, f) => n + f.length, 0));
    expect((await repo.stats()).items.done).toBe(3);
  });
});
