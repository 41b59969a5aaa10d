/**
 * Expands CLI paths: files as given, folders walked recursively for image files, sorted.
 * Hidden entries (".thumbnails", ".git", "._photo.jpg") and folders named in `exclude` (FRS's
 * own thumbnails folder when it lies inside the photo folder) are not walked. A symbolic link
 * to a file is followed; a link to a folder is reported through `onSkip` and not followed
 * (links can form loops); a broken link is yielded so that reading it reports the error. A
 * folder that cannot be listed is reported through `onSkip` and the walk goes on.
 */
import { readdirSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';

export const IMAGE_EXTENSIONS = new Set([
  '.jpg',
  '.jpeg',
  '.png',
  '.webp',
  '.gif',
  '.tif',
  '.tiff',
  '.avif',
  '.heic',
  '.heif',
  '.bmp',
]);

export function isImagePath(path: string): boolean {
  return IMAGE_EXTENSIONS.has(extname(path).toLowerCase());
}

export interface WalkOptions {
  /** Folders not to walk (absolute or relative to the working directory). */
  exclude?: string[];
  /** Told about entries left out on purpose that a user may have expected (links to folders). */
  onSkip?: (path: string, reason: string) => void;
}

export function* walkImages(path: string, options: WalkOptions = {}): Generator<string> {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    yield path; // let the reader report it as not found
    return;
  }
  if (!stat.isDirectory()) {
    yield path;
    return;
  }
  // The folder asked for must be readable; readdirSync's error says why not.
  readdirSync(path);
  yield* walkFolder(path, new Set((options.exclude ?? []).map((p) => resolve(p))), options.onSkip);
}

function* walkFolder(dir: string, exclude: Set<string>, onSkip?: WalkOptions['onSkip']): Generator<string> {
  if (exclude.has(resolve(dir))) return;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    // One unreadable folder must not stop the walk of the others.
    onSkip?.(dir, `the folder cannot be read: ${(err as Error).message}`);
    return;
  }
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.')) continue;
    const child = join(dir, entry.name);
    if (entry.isDirectory()) yield* walkFolder(child, exclude, onSkip);
    else if (entry.isFile() && isImagePath(entry.name)) yield child;
    else if (entry.isSymbolicLink()) {
      let target;
      try {
        target = statSync(child);
      } catch {
        if (isImagePath(entry.name)) yield child; // broken link: recorded as a failed file
        continue;
      }
      if (target.isDirectory()) onSkip?.(child, 'a symbolic link to a folder is not followed');
      else if (target.isFile() && isImagePath(entry.name)) yield child;
    }
  }
}
