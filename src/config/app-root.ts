/** The folder holding package.json and models/, whether running from src/ (tsx) or dist/src/ (compiled). */
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
  return dir;
}

export const appRoot = findRoot();

/** Resolves a configured path: absolute as is, relative to the app root otherwise. */
export function fromAppRoot(path: string): string {
  return isAbsolute(path) ? path : resolve(appRoot, path);
}
