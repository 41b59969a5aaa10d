/**
 * The people tests' fixture: a synthetic library with faces of identities A (4), B (3) and C (2),
 * grouped by a recluster into three unnamed persons, and a PeopleService over it.
 */
import type { Embedding } from '../../src/clustering/cosine.js';
import { gaussian, seededRandom } from '../../src/clustering/random.js';
import { PeopleService } from '../../src/people/people-service.js';
import { runRecluster } from '../../src/pipeline/group-stage.js';
import { noisyCopy, randomUnit } from '../clustering/synthetic.js';
import { MODEL, syntheticLibrary, type SyntheticLibrary } from './synthetic-library.js';

export interface ThreePersons {
  lib: SyntheticLibrary;
  people: PeopleService;
  faces: { a: number[]; b: number[]; c: number[] };
  persons: { a: number; b: number; c: number };
}

/**
 * Embeddings drawn from `seed`, so each test file keeps its own library; `faceOf` draws further
 * faces of an identity from the same stream, for tests that add photos.
 */
export function threePersonsFrom(seed: number): {
  setUp: () => Promise<ThreePersons>;
  faceOf: (identity: number) => Embedding;
} {
  const normal = gaussian(seededRandom(seed));
  const centres = [randomUnit(32, normal), randomUnit(32, normal), randomUnit(32, normal)];
  const faceOf = (identity: number) => noisyCopy(centres[identity], 0.02, normal);
  const setUp = async (): Promise<ThreePersons> => {
    const lib = await syntheticLibrary();
    const people = new PeopleService(lib.repo, MODEL);
    const ids = await lib.addPhoto([0, 0, 0, 0, 1, 1, 1, 2, 2].map(faceOf));
    const faces = { a: ids.slice(0, 4), b: ids.slice(4, 7), c: ids.slice(7) };
    await runRecluster(lib.ctx);
    const personOf = async (id: number) => (await people.face(id)).personId!;
    const persons = { a: await personOf(faces.a[0]), b: await personOf(faces.b[0]), c: await personOf(faces.c[0]) };
    return { lib, people, faces, persons };
  };
  return { setUp, faceOf };
}
