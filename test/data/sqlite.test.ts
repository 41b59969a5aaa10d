import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { openRepository } from '../../src/data/open-repository.js';
import { SAVE_AFTER_CHANGES } from '../../src/data/face-index/face-index.js';
import { sqliteMigrations } from '../../src/data/sqlite/sqlite-migrations.js';
import { FrsError } from '../../src/errors.js';
import { createLegacySqlite, legacyEmbedding } from './legacy-schema.js';
import { newFace, runRepositoryContract } from './repository.contract.js';

const root = mkdtempSync(join(tmpdir(), 'frs-sqlite-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let counter = 0;
let file = '';
beforeEach(() => {
  file = join(root, `test-${++counter}`, 'frs.db');
});

runRepositoryContract('SQLite', () => openRepository(file));

function raw<T>(query: string): T[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(query).all() as T[];
  } finally {
    db.close();
  }
}

describe('SQLite database file', () => {
  it('creates missing parent folders and uses WAL mode', async () => {
    const repo = await openRepository(file);
    expect(repo.kind).toBe('sqlite');
    expect(raw<{ journal_mode: string }>('PRAGMA journal_mode')[0].journal_mode).toBe('wal');
    await repo.close();
  });

  it('reports a path it cannot open as DATABASE_ERROR', async () => {
    mkdirSync(join(root, 'a-folder'), { recursive: true });
    const err = await openRepository(join(root, 'a-folder')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FrsError);
    expect((err as FrsError).code).toBe('DATABASE_ERROR');
    expect((err as FrsError).message).toContain('a-folder');
  });

  it('refuses a database whose schema is newer than this FRS', async () => {
    await (await openRepository(file)).close();
    const db = new Database(file);
    db.prepare(`INSERT INTO FrsSchemaVersion (Version, Name, AppliedAt) VALUES (99, 'future', 'x')`).run();
    db.close();
    await expect(openRepository(file)).rejects.toThrow(/version 99, newer/);
  });
});

describe('legacy database migrated in place', () => {
  beforeEach(() => {
    mkdirSync(join(file, '..'), { recursive: true });
    createLegacySqlite(file);
  });

  it('keeps every legacy row and maps legacy state onto the new columns', async () => {
    const repo = await openRepository(file);
    const stats = await repo.stats();
    expect(stats).toMatchObject({
      mediaFiles: 2,
      faces: 3,
      persons: 1,
      verifiedFaces: 1,
      items: { pending: 1, processing: 0, done: 1, failed: 0 },
    });
    expect(await repo.getMediaItem(1)).toMatchObject({
      status: 'done',
      attempts: 0,
      facesExtractedOn: '2023-05-01 10:05:00',
    });
    expect(await repo.getMediaItem(2)).toMatchObject({ status: 'pending' });

    const person = await repo.getPerson(1);
    expect(person).toMatchObject({
      name: 'Legacy Lee',
      rank: 'Maj',
      appointment: 'Officer',
      type: 'staff',
      faceCount: 2,
      verifiedFaceCount: 1,
      portraitFaceId: 1,
      portraitThumbnailName: 'a_0.jpg',
    });
    expect(person!.faces[0]).toMatchObject({
      id: 1,
      boundingBox: [10, 20, 110, 140],
      isUserVerified: true,
      hasEmbedding: true,
      embeddingModel: null,
    });

    // Legacy embeddings come from an unknown model: FRS re-embeds them with its own.
    expect((await repo.facesWithoutEmbedding('frs-model', 10)).map((f) => f.id)).toEqual([1, 2, 3]);
    expect(await repo.registerMediaFile({ filePath: '/legacy/a.jpg', fileName: 'a.jpg', extension: '.jpg' })).toEqual({
      mediaFileId: 1,
      mediaItemId: 1,
      created: false,
    });
    await repo.close();

    const blob = raw<{ Embedding: Buffer }>('SELECT Embedding FROM Faces WHERE Id = 1')[0].Embedding;
    expect(blob.equals(Buffer.from(legacyEmbedding.buffer))).toBe(true);
    expect(
      raw<{ Version: number }>('SELECT Version FROM FrsSchemaVersion ORDER BY Version').map((r) => r.Version),
    ).toEqual(sqliteMigrations.map((m) => m.version));
  });

  it('replaces faces of an interrupted legacy run on completion, atomically', async () => {
    const repo = await openRepository(file);
    const [claimed] = await repo.claimPendingItems('w', 5, 60, 3);
    expect(claimed).toMatchObject({ id: 2, filePath: '/legacy/b.jpg', attempts: 0 });

    await expect(repo.completeItem(2, 'w', [newFace(), newFace({ detectorScore: -1 })])).rejects.toThrow(FrsError);
    // The delete of the legacy face was rolled back too.
    expect((await repo.facesOfItem(2)).map((f) => [f.thumbnailName, f.boundingBox])).toEqual([
      ['b_0.jpg', [5, 5, 50, 50]],
    ]);

    expect(await repo.completeItem(2, 'w', [newFace({ boundingBox: [1, 1, 9, 9] })])).toBe(true);
    const faces = await repo.facesOfItem(2);
    expect(faces).toHaveLength(1);
    expect(faces[0]).toMatchObject({ boundingBox: [1, 1, 9, 9], thumbnailName: 'face.jpg', detectorScore: 0.9 });
    await repo.close();
    expect(
      raw<{ IsFacesExtracted: number }>('SELECT IsFacesExtracted FROM MediaItems WHERE Id = 2')[0].IsFacesExtracted,
    ).toBe(1);
  });

  it('is idempotent: opening again changes nothing, and legacy-style writes still work', async () => {
    await (await openRepository(file)).close();
    const snapshot = () =>
      JSON.stringify(raw('SELECT * FROM Faces ORDER BY Id')) +
      JSON.stringify(raw('SELECT * FROM MediaItems ORDER BY Id'));
    const before = snapshot();
    const repo = await openRepository(file);
    expect(snapshot()).toBe(before);
    expect(raw<{ n: number }>('SELECT COUNT(*) AS n FROM FrsSchemaVersion')[0].n).toBe(sqliteMigrations.length);

    // The legacy tool knows nothing of the new columns; its inserts get usable defaults.
    const db = new Database(file);
    db.prepare(
      `INSERT INTO MediaFile (FilePath, FileName, Extensions) VALUES ('/legacy/c.jpg', 'c.jpg', '.jpg')`,
    ).run();
    db.prepare(`INSERT INTO MediaItems (MediaFileId, Name, IsFacesExtracted) VALUES (3, 'c.jpg', 0)`).run();
    db.close();
    expect((await repo.claimPendingItems('w', 5, 60, 3)).map((c) => c.filePath)).toEqual([
      '/legacy/b.jpg',
      '/legacy/c.jpg',
    ]);
    await repo.close();
  });
});

describe('claims across processes', () => {
  it('never gives one item to two processes claiming the same file at once', async () => {
    const repo = await openRepository(file);
    const ids: number[] = [];
    await repo.transaction(async (tx) => {
      for (let i = 0; i < 150; i++)
        ids.push(
          (await tx.registerMediaFile({ filePath: `/p/${i}.jpg`, fileName: `${i}.jpg`, extension: '.jpg' }))
            .mediaItemId,
        );
    });
    await repo.close();

    const worker = join(import.meta.dirname, 'claim-worker.ts');
    const readyDir = mkdtempSync(join(root, 'ready-'));
    const run = (owner: string) =>
      promisify(execFile)(process.execPath, ['--import', 'tsx', worker, file, owner, readyDir, '2']);
    const [a, b] = await Promise.all([run('A'), run('B')]);
    const fromA = JSON.parse(a.stdout) as number[];
    const fromB = JSON.parse(b.stdout) as number[];
    expect(fromA.length).toBeGreaterThan(0);
    expect(fromB.length).toBeGreaterThan(0);
    expect(fromA.filter((id) => fromB.includes(id))).toEqual([]);
    expect([...fromA, ...fromB].sort((x, y) => x - y)).toEqual(ids);
  });
});

const vector = (seed: number) => Float32Array.from({ length: 16 }, (_, i) => Math.cos(seed * 7 + i));

/** One done photo at `path` with a face per seed (embedding vector(seed), model m1); returns the face ids. */
async function addFaces(repo: Awaited<ReturnType<typeof openRepository>>, path: string, seeds: number[]) {
  const { mediaItemId } = await repo.registerMediaFile({ filePath: path, fileName: 'x.jpg', extension: '.jpg' });
  await repo.claimPendingItems('w', 1, 60, 3);
  await repo.completeItem(
    mediaItemId,
    'w',
    seeds.map((seed, i) =>
      newFace({ boundingBox: [i * 200, 0, i * 200 + 100, 100], embedding: vector(seed), embeddingModel: 'm1' }),
    ),
  );
  return (await repo.facesOfItem(mediaItemId)).map((f) => f.id);
}

describe('face index beside the database file', () => {
  it('is built once and saved, reloaded by the next connection, which applies the changes since', async () => {
    const first = await openRepository(file);
    const ids = await addFaces(first, '/p/a.jpg', [1, 2, 3]);
    expect(raw<{ n: number }>('SELECT COUNT(*) AS n FROM FrsFaceChanges')[0].n).toBe(3); // logged by the triggers
    expect((await first.nearestFaces('m1', vector(2), 1))[0].faceId).toBe(ids[1]);
    const folder = `${file}.face-index`;
    const saved = readdirSync(folder);
    expect(saved).toEqual([expect.stringMatching(/^m1-[0-9a-f]{12}-16d\.3\.usearch$/)]);
    expect(raw<{ n: number }>('SELECT COUNT(*) AS n FROM FrsFaceChanges')[0].n).toBe(0); // pruned once saved
    await first.close();

    const second = await openRepository(file);
    const [added] = await addFaces(second, '/p/b.jpg', [2.00001]);
    await second.rejectFaces([ids[1]]);
    const found = await second.nearestFaces('m1', vector(2), 3);
    expect(found[0].faceId).toBe(added);
    expect(found.map((f) => f.faceId)).not.toContain(ids[1]);
    expect(found).toHaveLength(3);
    expect(readdirSync(folder)).toEqual(saved); // a few changes: applied, not saved yet
    await second.close();

    // A lost index file is rebuilt from Faces.
    rmSync(folder, { recursive: true });
    const third = await openRepository(file);
    expect((await third.nearestFaces('m1', vector(2), 1))[0].faceId).toBe(added);
    expect(readdirSync(folder)).toHaveLength(1);
    await third.close();
  });

  it('reloads the saved index when another connection pruned the changes it had not applied', async () => {
    const a = await openRepository(file);
    await addFaces(a, '/p/a.jpg', [1, 2, 3]);
    await a.nearestFaces('m1', vector(1), 1); // built and saved at Seq 3
    const b = await openRepository(file);
    const { mediaItemId } = await b.registerMediaFile({
      filePath: '/p/many.jpg',
      fileName: 'm.jpg',
      extension: '.jpg',
    });
    await b.claimPendingItems('w', 1, 60, 3);
    const seeds = Array.from({ length: SAVE_AFTER_CHANGES + 1 }, (_, i) => 10 + i);
    await b.completeItem(
      mediaItemId,
      'w',
      seeds.map((seed) => newFace({ embedding: vector(seed), embeddingModel: 'm1' })),
    );
    await b.nearestFaces('m1', vector(1), 1); // applies the 1,001 changes, saves, prunes the log
    expect(raw<{ n: number }>('SELECT COUNT(*) AS n FROM FrsFaceChanges')[0].n).toBe(0);
    const target = (await b.facesOfItem(mediaItemId))[500];
    // a's index never saw those faces and their log rows are gone: it must reload b's file.
    const found = await a.nearestFaces('m1', vector(seeds[500]), 1);
    expect(found[0]).toMatchObject({ faceId: target.id });
    expect(found[0].similarity).toBeCloseTo(1, 6);
    await a.close();
    await b.close();
  });
});

describe('bulk assignments', () => {
  it('assigns faces listed in any order, more than one batch, and a face listed twice takes its last person', async () => {
    const repo = await openRepository(file);
    const count = 10_050; // past one UPDATE's 10,000
    const faceIds = await addFaces(
      repo,
      '/p/many.jpg',
      Array.from({ length: count }, (_, i) => i),
    );
    const [p1, p2] = await repo.createPersons(2);
    // Odd faces to p1, even to p2, listed from the last face down; then face 0 again, to p1.
    const assignments = faceIds
      .map((faceId, i) => ({ faceId, personId: i % 2 === 1 ? p1 : p2 }))
      .reverse()
      .concat([{ faceId: faceIds[0], personId: p1 }]);
    expect(await repo.assignFaces(assignments)).toBe(count);
    const persons = new Map(
      raw<{ Id: number; PersonId: number }>(`SELECT Id, PersonId FROM Faces`).map((r) => [r.Id, r.PersonId]),
    );
    expect(persons.get(faceIds[0])).toBe(p1);
    expect(faceIds.slice(1).every((id, k) => persons.get(id) === ((k + 1) % 2 === 1 ? p1 : p2))).toBe(true);
    await repo.close();
  });
});
