/**
 * Crash testing: the worker (`frs all` in a child process, fault-worker.ts) is killed with
 * SIGKILL at seeded random points (FRS_FAULT_AT: claim, start, detect, thumbnail, write,
 * regroup), ten times in all (twice in claim, detect, write and regroup), then run until it finishes. Afterwards every photo must be
 * done or failed with its own error, no face may be stored twice, thumbnails and face rows must
 * match one to one, and the persons must be those of one run without faults.
 * FRS_FAULT_SEED=<n> replays a schedule (the seed is printed when the test fails).
 */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoImage } from '../helpers/fixtures.js';

const POINTS = ['claim', 'start', 'detect', 'thumbnail', 'write', 'regroup'] as const;
type Point = (typeof POINTS)[number];
/** Ten kills: twice in each of claim, detect, write and regroup (the issue's four), once in the two steps between. */
const KILLS: Record<Point, number> = { claim: 2, start: 1, detect: 2, thumbnail: 1, write: 2, regroup: 2 };
const TOTAL_KILLS = Object.values(KILLS).reduce((a, b) => a + b, 0);

const root = mkdtempSync(join(tmpdir(), 'frs-faults-'));
// The worker bundled once (esbuild; packages stay external): a child then starts in about a
// second instead of transpiling the sources again each time. Inside the repository, so that
// node_modules and models/ resolve as they do for the sources.
const WORKER = join(import.meta.dirname, '../../.scratch', `fault-worker-${process.pid}.mjs`);
beforeAll(async () => {
  await build({
    entryPoints: [join(import.meta.dirname, 'fault-worker.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outfile: WORKER,
    logLevel: 'warning',
  });
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(WORKER, { force: true });
});

/**
 * What FRS_LEASE_SECONDS of waiting does after a crash, without the wait: the killed worker's
 * item leases and grouping lock expire.
 */
function expireLeases(dir: string): void {
  const db = new Database(join(dir, 'frs.db'));
  try {
    db.exec(`UPDATE MediaItems SET LeaseExpiresAt = '2000-01-01T00:00:00.000Z' WHERE Status = 'processing';
      UPDATE FrsLocks SET ExpiresAt = '2000-01-01T00:00:00.000Z';`);
  } finally {
    db.close();
  }
}

interface WorkerResult {
  killed: boolean;
  code: number | null;
  stdout: string;
  stderr: string;
}

function runWorker(dir: string, images: string, faultAt?: string): Promise<WorkerResult> {
  const env = {
    ...process.env,
    FRS_DATABASE: join(dir, 'frs.db'),
    FRS_THUMBNAILS_DIR: join(dir, 'thumbnails'),
    FRS_MEDIA_DIR: images,
    FRS_INTRA_OP_THREADS: '1',
    FRS_BATCH_SIZE: '2',
    FRS_MAX_ATTEMPTS: '20', // crashes during an item cost attempts; none may give up here
    FRS_MAX_ORIGINAL_BYTES: String(2 * 1024 * 1024),
    FRS_FAULT_AT: faultAt ?? '',
  };
  return new Promise((done) => {
    execFile(process.execPath, [WORKER, images], { env }, (err, stdout, stderr) => {
      const signal = (err as { signal?: string } | null)?.signal;
      done({ killed: signal === 'SIGKILL', code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr });
    });
  });
}

/** Mulberry32: a small seeded generator, so a failing schedule can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Six demo photos, their mirror images and grey versions: eighteen different photos with faces. */
async function photoPool(dir: string): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const pool: string[] = [];
  for (const n of [1, 2, 3, 4, 5, 6] as const) {
    const plain = join(dir, `sample${n}.jpg`);
    copyFileSync(demoImage(n), plain);
    const mirrored = join(dir, `mirror${n}.jpg`);
    await sharp(demoImage(n)).flop().jpeg({ quality: 90 }).toFile(mirrored);
    const grey = join(dir, `grey${n}.jpg`);
    await sharp(demoImage(n)).greyscale().jpeg({ quality: 90 }).toFile(grey);
    pool.push(plain, mirrored, grey);
  }
  return pool;
}

interface LibraryState {
  items: { path: string; status: string; lastError: string | null }[];
  faces: { id: number; item: string; box: string; thumbnail: string | null }[];
  /** Each person as the sorted keys of its faces, all persons sorted: comparable across databases. */
  persons: string[];
  thumbnailFiles: string[];
}

function readLibrary(dir: string, images: string): LibraryState {
  const db = new Database(join(dir, 'frs.db'), { readonly: true });
  try {
    const name = (p: string) => relative(images, p);
    const items = (
      db
        .prepare(
          'SELECT m.FilePath AS path, i.Status AS status, i.LastError AS lastError FROM MediaItems i JOIN MediaFile m ON m.Id = i.MediaFileId ORDER BY m.FilePath',
        )
        .all() as { path: string; status: string; lastError: string | null }[]
    ).map((r) => ({ ...r, path: name(r.path) }));
    const rows = db
      .prepare(
        'SELECT f.Id AS id, m.FilePath AS path, f.BoundingBox AS box, f.ThumbnailPath AS thumbnail, f.PersonId AS person FROM Faces f JOIN MediaItems i ON i.Id = f.MediaItemId JOIN MediaFile m ON m.Id = i.MediaFileId',
      )
      .all() as { id: number; path: string; box: string; thumbnail: string | null; person: number | null }[];
    const key = (r: { path: string; box: string }) =>
      `${name(r.path)}@${(JSON.parse(r.box) as number[]).map((v) => Math.round(v)).join(',')}`;
    const byPerson = new Map<number, string[]>();
    for (const r of rows) if (r.person !== null) byPerson.set(r.person, [...(byPerson.get(r.person) ?? []), key(r)]);
    const thumbnailsDir = join(dir, 'thumbnails');
    const thumbnailFiles = (
      readdirSync(thumbnailsDir, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[]
    )
      .filter((e) => e.isFile())
      .map((e) => relative(thumbnailsDir, join(e.parentPath, e.name)).split(sep).join('/'))
      .sort();
    return {
      items,
      faces: rows.map((r) => ({ id: r.id, item: name(r.path), box: key(r), thumbnail: r.thumbnail })),
      persons: [...byPerson.values()].map((faces) => faces.sort().join(' | ')).sort(),
      thumbnailFiles,
    };
  } finally {
    db.close();
  }
}

/** Items not done yet (none before the first run registers the folder). */
function unfinished(dir: string): number {
  if (!existsSync(join(dir, 'frs.db'))) return Infinity;
  const db = new Database(join(dir, 'frs.db'), { readonly: true });
  try {
    return (
      db.prepare(`SELECT COUNT(*) AS n FROM MediaItems WHERE Status IN ('pending', 'processing')`).get() as {
        n: number;
      }
    ).n;
  } finally {
    db.close();
  }
}

describe('fault injection: the worker killed at random points', () => {
  it(`loses no photo and counts no face twice after ${TOTAL_KILLS} kills`, async () => {
    const seed = Number(process.env.FRS_FAULT_SEED ?? Date.now() % 100_000);
    const next = random(seed);
    const context = `seed ${seed} (rerun with FRS_FAULT_SEED=${seed})`;
    const pool = await photoPool(join(root, 'pool'));
    const images = join(root, 'images');
    mkdirSync(images);
    // A file too large to read: it must end failed with its own error, whatever the crashes.
    writeFileSync(join(images, 'huge.jpg'), Buffer.alloc(3 * 1024 * 1024, 0xff));
    const addPhotos = (n: number) => {
      for (const p of pool.splice(0, n)) copyFileSync(p, join(images, relative(join(root, 'pool'), p)));
    };
    addPhotos(2);

    const lib = join(root, 'crashed');
    mkdirSync(lib);
    const kills = Object.fromEntries(POINTS.map((p) => [p, 0])) as Record<Point, number>;
    const log: string[] = [];
    for (let run = 0; run < 40 && POINTS.some((p) => kills[p] < KILLS[p]); run++) {
      const wanted = POINTS.filter((p) => kills[p] < KILLS[p]);
      const point = wanted[Math.floor(next() * wanted.length)];
      // A run claims and regroups once per batch; within a batch the kill may hit any item.
      const nth = point === 'claim' || point === 'regroup' ? 1 : 1 + Math.floor(next() * 2);
      // Work for the kill to interrupt: photos arrive as a library grows.
      if (unfinished(lib) < 2) addPhotos(2);
      const started = Date.now();
      const result = await runWorker(lib, images, `${point}:${nth}`);
      log.push(`${point}:${nth} → ${result.killed ? 'killed' : `exit ${result.code}`} (${Date.now() - started} ms)`);
      if (result.killed) {
        kills[point]++;
        expireLeases(lib);
      } else {
        expect(result.code, `${context}: worker failed: ${result.stderr}`).toBe(0);
      }
    }
    expect(kills, `${context}\n${log.join('\n')}`).toEqual(KILLS);

    // Then the worker runs undisturbed until it is done.
    let finished = false;
    for (let run = 0; run < 3 && !finished; run++) {
      const result = await runWorker(lib, images);
      expect(result.code, `${context}: ${result.stderr}`).toBe(0);
      const summary = JSON.parse(result.stdout) as { busy: boolean; items: Record<string, number> };
      finished = !summary.busy && summary.items.pending === 0 && summary.items.processing === 0;
    }
    expect(finished, context).toBe(true);

    const reference = join(root, 'reference');
    mkdirSync(reference);
    expect((await runWorker(reference, images)).code).toBe(0);

    const crashed = readLibrary(lib, images);
    const clean = readLibrary(reference, images);
    // Every photo done, or failed with its own error.
    expect(crashed.items.map((i) => [i.path, i.status])).toEqual(clean.items.map((i) => [i.path, i.status]));
    for (const item of crashed.items) {
      if (item.path === 'huge.jpg')
        expect(item).toMatchObject({
          status: 'failed',
          lastError: expect.stringMatching(/^FILE_TOO_LARGE: .*huge\.jpg/) as string,
        });
      else expect(item, context).toMatchObject({ status: 'done', lastError: null });
    }
    // No face twice: the same faces as the clean run, each once.
    const boxes = crashed.faces.map((f) => f.box).sort();
    expect(new Set(boxes).size).toBe(boxes.length);
    expect(boxes).toEqual(clean.faces.map((f) => f.box).sort());
    // Thumbnails and rows one to one.
    expect(crashed.faces.map((f) => f.thumbnail).sort()).toEqual(crashed.thumbnailFiles);
    // The persons of a run without faults.
    expect(crashed.persons.length).toBeGreaterThan(1);
    expect(crashed.persons, context).toEqual(clean.persons);
  }, 400_000);
});
