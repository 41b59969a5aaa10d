/** Expands CLI paths: files as given, folders walked recursively for image files, sorted. */
import { readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';

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

export function* walkImages(path: string): Generator<string> {
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
  for (const entry of readdirSync(path, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const child = join(path, entry.name);
    if (entry.isDirectory()) yield* walkImages(child);
    else if (entry.isFile() && isImagePath(entry.name)) yield child;
  }
}
