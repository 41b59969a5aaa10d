/**
 * The face index saved in an object store, as the SQL Server adapter keeps it (a local folder
 * store, and Blob Storage on Azurite): built once, loaded by the next instance, caught up from
 * the change log, saved again and the log pruned; an instance whose log was pruned while it read
 * reloads. The change log here is SQLite's (the same FaceChangeLog contract as SQL Server's).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FaceChangeLog } from '../../src/data/face-index/face-change-log.js';
import { FaceIndexKeeper, SAVE_AFTER_CHANGES } from '../../src/data/face-index/face-index.js';
import { stemOf, storeIndexFiles } from '../../src/data/face-index/face-index-files.js';
import { openRepository } from '../../src/data/open-repository.js';
import type { Repository } from '../../src/data/repository.js';
import { sqliteFaceChangeLog } from '../../src/data/sqlite/sqlite-face-log.js';
import { BlobStore } from '../../src/storage/blob-store.js';
import { LocalFolderStore } from '../../src/storage/local-folder-store.js';
import type { ObjectStore } from '../../src/storage/object-store.js';
import { startAzuriteBlob, type AzuriteBlob } from '../helpers/azurite.js';
import { newFace } from './repository.contract.js';

const DIMS = 16;
const vector = (seed: number) => Float32Array.from({ length: DIMS }, (_, i) => Math.cos(seed * 7 + i));
const PREFIX = 'face-index/library-1';

let azurite: AzuriteBlob;
beforeAll(async () => {
  azurite = await startAzuriteBlob();
});
afterAll(async () => {
  await azurite?.stop();
});

let folder: string;
let repo: Repository;
let db: Database.Database;
beforeEach(async () => {
  folder = mkdtempSync(join(tmpdir(), 'frs-face-index-'));
  repo = await openRepository(join(folder, 'frs.db'));
  db = new Database(join(folder, 'frs.db'));
});
afterEach(async () => {
  db.close();
  await repo.close();
  rmSync(folder, { recursive: true, force: true });
});

async function addFaces(path: string, seeds: number[]): Promise<number[]> {
  const { mediaItemId } = await repo.registerMediaFile({ filePath: path, fileName: 'x.jpg', extension: '.jpg' });
  await repo.claimPendingItems('w', 1, 60, 3);
  await repo.completeItem(
    mediaItemId,
    'w',
    seeds.map((seed) => newFace({ embedding: vector(seed), embeddingModel: 'm1' })),
  );
  return (await repo.facesOfItem(mediaItemId)).map((f) => f.id);
}

async function savedPositions(store: ObjectStore): Promise<number[]> {
  const found: number[] = [];
  for await (const key of store.list(`${PREFIX}/`)) {
    expect(key).toMatch(new RegExp(`^${PREFIX}/${stemOf('m1', DIMS)}\\.\\d+\\.usearch$`));
    found.push(Number(key.split('.').at(-2)));
  }
  return found;
}

const logRows = () => (db.prepare('SELECT COUNT(*) AS n FROM FrsFaceChanges').get() as { n: number }).n;

describe.each([
  ['a local folder store', () => new LocalFolderStore(join(folder, 'thumbnails'))],
  [
    'Blob Storage (Azurite)',
    () =>
      new BlobStore({
        container: `face-index-${process.pid}-${Date.now()}`,
        connectionString: azurite.connectionString,
      }),
  ],
])('face index saved in %s', (_name, createStore) => {
  it('is built once and saved, loaded by the next instance, caught up, saved again and the log pruned', async () => {
    const store = createStore();
    const keeper = () =>
      new FaceIndexKeeper(
        sqliteFaceChangeLog(db),
        storeIndexFiles(store, async () => PREFIX),
      );
    const ids = await addFaces('/p/a.jpg', [1, 2, 3]);

    const first = keeper();
    expect(await first.refresh('m1')).toEqual({ size: 3, built: true });
    expect((await first.candidates('m1', vector(2), 1))[0]).toBe(ids[1]);
    const [position] = await savedPositions(store);
    expect(position).toBe(3); // the log position it reflects
    expect(logRows()).toBe(0); // pruned once saved

    const [added] = await addFaces('/p/b.jpg', [2.00001]);
    await repo.rejectFaces([ids[1]]);
    const second = keeper(); // another instance: loads the saved index, applies the two changes
    expect(await second.refresh('m1')).toEqual({ size: 3, built: false });
    const found = await second.candidates('m1', vector(2), 3);
    expect(found[0]).toBe(added);
    expect(found).not.toContain(ids[1]);
    expect(await savedPositions(store)).toEqual([3]); // a few changes: applied, not saved yet

    const many = await addFaces(
      '/p/many.jpg',
      Array.from({ length: SAVE_AFTER_CHANGES }, (_, i) => 10 + i),
    );
    expect(await second.refresh('m1')).toEqual({ size: 3 + SAVE_AFTER_CHANGES, built: false });
    const [newer] = await savedPositions(store); // saved again, the older save removed
    expect(newer).toBeGreaterThan(3);
    expect(await savedPositions(store)).toEqual([newer]);
    expect(logRows()).toBe(0);

    // The first instance's index never saw those faces and their log rows are gone: it reloads.
    expect((await first.candidates('m1', vector(10 + 500), 1))[0]).toBe(many[500]);
  });

  it('reloads when another instance prunes the log while it reads the changes', async () => {
    const store = createStore();
    const files = storeIndexFiles(store, async () => PREFIX);
    await addFaces('/p/a.jpg', [1, 2, 3]);
    const other = new FaceIndexKeeper(sqliteFaceChangeLog(db), files);
    await other.refresh('m1'); // built and saved at position 3
    const log = sqliteFaceChangeLog(db);
    let pruneDuringRead = false;
    let late: number[] = [];
    const racing: FaceChangeLog = {
      ...log,
      async changedFaces(after, upTo) {
        const ids = await log.changedFaces(after, upTo);
        if (pruneDuringRead) {
          pruneDuringRead = false;
          // Rows this reader has not seen yet are logged and pruned by the other instance now.
          late = await addFaces(
            '/p/late.jpg',
            Array.from({ length: SAVE_AFTER_CHANGES }, (_, i) => 5000 + i),
          );
          await other.refresh('m1');
          expect(logRows()).toBe(0);
        }
        return ids;
      },
    };
    const reader = new FaceIndexKeeper(racing, files);
    await reader.refresh('m1'); // loads the save at 3
    const [lone] = await addFaces('/p/lone.jpg', [4]);
    pruneDuringRead = true;
    const found = await reader.candidates('m1', vector(5000 + 123), 1);
    expect(found[0]).toBe(late[123]); // reloaded the newer save: the late faces are there
    expect((await reader.candidates('m1', vector(4), 1))[0]).toBe(lone);
  });
});
