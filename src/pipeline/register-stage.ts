/**
 * Register: image files become MediaFile + MediaItems rows, idempotent by path, with a
 * SHA-256 content hash. Items start pending, so the detect stage picks them up.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, extname, resolve } from 'node:path';
import type { Repository } from '../data/repository.js';
import { FrsError } from '../errors.js';
import { unmapPath, type PathMapRule } from '../storage/path-map.js';
import { walkImages } from '../storage/walk-images.js';
import type { Logger } from './context.js';

export interface RegisterSummary {
  found: number;
  registered: number;
  alreadyKnown: number;
  /** Files whose path or name does not fit the replaced system's columns (logged; nothing written). */
  refused: number;
}

export function contentHash(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Registers one original; `filePath` is what readOriginal will later be given. */
export async function registerOriginal(repo: Repository, filePath: string, bytes: Uint8Array | null) {
  return repo.registerMediaFile({
    filePath,
    fileName: basename(filePath),
    extension: extname(filePath).toLowerCase(),
    contentHash: bytes ? contentHash(bytes) : null,
  });
}

export async function registerFolder(
  repo: Repository,
  dir: string,
  log: Logger,
  dryRun = false,
  pathMap: PathMapRule[] = [],
): Promise<RegisterSummary> {
  const summary: RegisterSummary = { found: 0, registered: 0, alreadyKnown: 0, refused: 0 };
  for (const path of walkImages(resolve(dir))) {
    summary.found++;
    if (dryRun) continue;
    // A file under a mapped folder is registered by the path the replaced system stored, so it is found, not added again.
    let result;
    try {
      result = await registerOriginal(repo, unmapPath(path, pathMap), await readFile(path));
    } catch (err) {
      // A path too long for MediaFile.FilePath (or a name for FileName) is refused, never cut; the others go on.
      if (!(err instanceof FrsError && err.code === 'INVALID_INPUT')) throw err;
      summary.refused++;
      log.warn(`register: ${path} skipped: ${err.message}`);
      continue;
    }
    if (result.created) summary.registered++;
    else summary.alreadyKnown++;
  }
  log.info(
    `register: ${summary.found} image(s) under ${dir}${dryRun ? ' (dry run: nothing registered)' : `, ${summary.registered} new, ${summary.alreadyKnown} already known${summary.refused ? `, ${summary.refused} refused` : ''}`}`,
  );
  return summary;
}
