/**
 * Export by person, as the replaced system's desktop variant did (`ByPerson/Person_<id>`): one
 * folder per person, named by the person's name when a user gave one (`Person_<id>`
 * otherwise), holding its face thumbnails, or links to the photos its faces are in. The
 * files FRS wrote are listed in `.frs-export.json`, so a rerun updates the folder: it writes
 * what is new and removes what it made before that no longer applies (a face that moved, a
 * person renamed or deleted); files a user put there are never touched.
 */
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { PersonSummary, Repository } from '../data/repository.js';
import type { ObjectStore } from '../storage/object-store.js';

export interface ExportSources {
  repo: Repository;
  thumbnails: ObjectStore;
  /** Where an original is now (FRS_PATH_MAP applied): a local file, or a blob name. */
  locateOriginal(filePath: string): { file: string } | { blob: string };
  readOriginal(filePath: string): Promise<Uint8Array>;
}

export interface ExportSummary {
  persons: number;
  /** Files (thumbnails, links or copied photos) the export holds now. */
  files: number;
  /** Files of an earlier export removed because they no longer apply. */
  removed: number;
  /** Faces without a thumbnail (thumbnail export) or whose original is unknown. */
  skipped: number;
}

const MANIFEST = '.frs-export.json';

/** A folder name from a person's name: no path separators or characters Windows refuses. */
export function personFolderName(person: Pick<PersonSummary, 'id' | 'name' | 'nameIsGenerated'>): string {
  const named = person.name && !person.nameIsGenerated ? person.name : '';
  // eslint-disable-next-line no-control-regex -- control characters are what is being removed
  const safe = named.replace(/[<>:"/\\|?*\u0000-\u001f]/g, '_').replace(/^[\s.]+|[\s.]+$/g, '');
  return safe === '' ? `Person_${person.id}` : safe;
}

export async function exportByPerson(src: ExportSources, dir: string, photos: boolean): Promise<ExportSummary> {
  mkdirSync(dir, { recursive: true });
  const before = readManifest(dir);
  const files = new Set<string>();
  const summary: ExportSummary = { persons: 0, files: 0, removed: 0, skipped: 0 };
  const originals = photos ? await originalsOfFaces(src.repo) : new Map<number, string>();
  const used = new Set<string>();

  for (const person of await src.repo.listPersons()) {
    const detail = await src.repo.getPerson(person.id);
    if (!detail || detail.faces.length === 0) continue;
    let folder = personFolderName(person);
    // Two persons with the same name get their ids to tell them apart.
    if (used.has(folder.toLowerCase())) folder = `${folder} (${person.id})`;
    used.add(folder.toLowerCase());
    summary.persons++;
    for (const face of detail.faces) {
      if (photos) {
        const original = originals.get(face.id);
        if (!original) {
          summary.skipped++;
          continue;
        }
        const name = `${face.mediaItemId}_${basename(original.replace(/\\/g, '/'))}`;
        const rel = join(folder, name);
        if (files.has(rel)) continue;
        await placePhoto(src, original, join(dir, rel));
        files.add(rel);
      } else {
        if (!face.thumbnailPath) {
          summary.skipped++;
          continue;
        }
        const rel = join(folder, `face_${face.id}.jpg`);
        mkdirSync(join(dir, folder), { recursive: true });
        writeFileSync(join(dir, rel), await src.thumbnails.get(face.thumbnailPath));
        files.add(rel);
      }
    }
  }

  for (const stale of before.filter((f) => !files.has(f))) {
    const path = join(dir, stale);
    if (isPresent(path)) {
      rmSync(path, { force: true });
      summary.removed++;
    }
    removeIfEmpty(dirname(path), dir);
  }
  writeFileSync(join(dir, MANIFEST), JSON.stringify({ files: [...files].sort() }, null, 1));
  summary.files = files.size;
  return summary;
}

/** A symbolic link to a local original (replaced when it points elsewhere), or a copy of a blob. */
async function placePhoto(src: ExportSources, filePath: string, target: string): Promise<void> {
  mkdirSync(dirname(target), { recursive: true });
  const where = src.locateOriginal(filePath);
  if ('file' in where) {
    if (isPresent(target)) {
      if (lstatSync(target).isSymbolicLink() && readlinkSync(target) === where.file) return;
      rmSync(target, { force: true });
    }
    symlinkSync(where.file, target);
  } else {
    writeFileSync(target, await src.readOriginal(filePath));
  }
}

/** Face id → MediaFile.FilePath of its original, for every face with a box. */
async function originalsOfFaces(repo: Repository): Promise<Map<number, string>> {
  const map = new Map<number, string>();
  for (let after = 0; ;) {
    const page = await repo.facesNeedingThumbnails(false, after, 1000);
    if (page.length === 0) return map;
    for (const f of page) map.set(f.id, f.filePath);
    after = page[page.length - 1].id;
  }
}

function readManifest(dir: string): string[] {
  const path = join(dir, MANIFEST);
  if (!existsSync(path)) return [];
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as { files?: unknown };
  return Array.isArray(parsed.files) ? parsed.files.filter((f): f is string => typeof f === 'string') : [];
}

/** lstat, not exists: a link whose photo is gone is still there to replace or remove. */
function isPresent(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

function removeIfEmpty(folder: string, root: string): void {
  if (folder === root || !existsSync(folder) || readdirSync(folder).length > 0) return;
  rmdirSync(folder);
}
