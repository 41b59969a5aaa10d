/**
 * Media content: an original is known by its path and by its content hash. A scan asks what
 * a path holds, finds other paths with the same content (a move or a copy), records a file
 * that moved or changed, and marks files it could not read as failed items.
 */
import type { ActionLabels } from './action-labels.js';

export interface KnownMediaFile {
  mediaFileId: number;
  /** Null only for a MediaFile row the legacy tool left without an item. */
  mediaItemId: number | null;
  filePath: string;
  contentHash: string | null;
  fileSize: number | null;
  fileModifiedMs: number | null;
  /** Set on a copy: the item whose faces this path's content has. */
  duplicateOfItemId: number | null;
}

/** What a scan learned about a file on disk or in a container. */
export interface FileFacts {
  contentHash: string;
  fileSize?: number | null;
  fileModifiedMs?: number | null;
}

export interface MediaContentOps {
  findMediaFileByPath(filePath: string): Promise<KnownMediaFile | null>;
  /** Files with this content hash, originals (not copies) first, then by id. */
  findMediaFilesByContent(contentHash: string): Promise<KnownMediaFile[]>;
  /**
   * A move or rename: the row keeps its item and faces and gets the new path. Conditional on
   * the row still having `fromPath` (false otherwise, e.g. another scan moved it first).
   */
  moveMediaFile(
    mediaFileId: number,
    fromPath: string,
    toPath: string,
    fileName: string,
    facts: FileFacts,
  ): Promise<boolean>;
  /**
   * Records what a known path holds now. Same hash: only size and mtime are updated. Another
   * hash (an edited file, an overwritten blob): the item goes back to pending with its attempts
   * reset, so it is detected again, and copies that pointed at it become items of their own.
   */
  updateMediaFileContent(mediaFileId: number, facts: FileFacts): Promise<'unchanged' | 'changed'>;
  /** A file that could not be read at registration: its item is failed with `error` (no lease needed). */
  markItemFailed(itemId: number, error: string): Promise<void>;
  /** Of `paths`, those no MediaFile has (at most a few hundred per call). */
  unknownPaths(paths: string[]): Promise<string[]>;
  /** This database's id (FrsLibrary): keys its thumbnails, so two libraries never share one. */
  libraryId(): Promise<string>;
}

export const mediaContentActions: ActionLabels<MediaContentOps> = {
  findMediaFileByPath: 'looking up a media file by path',
  findMediaFilesByContent: 'looking up media files by content',
  moveMediaFile: 'recording a moved media file',
  updateMediaFileContent: 'recording changed media content',
  markItemFailed: 'recording an unreadable file',
  unknownPaths: 'checking which paths are registered',
  libraryId: 'reading the library id',
};
