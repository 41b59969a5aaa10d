/**
 * Register: image files become MediaFile + MediaItems rows. A file is known by its path and by
 * its content (SHA-256):
 * - a path seen before with the same size and mtime is skipped without being read;
 * - a path whose content changed (edited photo, overwritten blob) is detected again;
 * - new content is a new item; content already registered under a path that no longer exists
 *   is a move (the item and its faces follow the new path); under a path that still exists it
 *   is a copy (an item of its own, done, pointing at the original's item: faces are not
 *   detected twice);
 * - a file that cannot be read (permissions, vanished, over FRS_MAX_ORIGINAL_BYTES) is recorded
 *   as a failed item with its error, and the rest of the folder goes on.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { basename, extname, resolve } from 'node:path';
import type { Repository } from '../data/repository.js';
import { asFrsError, FrsError } from '../errors.js';
import { tooLargeError } from '../storage/object-store.js';
import { walkImages } from '../storage/walk-images.js';
import type { Logger } from './context.js';

export type RegisterOutcome = 'new' | 'unchanged' | 'same-content' | 'changed' | 'moved' | 'copy' | 'failed';

export interface RegisterResult {
  outcome: RegisterOutcome;
  mediaItemId: number;
  /** Set when outcome is 'failed'. */
  error?: string;
}

/** An original as a scan sees it: where it is, what the listing says, and how to read it. */
export interface OriginalSource {
  path: string;
  size: number | null;
  modifiedMs: number | null;
  read(): Promise<Uint8Array>;
}

export interface RegisterDeps {
  repo: Repository;
  maxBytes: number;
  /** Whether a registered path still holds a file (a move leaves nothing behind, a copy does). */
  stillExists(path: string): Promise<boolean>;
}

export interface RegisterSummary {
  found: number;
  registered: number;
  alreadyKnown: number;
  changed: number;
  moved: number;
  copies: number;
  failed: number;
}

export function contentHash(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export async function registerFile(deps: RegisterDeps, source: OriginalSource): Promise<RegisterResult> {
  const { repo } = deps;
  const known = await repo.findMediaFileByPath(source.path);
  if (
    known &&
    known.mediaItemId !== null &&
    known.contentHash !== null &&
    source.size !== null &&
    source.modifiedMs !== null &&
    known.fileSize === source.size &&
    known.fileModifiedMs === source.modifiedMs
  )
    return { outcome: 'unchanged', mediaItemId: known.mediaItemId };

  let bytes: Uint8Array;
  try {
    if (source.size !== null && source.size > deps.maxBytes)
      throw tooLargeError(source.path, source.size, deps.maxBytes);
    bytes = await source.read();
    if (bytes.byteLength > deps.maxBytes) throw tooLargeError(source.path, bytes.byteLength, deps.maxBytes);
  } catch (err) {
    const e = asFrsError(err);
    const error = `${e.code}: ${e.message}`;
    const itemId = known?.mediaItemId ?? (await repo.registerMediaFile(fileInput(source.path))).mediaItemId;
    await repo.markItemFailed(itemId, error);
    return { outcome: 'failed', mediaItemId: itemId, error };
  }
  const facts = {
    contentHash: contentHash(bytes),
    fileSize: source.size ?? bytes.byteLength,
    fileModifiedMs: source.modifiedMs,
  };

  if (known) {
    const state = await repo.updateMediaFileContent(known.mediaFileId, facts);
    const itemId = known.mediaItemId ?? (await repo.registerMediaFile(fileInput(source.path))).mediaItemId;
    return { outcome: state === 'changed' ? 'changed' : 'same-content', mediaItemId: itemId };
  }

  const sameContent = await repo.findMediaFilesByContent(facts.contentHash);
  for (const other of sameContent) {
    if (other.mediaItemId === null || (await deps.stillExists(other.filePath))) continue;
    if (await repo.moveMediaFile(other.mediaFileId, other.filePath, source.path, basename(source.path), facts))
      return { outcome: 'moved', mediaItemId: other.mediaItemId };
  }
  const original = sameContent.find((f) => f.duplicateOfItemId === null && f.mediaItemId !== null);
  const registered = await repo.registerMediaFile({
    ...fileInput(source.path),
    ...facts,
    duplicateOfItemId: original?.mediaItemId ?? null,
  });
  if (!registered.created) return { outcome: 'same-content', mediaItemId: registered.mediaItemId }; // registered meanwhile
  return { outcome: original ? 'copy' : 'new', mediaItemId: registered.mediaItemId };
}

/**
 * Registers one original by path only (idempotent by path; the content hash is recorded the
 * first time). For callers that create their own files (the demo album, tests); scans of
 * folders and containers use registerFile, which also knows moves, edits and copies.
 */
export async function registerOriginal(repo: Repository, filePath: string, bytes: Uint8Array | null) {
  return repo.registerMediaFile({ ...fileInput(filePath), contentHash: bytes ? contentHash(bytes) : null });
}

function fileInput(path: string) {
  return { filePath: path, fileName: basename(path), extension: extname(path).toLowerCase() };
}

/** Reads a local original, with errors that say what went wrong. */
export async function readLocalFile(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (err) {
    throw localFileError(path, err);
  }
}

export function localFileError(path: string, err: unknown): FrsError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR')
    return new FrsError('NOT_FOUND', `${path} no longer exists (moved or deleted, or a broken link).`, { cause: err });
  if (code === 'EACCES' || code === 'EPERM')
    return new FrsError('STORAGE_ERROR', `${path} cannot be read: permission denied.`, { cause: err });
  return new FrsError('STORAGE_ERROR', `${path} cannot be read: ${(err as Error).message}`, { cause: err });
}

