/**
 * PeopleService on a real SQLite library of synthetic faces: every action's effect, and every
 * refusal (unknown ids, self-merge, other model, over-long names, empty lists) changing nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generatedPersonName } from '../../src/data/person-names.js';
import { FrsError } from '../../src/errors.js';
import { PeopleService } from '../../src/people/people-service.js';
import { runRecluster } from '../../src/pipeline/group-stage.js';
import { noisyCopy, randomUnit } from '../clustering/synthetic.js';
import { gaussian, seededRandom } from '../../src/clustering/random.js';
import { MODEL, syntheticLibrary, type SyntheticLibrary } from '../helpers/synthetic-library.js';

let lib: SyntheticLibrary;
let people: PeopleService;
/** Faces of identities A (4), B (3) and C (2), grouped into three persons. */
let faces: { a: number[]; b: number[]; c: number[] };
let persons: { a: number; b: number; c: number };

const normal = gaussian(seededRandom(7));
const centres = [randomUnit(32, normal), randomUnit(32, normal), randomUnit(32, normal)];
const faceOf = (identity: number) => noisyCopy(centres[identity], 0.02, normal);

beforeEach(async () => {
  lib = await syntheticLibrary();
  people = new PeopleService(lib.repo, MODEL);
  const ids = await lib.addPhoto([0, 0, 0, 0, 1, 1, 1, 2, 2].map(faceOf));
  faces = { a: ids.slice(0, 4), b: ids.slice(4, 7), c: ids.slice(7) };
  await runRecluster(lib.ctx);
  const personOf = async (id: number) => (await people.face(id)).personId!;
  persons = { a: await personOf(faces.a[0]), b: await personOf(faces.b[0]), c: await personOf(faces.c[0]) };
});
afterEach(() => lib.cleanup());

async function refused(action: () => Promise<unknown>, code: string, message: RegExp) {
  const before = await lib.repo.groupingFingerprint(MODEL);
  const err = await action().then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(FrsError);
  expect((err as FrsError).code).toBe(code);
  expect((err as FrsError).message).toMatch(message);
  expect(await lib.repo.groupingFingerprint(MODEL)).toBe(before); // nothing changed
}

