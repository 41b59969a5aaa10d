/** GET /api/map's service on a real SQLite library: names and portraits, cached until the faces change. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticFaces } from '../clustering/synthetic.js';
import { personMap } from '../../src/library/map-service.js';
import { libraryStatus } from '../../src/library/status-service.js';
import { runRecluster } from '../../src/pipeline/group-stage.js';
import { MODEL, syntheticLibrary, type SyntheticLibrary } from '../helpers/synthetic-library.js';

let lib: SyntheticLibrary;

beforeAll(async () => {
  lib = await syntheticLibrary();
  const set = syntheticFaces({ identities: 8, facesPerIdentity: 4, dim: 32, sigma: 0.02, seed: 3, shuffle: true });
  for (let i = 0; i < set.embeddings.length; i += 4) await lib.addPhoto(set.embeddings.slice(i, i + 4));
  await runRecluster(lib.ctx);
});
afterAll(() => lib.cleanup());

describe('person map service', () => {
  it('lays out every person with its name and portrait, coordinates in [0, 1]', async () => {
    const persons = await lib.repo.listPersons();
    expect(persons.length).toBe(8);
    await lib.repo.updatePerson(persons[0].id, { name: 'Ada' });
    const map = await personMap(lib.repo, MODEL, { epochs: 50 });
    expect(map.totalPersons).toBe(8);
    expect(map.points.map((p) => p.personId).sort()).toEqual(persons.map((p) => p.id).sort());
    const ada = map.points.find((p) => p.personId === persons[0].id)!;
    expect(ada).toMatchObject({ name: 'Ada', faceCount: 4, portraitFaceId: persons[0].portraitFaceId });
    for (const p of map.points) for (const v of [p.x, p.y]) expect(v >= 0 && v <= 1).toBe(true);
  });

  it('answers from the cache until the faces change, then lays out again', async () => {
    const first = await personMap(lib.repo, MODEL, { epochs: 50 });
    expect(await personMap(lib.repo, MODEL, { epochs: 50 })).toBe(first);
    const [a, b] = first.points;
    const faces = await lib.repo.facesForGrouping(MODEL);
    const moved = faces.find((f) => f.personId === a.personId)!.id;
    await lib.repo.moveFaces([moved], b.personId);
    const next = await personMap(lib.repo, MODEL, { epochs: 50 });
    expect(next).not.toBe(first);
    expect(next.points.find((p) => p.personId === b.personId)!.faceCount).toBe(b.faceCount + 1);
  });

  it('caps the layout at maxPersons, largest first', async () => {
    const map = await personMap(lib.repo, MODEL, { maxPersons: 3, epochs: 50 });
    expect(map.points).toHaveLength(3);
    expect(map.totalPersons).toBe(8);
    expect(map.points[0].faceCount).toBe(5);
  });
});

describe('library status service', () => {
  it('sums photos by state and reports faces, persons and the recluster queue', async () => {
    await lib.repo.enqueueRequest('recluster');
    const status = await libraryStatus(lib.repo);
    expect(status).toMatchObject({
      photos: { total: 8, done: 8, pending: 0, failed: 0 },
      faces: { total: 32, withEmbedding: 32 },
      persons: 8,
      queuedReclusters: 1,
    });
    expect(status.lastProcessedAt).not.toBeNull();
  });
});
