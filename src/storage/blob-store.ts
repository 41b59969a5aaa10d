/** ObjectStore over one Azure Blob container (connection string, or account URL + identity). */
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import type { TokenCredential } from '@azure/identity';
import { FrsError } from '../errors.js';
import type { ObjectStore } from './object-store.js';

export interface BlobStoreOptions {
  container: string;
  connectionString?: string;
  accountUrl?: string;
  credential?: TokenCredential;
}

export class BlobStore implements ObjectStore {
  private readonly container: ContainerClient;
  private ready?: Promise<unknown>;

  constructor(opts: BlobStoreOptions) {
    let service: BlobServiceClient;
    if (opts.connectionString) service = BlobServiceClient.fromConnectionString(opts.connectionString);
    else if (opts.accountUrl && opts.credential) service = new BlobServiceClient(opts.accountUrl, opts.credential);
    else throw new FrsError('CONFIG_INVALID', 'Blob storage needs FRS_BLOB_CONNECTION_STRING, or FRS_BLOB_ACCOUNT_URL with a managed identity.');
    this.container = service.getContainerClient(opts.container);
  }

  get location(): string {
    return this.container.url;
  }

  private ensureContainer(): Promise<unknown> {
    this.ready ??= this.container.createIfNotExists().catch((err: unknown) => {
      this.ready = undefined;
      throw storageError(`create container ${this.container.containerName}`, err);
    });
    return this.ready;
  }

  async put(key: string, bytes: Uint8Array, contentType: string): Promise<void> {
    await this.ensureContainer();
    try {
      await this.container.getBlockBlobClient(key).uploadData(bytes, { blobHTTPHeaders: { blobContentType: contentType } });
    } catch (err) {
      throw storageError(`upload ${key}`, err);
    }
  }

  async get(key: string): Promise<Uint8Array> {
    try {
      return await this.container.getBlobClient(key).downloadToBuffer();
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) throw new FrsError('NOT_FOUND', `No blob ${key} in ${this.container.containerName}.`);
      throw storageError(`download ${key}`, err);
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      return await this.container.getBlobClient(key).exists();
    } catch (err) {
      throw storageError(`check ${key}`, err);
    }
  }

  async delete(key: string): Promise<boolean> {
    try {
      return (await this.container.getBlobClient(key).deleteIfExists()).succeeded;
    } catch (err) {
      throw storageError(`delete ${key}`, err);
    }
  }

  async *list(prefix = ''): AsyncIterable<string> {
    await this.ensureContainer();
    for await (const blob of this.container.listBlobsFlat({ prefix })) yield blob.name;
  }

  url(key: string): string {
    return this.container.getBlobClient(key).url;
  }
}

function storageError(action: string, err: unknown): FrsError {
  return new FrsError('STORAGE_ERROR', `Blob storage could not ${action}: ${(err as Error).message}`, { cause: err });
}