describe('PeopleService', () => {
  it('lists persons largest first, searches names and hides persons', async () => {
    expect((await people.listPersons()).items.map((p) => p.id)).toEqual([persons.a, persons.b, persons.c]);
    await people.updatePerson(persons.b, { name: '  Bob  ', rank: 'Maj' });
    await people.updatePerson(persons.c, { hidden: true });
    const list = await people.listPersons({ pageSize: 1 });
    expect(list).toMatchObject({ page: 1, pageSize: 1, total: 2, items: [{ id: persons.a }] });
    expect((await people.listPersons({ search: 'bo' })).items).toMatchObject([
      { id: persons.b, name: 'Bob', rank: 'Maj' },
    ]);
    expect((await people.listPersons({ hidden: true })).items.map((p) => p.id)).toEqual([persons.c]);
    const shown = await people.person(persons.a, { page: 2, pageSize: 3 });
    expect(shown.faces).toMatchObject({ page: 2, pageSize: 3, total: 4 });
    expect(shown.faces.items.map((f) => f.id)).toEqual([faces.a[3]]);
  });

  it('refuses bad input with a clear error and changes nothing', async () => {
    await refused(
      () => people.updatePerson(persons.a, { name: 'x'.repeat(256) }),
      'INVALID_INPUT',
      /name is 256 characters long; the limit is 255/,
    );
    await refused(
      () => people.updatePerson(persons.a, { rank: 'x'.repeat(51) }),
      'INVALID_INPUT',
      /rank .*limit is 50/,
    );
    await refused(() => people.updatePerson(999, { name: 'Ada' }), 'NOT_FOUND', /No person 999/);
    await refused(() => people.mergePersons(persons.a, [persons.a]), 'INVALID_INPUT', /into itself/);
    await refused(() => people.mergePersons(persons.a, [persons.b, 998, 999]), 'NOT_FOUND', /No persons 998, 999/);
    await refused(() => people.mergePersons(persons.a, []), 'INVALID_INPUT', /at least one person/);
    await refused(() => people.moveFaces([], persons.a), 'INVALID_INPUT', /at least one face/);
    await refused(() => people.moveFaces([faces.b[0], 12345], persons.a), 'NOT_FOUND', /No face 12345/);
    await refused(() => people.createPerson({ name: 'x'.repeat(300), faceIds: [faces.a[0]] }), 'INVALID_INPUT', /name/);
    await refused(() => people.choosePortrait(persons.a, faces.b[0]), 'INVALID_INPUT', /not a face of person/);
    await refused(() => people.listPersons({ pageSize: 0 }), 'INVALID_INPUT', /pageSize/);
    const [other] = await lib.addPhoto([faceOf(0)], 'another-model');
    await refused(() => people.moveFaces([other], persons.a), 'INVALID_INPUT', /current model \(m1\)/);
    await people.unassignFaces([faces.a[3]]);
    await refused(() => people.verifyFaces([faces.a[3]]), 'INVALID_INPUT', /in no person/);
    // Still the generated display name: none of the refused renames reached it.
    expect((await people.person(persons.a)).person).toMatchObject({
      name: generatedPersonName(persons.a),
      nameIsGenerated: true,
    });
  });

  it('merges, splits, moves, unassigns, verifies, rejects, sets a portrait and deletes', async () => {
    await people.updatePerson(persons.a, { name: 'Ada' });
    await people.updatePerson(persons.b, { name: 'Bob', appointment: 'Pilot' });
    const merged = await people.mergePersons(persons.a, [persons.b]);
    expect(merged.movedFaceIds).toEqual(faces.b);
    expect(merged.person).toMatchObject({
      id: persons.a,
      name: 'Ada',
      appointment: 'Pilot',
      faceCount: 7,
      verifiedFaceCount: 7,
    });

    const split = await people.createPerson({ name: 'Bob', faceIds: faces.b });
    expect(split).toMatchObject({ name: 'Bob', faceCount: 3, verifiedFaceCount: 3 });
    expect(split.portraitFaceId).not.toBeNull();

    expect(await people.moveFaces([faces.c[0]], split.id)).toMatchObject({ personId: split.id, faces: 1 });
    expect(await people.unassignFaces([faces.c[0]])).toMatchObject({ faces: 1 });
    expect((await lib.repo.cannotLinks()).map((l) => [l.faceId, l.personId])).toEqual([[faces.c[0], split.id]]);
    expect(await people.verifyFaces([faces.c[1]])).toMatchObject({ faces: 1 });
    expect(await people.rejectFaces([faces.a[3]])).toMatchObject({ faces: 1 });
    expect((await people.person(persons.a)).person.faceCount).toBe(3);

    expect((await people.choosePortrait(persons.a, faces.a[1])).portraitFaceId).toBe(faces.a[1]);
    expect(await people.deletePerson(persons.c)).toMatchObject({ personId: persons.c, facesUnassigned: 1 });
    expect((await people.face(faces.c[1])).personId).toBeNull();
  });

  it('suggests the most similar persons for unassigned faces', async () => {
    await people.updatePerson(persons.b, { name: 'Bob' });
    await people.unassignFaces([faces.b[0]]);
    const [stranger] = await lib.addPhoto([faceOf(1)]);
    const list = await people.unassignedFaces();
    expect(list.items.map((f) => f.id)).toEqual([faces.b[0], stranger]);
    for (const face of list.items) {
      expect(face.suggestions).toHaveLength(3);
      expect(face.suggestions[0]).toMatchObject({ personId: persons.b, name: 'Bob' });
      expect(face.suggestions[0].similarity).toBeGreaterThan(0.9);
      expect(face.suggestions[1].similarity).toBeLessThan(0.5);
    }
  });
});
