/** ObjectStore over a local folder; keys are relative paths that may not leave the folder. */
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { FrsError } from '../errors.js';
import type { ObjectStore } from './object-store.js';

export class LocalFolderStore implements ObjectStore {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  get location(): string {
    return this.root;
  }

  private path(key: string): string {
    const full = resolve(this.root, key);
    if (!key || (full !== this.root && !full.startsWith(this.root + sep)) || full === this.root) {
      throw new FrsError('INVALID_INPUT', `Storage key "${key}" is empty or leaves ${this.root}.`);
    }
    return full;
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    const path = this.path(key);
    await mkdir(dirname(path), { recursive: true });
    // write-then-rename: a reader never sees half a thumbnail
    const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(tmp, bytes);
    await rename(tmp, path);
  }

  async get(key: string): Promise<Uint8Array> {
    try {
      return await readFile(this.path(key));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new FrsError('NOT_FOUND', `No file ${key} in ${this.root}.`);
      throw new FrsError('STORAGE_ERROR', `Cannot read ${key} from ${this.root}: ${(err as Error).message}`, { cause: err });
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      return (await stat(this.path(key))).isFile();
    } catch {
      return false;
    }
  }

  async delete(key: string): Promise<boolean> {
    const path = this.path(key);
    if (!(await this.exists(key))) return false;
    await rm(path);
    return true;
  }

  async *list(prefix = ''): AsyncIterable<string> {
    const walk = async function* (dir: string): AsyncGenerator<string> {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        const full = join(dir, e.name);
        if (e.isDirectory()) yield* walk(full);
        else if (e.isFile() && !e.name.endsWith('.tmp')) yield full;
      }
    };
    for await (const full of walk(this.root)) {
      const key = relative(this.root, full).split(sep).join('/');
      if (key.startsWith(prefix)) yield key;
    }
  }

  url(key: string): string {
    return this.path(key);
  }
}
