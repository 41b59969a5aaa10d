/** Media items: registering originals, claiming them for detection, recording the outcome. */
import type { ActionLabels } from './action-labels.js';
import type { FaceDetail, FaceRecord, NewFace } from './faces.js';

export type MediaItemStatus = 'pending' | 'processing' | 'done' | 'failed';

export interface RegisterMediaFileInput {
  filePath: string;
  fileName: string;
  /** Stored in MediaFile.Extensions, e.g. '.jpg'. */
  extension: string;
  contentHash?: string | null;
  fileSize?: number | null;
  fileModifiedMs?: number | null;
  /** Registers the path as a copy of this item's content: the new item is done, with no faces of its own. */
  duplicateOfItemId?: number | null;
}

export interface RegisteredMediaFile {
  mediaFileId: number;
  mediaItemId: number;
  /** False when the path was already registered (the existing ids are returned). */
  created: boolean;
}

export interface ClaimedItem {
  id: number;
  mediaFileId: number;
  filePath: string;
  fileName: string | null;
  /** Attempts started before this claim (startItem counts the next one). */
  attempts: number;
}

/** Items held by a worker: `stuck` ones have an expired lease (their worker stopped). */
export interface LeaseReport {
  active: number;
  stuck: number;
  /** Seconds since the oldest stuck lease expired; null when none is stuck. */
  oldestStuckSeconds: number | null;
}

export interface MediaItemState {
  id: number;
  mediaFileId: number;
  status: MediaItemStatus;
  attempts: number;
  lastError: string | null;
  leaseOwner: string | null;
  leaseExpiresAt: string | null;
  facesExtractedOn: string | null;
}

export interface Photo {
  itemId: number;
  mediaFileId: number;
  fileName: string | null;
  filePath: string;
  faces: FaceDetail[];
}

export interface MediaItemOps {
  /** Idempotent by FilePath: the same path again returns the same ids and created=false. */
  registerMediaFile(input: RegisterMediaFileInput): Promise<RegisteredMediaFile>;
  getMediaItem(id: number): Promise<MediaItemState | null>;
  /**
   * Atomically leases up to `limit` items that are pending, or processing with an expired
   * lease, and have fewer than maxAttempts started attempts. A claim is not an attempt:
   * startItem counts one right before the work, so a crash costs only the item in hand.
   * Two callers never get the same item. With onlyItemId, claims that one item if it is
   * claimable (the blob trigger's path).
   */
  claimPendingItems(
    owner: string,
    limit: number,
    leaseSeconds: number,
    maxAttempts: number,
    onlyItemId?: number,
  ): Promise<ClaimedItem[]>;
  /**
   * Right before the real work on a claimed item: counts the attempt and renews the lease.
   * Returns the attempts so far (this one included), or null when the lease was lost.
   */
  startItem(itemId: number, owner: string, leaseSeconds: number): Promise<number | null>;
  /**
   * Items whose worker stopped (lease expired) during their last allowed attempt become failed
   * ("gave up"); returns how many, so a run can count them among its failures.
   */
  failAbandonedItems(maxAttempts: number): Promise<number>;
  leaseReport(): Promise<LeaseReport>;
  /** Extends a lease still held by owner; false when it was lost. */
  renewLease(itemId: number, owner: string, leaseSeconds: number): Promise<boolean>;
  /**
   * All or nothing: replaces the item's faces with `faces`, marks it done and clears the lease.
   * An old face whose box overlaps a new one (IoU >= 0.5, face-replacement.ts) is updated in
   * place, keeping its id, person and verification; other unverified old faces go, verified
   * ones stay. False (and nothing written) when owner no longer holds the lease.
   */
  completeItem(itemId: number, owner: string, faces: NewFace[]): Promise<boolean>;
  /**
   * Back to pending (claimable again after retryDelaySeconds), or failed for good once attempts
   * reached maxAttempts; null when not owned.
   */
  failItem(
    itemId: number,
    owner: string,
    error: string,
    maxAttempts: number,
    retryDelaySeconds?: number,
  ): Promise<'pending' | 'failed' | null>;
  /** Failed items back to pending with attempts reset, embedding failures forgotten; returns how many items. */
  retryFailedItems(): Promise<number>;
  facesOfItem(itemId: number): Promise<FaceRecord[]>;
  /** One photo with its faces and their persons (what Portrait.sql showed); null when unknown. */
  photo(ref: { itemId: number } | { filePath: string }): Promise<Photo | null>;
}

/** What each operation is doing, for DATABASE_ERROR messages ("Database error while ..."). */
export const mediaItemActions: ActionLabels<MediaItemOps> = {
  registerMediaFile: 'registering a media file',
  getMediaItem: 'reading a media item',
  claimPendingItems: 'claiming media items',
  startItem: 'starting work on a media item',
  failAbandonedItems: 'failing abandoned media items',
  leaseReport: 'reporting leases',
  renewLease: 'renewing a lease',
  completeItem: 'saving detected faces',
  failItem: 'recording a failed item',
  retryFailedItems: 'retrying failed items',
  facesOfItem: 'reading faces of an item',
  photo: 'reading a photo',
};
