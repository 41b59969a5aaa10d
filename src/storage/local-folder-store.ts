/** ObjectStore over a local folder; a key is a path relative to the folder and cannot leave it. */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FrsError } from '../errors.js';
import { assertValidKey, type GetOptions, type ObjectStore, tooLargeError } from './object-store.js';

/** Suffix of in-flight writes; listing skips them and keys may not end with it. */
const PARTIAL = '.frs-partial';

export class LocalFolderStore implements ObjectStore {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  get location(): string {
    return this.root;
  }

  private path(key: string): string {
    assertValidKey(key);
    const full = resolve(this.root, ...key.split('/'));
    // assertValidKey already rules out '..'; this is the belt to its braces.
    if (!full.startsWith(this.root + sep) || key.endsWith(PARTIAL)) {
      throw new FrsError('INVALID_INPUT', `Storage key ${JSON.stringify(key)} is not allowed in ${this.root}.`);
    }
    return full;
  }

  async put(key: string, bytes: Uint8Array, _contentType: string): Promise<void> {
    const path = this.path(key);
    // Write then rename: a reader never sees half a file.
    const partial = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}${PARTIAL}`);
    try {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(partial, bytes);
      await rename(partial, path);
    } catch (err) {
      await rm(partial, { force: true }).catch(() => undefined);
      throw fsError(`write ${key} to`, this.root, err);
    }
  }

  async get(key: string, options: GetOptions = {}): Promise<Uint8Array> {
    const path = this.path(key);
    try {
      if (options.maxBytes !== undefined) {
        const size = (await stat(path)).size;
        if (size > options.maxBytes) throw tooLargeError(key, size, options.maxBytes);
      }
      return await readFile(path);
    } catch (err) {
      if (err instanceof FrsError) throw err;
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR')
        throw new FrsError('NOT_FOUND', `No file ${key} in ${this.root}.`, { cause: err });
      throw fsError(`read ${key} from`, this.root, err);
    }
  }

  async exists(key: string): Promise<boolean> {
    const path = this.path(key);
    try {
      return (await stat(path)).isFile();
    } catch (err) {
      if (isMissing(err)) return false;
      throw fsError(`check ${key} in`, this.root, err);
    }
  }

  async delete(key: string): Promise<boolean> {
    const path = this.path(key);
    if (!(await this.exists(key))) return false;
    try {
      await rm(path);
      return true;
    } catch (err) {
      if (isMissing(err)) return false; // deleted meanwhile
      throw fsError(`delete ${key} from`, this.root, err);
    }
  }

  async *list(prefix = ''): AsyncIterable<string> {
    // Only the folder the prefix names needs walking.
    const folder = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
    if (folder && folder.split('/').some((s) => s === '' || s === '.' || s === '..')) return;
    const pending = [folder ? join(this.root, ...folder.split('/')) : this.root];
    while (pending.length > 0) {
      const dir = pending.pop()!;
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (err) {
        if (isMissing(err)) continue;
        throw fsError('list', this.root, err);
      }
      for (const entry of entries) {
        const full = join(dir, entry.name);
        if (entry.isDirectory()) pending.push(full);
        else if (entry.isFile() && !entry.name.endsWith(PARTIAL)) {
          const key = relative(this.root, full).split(sep).join('/');
          if (key.startsWith(prefix)) yield key;
        }
      }
    }
  }

  url(key: string): string {
    return pathToFileURL(this.path(key)).href;
  }
}

function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function fsError(action: string, root: string, err: unknown): FrsError {
  return new FrsError('STORAGE_ERROR', `Cannot ${action} ${root}: ${(err as Error).message}`, { cause: err });
}
