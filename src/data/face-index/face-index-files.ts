/**
 * Where saved face indexes live, one file per (model, dimensions) and log position:
 * `<stem>.<position>.usearch`. SQLite keeps them in a folder beside the database file; SQL Server
 * in the app's object store (a local folder, or the thumbnails container in Azure), so every
 * instance of the function app loads the index the timer saved instead of building its own.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ObjectStore } from '../../storage/object-store.js';

/** What a saved index is written from and read into (usearch's Index). */
export interface SavableIndex {
  save(path: string): void;
  load(path: string): void;
}

export interface FaceIndexFiles {
  /** For logs. */
  readonly location: string;
  /** Positions of the saved indexes of `stem`, newest first. */
  positions(stem: string): Promise<number[]>;
  /** Reads a saved index into `index`; false when it is gone or unreadable. */
  loadInto(index: SavableIndex, stem: string, position: number): Promise<boolean>;
  /** Writes `index` whole, then drops older saves of `stem`; false when it could not be written. */
  save(index: SavableIndex, stem: string, position: number): Promise<boolean>;
}

/** File-name stem of a model's index: readable, and unique through a hash of the exact model id. */
export function stemOf(model: string, dims: number): string {
  const readable = model.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 60);
  const hash = createHash('sha256').update(model).digest('hex').slice(0, 12);
  return `${readable}-${hash}-${dims}d`;
}

function positionsIn(names: Iterable<string>, stem: string): number[] {
  const pattern = new RegExp(`^${stem.replace(/[.]/g, '\\.')}\\.(\\d+)\\.usearch$`);
  const found: number[] = [];
  for (const name of names) {
    const match = pattern.exec(name);
    if (match) found.push(Number(match[1]));
  }
  return found.sort((a, b) => b - a);
}

const fileName = (stem: string, position: number) => `${stem}.${position}.usearch`;

/** Index files in a local folder (written whole, then renamed into place). */
export function folderIndexFiles(folder: string): FaceIndexFiles {
  const list = (stem: string) => {
    try {
      return positionsIn(readdirSync(folder), stem);
    } catch {
      return [];
    }
  };
  return {
    location: folder,
    positions: (stem) => Promise.resolve(list(stem)),
    loadInto(index, stem, position) {
      try {
        index.load(join(folder, fileName(stem, position)));
        return Promise.resolve(true);
      } catch {
        return Promise.resolve(false); // removed by a newer save meanwhile, or unreadable
      }
    },
    save(index, stem, position) {
      const target = join(folder, fileName(stem, position));
      const temporary = `${target}.${process.pid}.tmp`;
      try {
        mkdirSync(folder, { recursive: true });
        index.save(temporary);
        renameSync(temporary, target);
      } catch {
        // A folder FRS cannot write (a read-only mount): the in-memory index still serves.
        rmSync(temporary, { force: true });
        return Promise.resolve(false);
      }
      for (const old of list(stem)) if (old < position) rmSync(join(folder, fileName(stem, old)), { force: true });
      return Promise.resolve(true);
    },
  };
}

/**
 * Index files as objects under a key prefix of an object store (asked for once, when first
 * needed: the SQL Server adapter names it after the library id). usearch reads and writes files,
 * so each transfer goes through a scratch file; the bytes are held in memory once meanwhile (about
 * 390 MB for 1M faces).
 */
export function storeIndexFiles(store: ObjectStore, prefixOf: () => Promise<string>): FaceIndexFiles {
  let prefix: Promise<string> | undefined;
  const folder = () => (prefix ??= prefixOf());
  const key = async (stem: string, position: number) => `${await folder()}/${fileName(stem, position)}`;
  const positions = async (stem: string) => {
    const start = `${await folder()}/`;
    const names: string[] = [];
    for await (const k of store.list(`${start}${stem}.`)) names.push(k.slice(start.length));
    return positionsIn(names, stem);
  };
  const withScratch = async <T>(work: (path: string) => Promise<T>): Promise<T> => {
    const scratch = mkdtempSync(join(tmpdir(), 'frs-face-index-'));
    try {
      return await work(join(scratch, 'index.usearch'));
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  };
  return {
    location: store.location,
    positions,
    loadInto: (index, stem, position) =>
      withScratch(async (path) => {
        try {
          writeFileSync(path, await store.get(await key(stem, position)));
          index.load(path);
          return true;
        } catch {
          return false; // removed by a newer save meanwhile, or unreadable
        }
      }),
    save: (index, stem, position) =>
      withScratch(async (path) => {
        try {
          index.save(path);
          await store.put(await key(stem, position), readFileSync(path), 'application/octet-stream');
        } catch {
          return false;
        }
        for (const old of await positions(stem))
          if (old < position) await store.delete(await key(stem, old)).catch(() => false);
        return true;
      }),
  };
}