export async function localFileExists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (err) {
    // Only a file that is certainly gone counts as moved; anything else keeps its registration.
    const code = (err as NodeJS.ErrnoException).code;
    return !(code === 'ENOENT' || code === 'ENOTDIR');
  }
}

export interface RegisterFolderOptions {
  /** FRS_MAX_ORIGINAL_BYTES. */
  maxBytes?: number;
  /** Folders not to walk, e.g. the thumbnails folder when it lies inside the photo folder. */
  exclude?: string[];
}

export async function registerFolder(
  repo: Repository,
  dir: string,
  log: Logger,
  dryRun = false,
  options: RegisterFolderOptions = {},
): Promise<RegisterSummary> {
  const root = resolve(dir);
  try {
    await stat(root);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR')
      throw new FrsError('NOT_FOUND', `There is no folder ${dir} (${root}) to register images from.`, { cause: err });
    throw localFileError(root, err);
  }
  const deps: RegisterDeps = {
    repo,
    maxBytes: options.maxBytes ?? Number.MAX_SAFE_INTEGER,
    stillExists: localFileExists,
  };
  const summary: RegisterSummary = {
    found: 0,
    registered: 0,
    alreadyKnown: 0,
    changed: 0,
    moved: 0,
    copies: 0,
    failed: 0,
  };
  const onSkip = (path: string, reason: string) => log.warn(`register: skipped ${path}: ${reason}`);
  for (const path of walkImages(root, { exclude: options.exclude, onSkip })) {
    summary.found++;
    if (dryRun) continue;
    const info = await stat(path).catch(() => null);
    const result = await registerFile(deps, {
      path,
      size: info?.size ?? null,
      modifiedMs: info ? Math.floor(info.mtimeMs) : null,
      read: () => readLocalFile(path),
    });
    count(summary, result.outcome);
    if (result.outcome === 'failed') log.warn(`register: ${path} recorded as failed: ${result.error}`);
  }
  log.info(
    `register: ${summary.found} image(s) under ${dir}` +
      (dryRun
        ? ' (dry run: nothing registered)'
        : `, ${summary.registered} new, ${summary.alreadyKnown} already known, ${summary.changed} changed, ` +
          `${summary.moved} moved, ${summary.copies} copies, ${summary.failed} failed`),
  );
  return summary;
}

export function count(summary: RegisterSummary, outcome: RegisterOutcome): void {
  if (outcome === 'new') summary.registered++;
  else if (outcome === 'unchanged' || outcome === 'same-content') summary.alreadyKnown++;
  else if (outcome === 'changed') summary.changed++;
  else if (outcome === 'moved') summary.moved++;
  else if (outcome === 'copy') summary.copies++;
  else summary.failed++;
}
