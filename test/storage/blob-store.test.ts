import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FrsError } from '../../src/errors.js';
import { BlobStore, type TokenCredential } from '../../src/storage/blob-store.js';
import { startAzuriteBlob, type AzuriteBlob } from '../helpers/azurite.js';
import { objectStoreContract } from './store-contract.js';

let azurite: AzuriteBlob;
let containers = 0;
const freshContainer = () => `frs-test-${process.pid}-${++containers}`;

beforeAll(async () => {
  azurite = await startAzuriteBlob();
});
afterAll(async () => {
  await azurite?.stop();
});

async function fetchBytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url} -> ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

describe('BlobStore (Azurite)', () => {
  objectStoreContract({
    create: async () => new BlobStore({ container: freshContainer(), connectionString: azurite.connectionString }),
    readUrl: fetchBytes,
  });

  it('creates a missing container on first write and stores the content type', async () => {
    const container = freshContainer();
    const service = BlobServiceClient.fromConnectionString(azurite.connectionString);
    expect(await service.getContainerClient(container).exists()).toBe(false);
    const store = new BlobStore({ container, connectionString: azurite.connectionString });
    expect(store.location).toBe(`${azurite.endpoint}/${container}`);
    await store.put('faces/1.jpg', Uint8Array.of(1), 'image/jpeg');
    expect(await service.getContainerClient(container).exists()).toBe(true);
    const props = await service.getContainerClient(container).getBlobClient('faces/1.jpg').getProperties();
    expect(props.contentType).toBe('image/jpeg');
  });

  it('signs url() with a read-only SAS that cannot write', async () => {
    const store = new BlobStore({
      container: freshContainer(),
      connectionString: azurite.connectionString,
      urlLifetimeSeconds: 60,
    });
    await store.put('p.jpg', Uint8Array.of(5), 'image/jpeg');
    const url = new URL(store.url('p.jpg'));
    expect(url.searchParams.get('sp')).toBe('r');
    expect(Date.parse(url.searchParams.get('se')!) - Date.now()).toBeLessThanOrEqual(61_000);
    const write = await fetch(url, { method: 'PUT', headers: { 'x-ms-blob-type': 'BlockBlob' }, body: 'overwrite' });
    expect(write.status).toBe(403);
    // Unsigned, the private container refuses the same read.
    expect((await fetch(`${url.origin}${url.pathname}`)).ok).toBe(false);
  });

  it('takes an account URL with a token credential, and returns unsigned URLs then', () => {
    const credential: TokenCredential = {
      getToken: async () => ({ token: 'test', expiresOnTimestamp: Date.now() + 60_000 }),
    };
    const store = new BlobStore({
      container: 'media',
      accountUrl: 'https://example.blob.core.windows.net',
      credential,
    });
    expect(store.url('a/b.jpg')).toBe('https://example.blob.core.windows.net/media/a/b.jpg');
  });

  it('refuses missing or broken settings with CONFIG_INVALID', () => {
    const attempt = (opts: ConstructorParameters<typeof BlobStore>[0]) => {
      try {
        new BlobStore(opts);
      } catch (err) {
        return err;
      }
      return undefined;
    };
    for (const opts of [
      { container: 'media' },
      { container: 'media', accountUrl: 'https://x.blob.core.windows.net' },
      { container: 'media', connectionString: 'not a connection string' },
    ]) {
      const err = attempt(opts);
      expect(err).toBeInstanceOf(FrsError);
      expect((err as FrsError).code).toBe('CONFIG_INVALID');
    }
  });

  it('reports an unreachable service as STORAGE_ERROR', async () => {
    const store = new BlobStore({
      container: 'media',
      connectionString: azurite.connectionString.replace(/127\.0\.0\.1:\d+/, '127.0.0.1:1'),
      maxTries: 1,
    });
    const err = await store.exists('x.jpg').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(FrsError);
    expect((err as FrsError).code).toBe('STORAGE_ERROR');
  });
});
