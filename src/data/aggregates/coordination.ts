/** Coordination between workers: named locks, queued requests, and counts for status. */
import type { ActionLabels } from './action-labels.js';
import type { MediaItemStatus } from './media-items.js';

export type RequestStatus = 'queued' | 'running' | 'done' | 'failed';

export interface FrsRequest {
  id: number;
  kind: string;
  status: RequestStatus;
  payload: unknown;
  result: unknown;
  requestedAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface EnqueueOptions {
  payload?: unknown;
  /** Return the id of an already queued request of the same kind instead of adding one. */
  dedupe?: boolean;
}

export interface RepositoryStats {
  mediaFiles: number;
  items: Record<MediaItemStatus, number>;
  faces: number;
  facesWithEmbedding: number;
  unassignedFaces: number;
  verifiedFaces: number;
  persons: number;
  queuedRequests: number;
}

/** When the pipeline last did something, for the status page. */
export interface LibraryActivity {
  /** The latest time a photo finished processing (MediaItems.FacesExtractedOn). */
  lastProcessedAt: string | null;
  /** The most recently finished recluster request, done or failed. */
  lastRecluster: FrsRequest | null;
  queuedReclusters: number;
}

export interface CoordinationOps {
  /** Takes a named lock if free, expired or already owner's (then renews it). */
  acquireLock(name: string, owner: string, ttlSeconds: number): Promise<boolean>;
  releaseLock(name: string, owner: string): Promise<boolean>;
  enqueueRequest(kind: string, options?: EnqueueOptions): Promise<number>;
  /** Atomically moves the oldest queued request of `kind` to running. */
  takeRequest(kind: string): Promise<FrsRequest | null>;
  finishRequest(id: number, status: 'done' | 'failed', result?: unknown): Promise<boolean>;
  getRequest(id: number): Promise<FrsRequest | null>;

  stats(): Promise<RepositoryStats>;
  /** Items in one status: a range count on the claim index, for the timer (stats() counts every table). */
  countItems(status: MediaItemStatus): Promise<number>;
  activity(): Promise<LibraryActivity>;
}

/** What each operation is doing, for DATABASE_ERROR messages ("Database error while ..."). */
export const coordinationActions: ActionLabels<CoordinationOps> = {
  acquireLock: 'acquiring a lock',
  releaseLock: 'releasing a lock',
  enqueueRequest: 'queueing a request',
  takeRequest: 'taking a request',
  finishRequest: 'finishing a request',
  getRequest: 'reading a request',
  stats: 'counting',
  countItems: 'counting items',
  activity: 'reading the latest activity',
};
