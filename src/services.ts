/**
 * The composition root: settings validated once, then the long-lived services built lazily
 * and shared by every function invocation and CLI command in the process.
 */
import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { DefaultAzureCredential } from '@azure/identity';
import { fromAppRoot } from './config/app-root.js';
import { loadSettings, type Settings } from './config/settings.js';
import { openRepository } from './data/open-repository.js';
import type { Repository } from './data/repository.js';
import { consoleLogger, type Logger, type PipelineContext } from './pipeline/context.js';
import { PeopleService } from './people/people-service.js';
import { PipelineService } from './pipeline/pipeline-service.js';
import { FaceSearchService } from './search/face-search-service.js';
import { BlobStore } from './storage/blob-store.js';
import { mapPath, parsePathMap, type PathMapRule, unmapPath } from './storage/path-map.js';
import { LocalFolderStore } from './storage/local-folder-store.js';
import { type ObjectStore, tooLargeError } from './storage/object-store.js';
import { localFileExists, readLocalFile } from './pipeline/register-stage.js';
import { FaceAnalyzer } from './vision/face-analyzer.js';

export class Services {
  private analyzerInstance?: FaceAnalyzer;
  private repoInstance?: Promise<Repository>;
  private stores?: { media: ObjectStore | null; thumbnails: ObjectStore };
  /** Unique per process: item leases and locks are held in its name. */
  readonly workerId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

  /** FRS_PATH_MAP, parsed (the settings schema already validated it). */
  readonly pathMap: PathMapRule[];

  constructor(
    readonly settings: Settings,
    readonly log: Logger = consoleLogger,
  ) {
    this.pathMap = parsePathMap(settings.FRS_PATH_MAP);
  }

  get analyzer(): FaceAnalyzer {
    this.analyzerInstance ??= FaceAnalyzer.fromManifestFile(
      fromAppRoot(this.settings.FRS_MODEL_MANIFEST),
      this.settings,
    );
    return this.analyzerInstance;
  }

  repository(): Promise<Repository> {
    this.repoInstance ??= openRepository(this.settings.FRS_DATABASE, {
      busyTimeoutMs: this.settings.FRS_SQLITE_BUSY_TIMEOUT_MS,
      // SQL Server: the face index is saved beside the thumbnails, where every instance reads it.
      faceIndexStore: this.storage().thumbnails,
    }).catch((err: unknown) => {
      this.repoInstance = undefined;
      throw err;
    });
    return this.repoInstance;
  }

  get usesBlobStorage(): boolean {
    return Boolean(this.settings.FRS_BLOB_CONNECTION_STRING || this.settings.FRS_BLOB_ACCOUNT_URL);
  }

  /** Originals (null when they are plain local files) and thumbnails. */
  storage(): { media: ObjectStore | null; thumbnails: ObjectStore } {
    if (!this.stores) {
      const s = this.settings;
      if (this.usesBlobStorage) {
        const credential = s.FRS_BLOB_CONNECTION_STRING ? undefined : new DefaultAzureCredential();
        const blob = (container: string) =>
          new BlobStore({
            container,
            connectionString: s.FRS_BLOB_CONNECTION_STRING,
            accountUrl: s.FRS_BLOB_ACCOUNT_URL,
            credential,
          });
        this.stores = { media: blob(s.FRS_MEDIA_CONTAINER), thumbnails: blob(s.FRS_THUMBNAILS_CONTAINER) };
      } else {
        this.stores = { media: null, thumbnails: new LocalFolderStore(s.FRS_THUMBNAILS_DIR) };
      }
    }
    return this.stores;
  }

  /**
   * Where an original is now: FRS_PATH_MAP applied to its MediaFile.FilePath, giving a blob
   * name in the media container or a local path (relative ones under FRS_MEDIA_DIR).
   */
  locateOriginal = (filePath: string): { blob: string } | { file: string } => {
    const mapped = mapPath(filePath, this.pathMap);
    return this.usesBlobStorage ? { blob: mapped } : { file: resolve(this.settings.FRS_MEDIA_DIR, mapped) };
  };

  /**
   * Reads an original by its MediaFile.FilePath (see locateOriginal); larger than
   * FRS_MAX_ORIGINAL_BYTES fails with FILE_TOO_LARGE, unread.
   */
  readOriginal = async (filePath: string): Promise<Uint8Array> => {
    const { media } = this.storage();
    const maxBytes = this.settings.FRS_MAX_ORIGINAL_BYTES;
    const where = this.locateOriginal(filePath);
    if ('blob' in where) return media!.get(where.blob, { maxBytes });
    const path = where.file;
    const size = await stat(path).then(
      (s) => s.size,
      () => 0, // the read below reports what is wrong
    );
    if (size > maxBytes) throw tooLargeError(filePath, size, maxBytes);
    return readLocalFile(path);
  };

  private async *registeredNames(names: AsyncIterable<string>): AsyncIterable<string> {
    for await (const name of names) yield unmapPath(name, this.pathMap);
  }

  originalExists = async (filePath: string): Promise<boolean> => {
    const { media } = this.storage();
    const where = this.locateOriginal(filePath);
    if ('blob' in where) return media!.exists(where.blob);
    return localFileExists(where.file);
  };

  async pipelineContext(log: Logger = this.log): Promise<PipelineContext> {
    return {
      settings: this.settings,
      repo: await this.repository(),
      analyzer: this.analyzer,
      readOriginal: this.readOriginal,
      originalExists: this.originalExists,
      // Blob names in the registered form (FRS_PATH_MAP reversed), so blobs of rows the replaced system made are known.
      listOriginals: this.storage().media ? () => this.registeredNames(this.storage().media!.list()) : null,
      thumbnails: this.storage().thumbnails,
      log,
      workerId: this.workerId,
    };
  }

  async pipeline(log?: Logger): Promise<PipelineService> {
    return new PipelineService(await this.pipelineContext(log));
  }

  /** The people loop over the repository, for the current embedding model. */
  async people(): Promise<PeopleService> {
    return new PeopleService(await this.repository(), this.analyzer.embeddingModel, this.settings.FRS_MIN_FACE_QUALITY);
  }

  /** Find-similar and identify over the repository's face search. */
  async faceSearch(): Promise<FaceSearchService> {
    return new FaceSearchService(await this.repository(), this.settings.FRS_MATCH_THRESHOLD);
  }

  async close(): Promise<void> {
    const repo = this.repoInstance;
    this.repoInstance = undefined;
    if (repo) await (await repo.catch(() => null))?.close();
  }
}

let shared: Services | undefined;

/** Process-wide services from the environment; throws CONFIG_INVALID naming bad settings. */
export function getServices(): Services {
  shared ??= new Services(loadSettings());
  return shared;
}

/** Tests swap in services built from their own settings. */
export function setServices(services: Services | undefined): void {
  shared = services;
}
