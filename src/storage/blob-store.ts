/**
 * ObjectStore over one Azure Blob container, from a connection string or from an account
 * URL plus a TokenCredential (e.g. a managed identity's DefaultAzureCredential from
 * @azure/identity, which the caller supplies). The container is created on first write.
 */
import type { TokenCredential } from '@azure/core-auth';
import {
  BlobSASPermissions,
  BlobServiceClient,
  generateBlobSASQueryParameters,
  StorageSharedKeyCredential,
  type ContainerClient,
} from '@azure/storage-blob';
import { FrsError } from '../errors.js';
import { assertValidKey, type GetOptions, type ObjectStore, tooLargeError } from './object-store.js';

export type { TokenCredential };

export interface BlobStoreOptions {
  container: string;
  connectionString?: string;
  /** https://<account>.blob.core.windows.net, used with `credential`. */
  accountUrl?: string;
  credential?: TokenCredential;
  /** Lifetime of the read-only SAS in url() (shared-key stores only). Default 3600. */
  urlLifetimeSeconds?: number;
  /** Attempts per request, retries included (the SDK default is 4). */
  maxTries?: number;
}

export class BlobStore implements ObjectStore {
  private readonly container: ContainerClient;
  private readonly urlLifetimeSeconds: number;
  private ready?: Promise<void>;

  constructor(opts: BlobStoreOptions) {
    let service: BlobServiceClient;
    const clientOptions = opts.maxTries ? { retryOptions: { maxTries: opts.maxTries } } : {};
    try {
      if (opts.connectionString) service = BlobServiceClient.fromConnectionString(opts.connectionString, clientOptions);
      else if (opts.accountUrl && opts.credential)
        service = new BlobServiceClient(opts.accountUrl, opts.credential, clientOptions);
      else
        throw new FrsError(
          'CONFIG_INVALID',
          'Blob storage needs FRS_BLOB_CONNECTION_STRING, or FRS_BLOB_ACCOUNT_URL with a managed identity credential.',
        );
    } catch (err) {
      if (err instanceof FrsError) throw err;
      throw new FrsError('CONFIG_INVALID', `Blob storage settings are not usable: ${(err as Error).message}`, {
        cause: err,
      });
    }
    this.container = service.getContainerClient(opts.container);
    this.urlLifetimeSeconds = opts.urlLifetimeSeconds ?? 3600;
  }

  get location(): string {
    return this.container.url;
  }

  private ensureContainer(): Promise<void> {
    this.ready ??= this.container.createIfNotExists().then(
      () => undefined,
      (err: unknown) => {
        this.ready = undefined; // let the next call retry
        throw storageError(`create container ${this.container.containerName}`, err);
      },
    );
    return this.ready;
  }

  async put(key: string, bytes: Uint8Array, contentType: string): Promise<void> {
    assertValidKey(key);
    await this.ensureContainer();
    try {
      await this.container
        .getBlockBlobClient(key)
        .uploadData(bytes, { blobHTTPHeaders: { blobContentType: contentType } });
    } catch (err) {
      throw storageError(`upload ${key}`, err);
    }
  }

  async get(key: string, options: GetOptions = {}): Promise<Uint8Array> {
    assertValidKey(key);
    try {
      const blob = this.container.getBlobClient(key);
      if (options.maxBytes !== undefined) {
        const size = (await blob.getProperties()).contentLength ?? 0;
        if (size > options.maxBytes) throw tooLargeError(key, size, options.maxBytes);
      }
      return await blob.downloadToBuffer();
    } catch (err) {
      if (err instanceof FrsError) throw err;
      if (statusOf(err) === 404)
        throw new FrsError('NOT_FOUND', `No blob ${key} in container ${this.container.containerName}.`, { cause: err });
      throw storageError(`download ${key}`, err);
    }
  }

  async exists(key: string): Promise<boolean> {
    assertValidKey(key);
    try {
      return await this.container.getBlobClient(key).exists();
    } catch (err) {
      throw storageError(`check ${key}`, err);
    }
  }

  async delete(key: string): Promise<boolean> {
    assertValidKey(key);
    try {
      return (await this.container.getBlobClient(key).deleteIfExists()).succeeded;
    } catch (err) {
      if (statusOf(err) === 404) return false; // no container: nothing to delete
      throw storageError(`delete ${key}`, err);
    }
  }

  async *list(prefix = ''): AsyncIterable<string> {
    try {
      for await (const blob of this.container.listBlobsFlat({ prefix })) yield blob.name;
    } catch (err) {
      if (statusOf(err) === 404) return; // no container yet: nothing stored
      throw storageError(`list ${prefix || 'blobs'}`, err);
    }
  }

  /**
   * With an account key (connection string) the URL carries a read-only SAS, so a browser can
   * show a portrait from a private container. With a token credential, signing would need an
   * async user delegation key, so the plain URL is returned: the reader needs its own access.
   */
  url(key: string): string {
    assertValidKey(key);
    const blob = this.container.getBlobClient(key);
    if (!(blob.credential instanceof StorageSharedKeyCredential)) return blob.url;
    const now = Date.now();
    const sas = generateBlobSASQueryParameters(
      {
        containerName: this.container.containerName,
        blobName: key,
        permissions: BlobSASPermissions.parse('r'),
        startsOn: new Date(now - 5 * 60_000), // tolerate clock skew
        expiresOn: new Date(now + this.urlLifetimeSeconds * 1000),
      },
      blob.credential,
    );
    return `${blob.url}${blob.url.includes('?') ? '&' : '?'}${sas.toString()}`;
  }
}

function statusOf(err: unknown): number | undefined {
  return (err as { statusCode?: number }).statusCode;
}

function storageError(action: string, err: unknown): FrsError {
  const status = statusOf(err);
  return new FrsError(
    'STORAGE_ERROR',
    `Blob storage could not ${action}${status ? ` (HTTP ${status})` : ''}: ${(err as Error).message}`,
    { cause: err },
  );
}
