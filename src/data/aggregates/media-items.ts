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
  /** Claims so far, this one included. */
  attempts: number;
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
   * lease, and have fewer than maxAttempts claims; each claim counts as an attempt. Items that
   * ran out of attempts in that state are marked failed. Two callers never get the same item.
   * With onlyItemId, claims that one item if it is claimable (the blob trigger's path).
   */
  claimPendingItems(
    owner: string,
    limit: number,
    leaseSeconds: number,
    maxAttempts: number,
    onlyItemId?: number,
  ): Promise<ClaimedItem[]>;
  /** Extends a lease still held by owner; false when it was lost. */
  renewLease(itemId: number, owner: string, leaseSeconds: number): Promise<boolean>;
  /**
   * All or nothing: replaces the item's unverified faces with `faces`, marks it done and
   * clears the lease. False (and nothing written) when owner no longer holds the lease.
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
  /** Failed items back to pending with attempts reset; returns how many. */
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
  renewLease: 'renewing a lease',
  completeItem: 'saving detected faces',
  failItem: 'recording a failed item',
  retryFailedItems: 'retrying failed items',
  facesOfItem: 'reading faces of an item',
  photo: 'reading a photo',
};
