/**
 * Undo on a real SQLite library: each people action answers a record, and restoreFaces with it
 * brings the library back to what it was (faces' persons and flags, cannot-links, portraits,
 * persons' fields); a person the action deleted comes back under a new id.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FrsError } from '../../src/errors.js';
import { PeopleService } from '../../src/people/people-service.js';
import type { FacesUndo } from '../../src/people/undo.js';
import { runRecluster } from '../../src/pipeline/group-stage.js';
import { gaussian, seededRandom } from '../../src/clustering/random.js';
import { noisyCopy, randomUnit } from '../clustering/synthetic.js';
import { MODEL, syntheticLibrary, type SyntheticLibrary } from '../helpers/synthetic-library.js';

let lib: SyntheticLibrary;
let people: PeopleService;
/** Faces of identities A (4), B (3) and C (2), grouped into three unnamed persons. */
let faces: { a: number[]; b: number[]; c: number[] };
let persons: { a: number; b: number; c: number };

const normal = gaussian(seededRandom(11));
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

const allFaceIds = () => [...faces.a, ...faces.b, ...faces.c];

/** Everything an action may change, with person ids renamed by `ids` (a recreated person's new id → its old one). */
async function state(ids: Map<number, number> = new Map()) {
  const as = (id: number | null) => (id === null ? null : (ids.get(id) ?? id));
  const faceRows = await lib.repo.getFaces(allFaceIds());
  const personRows = await lib.repo.listPersons();
  return {
    faces: faceRows.map((f) => [f.id, as(f.personId), f.isUserVerified, f.isRejected]),
    persons: personRows
      .map((p) => ({
        id: as(p.id),
        name: p.nameIsGenerated ? '(generated)' : p.name,
        rank: p.rank,
        appointment: p.appointment,
        hidden: p.hidden,
        portraitFaceId: p.portraitFaceId,
        portraitChosen: p.portraitChosen,
      }))
      .sort((x, y) => x.id! - y.id!),
    cannotLinks: (await lib.repo.cannotLinks()).map((c) => [c.faceId, as(c.personId)]),
  };
}

/** Undoes and compares; `renamed` collects recreated persons (new id → old) across undos in one test. */
async function undone(undo: FacesUndo, before: Awaited<ReturnType<typeof state>>, renamed = new Map<number, number>()) {
  const outcome = await people.restoreFaces(undo);
  for (const r of outcome.recreatedPersons) renamed.set(r.now, renamed.get(r.was) ?? r.was);
  expect(await state(renamed)).toEqual(before);
  return outcome;
}

describe('undo (PeopleService.restoreFaces)', () => {
  it('takes back a move, a take-out, a reject and a confirm exactly', async () => {
    await people.updatePerson(persons.a, { name: 'Ada' });
    const before = await state();

    const moved = await people.moveFaces([faces.a[1], faces.b[0]], persons.c);
    expect(moved.faces).toBe(2);
    expect(await state()).not.toEqual(before);
    expect((await undone(moved.undo, before)).recreatedPersons).toEqual([]);

    const out = await people.unassignFaces([faces.a[0]]);
    expect(await lib.repo.cannotLinks()).toEqual([{ faceId: faces.a[0], personId: persons.a }]);
    await undone(out.undo, before); // the cannot-link is lifted too

    const rejected = await people.rejectFaces([faces.b[1], faces.b[2]]);
    expect((await people.face(faces.b[1])).isRejected).toBe(true);
    await undone(rejected.undo, before);

    const confirmed = await people.verifyFaces(faces.c);
    expect((await people.face(faces.c[0])).isUserVerified).toBe(true);
    await undone(confirmed.undo, before);
  });

  it('brings back an unnamed person a move emptied, and a split, and a chosen portrait', async () => {
    await people.choosePortrait(persons.b, faces.b[2]);
    const before = await state();

    // C loses both faces: unnamed and empty, it is tidied away; undo brings it back as a new person.
    const moved = await people.moveFaces(faces.c, persons.a);
    expect((await lib.repo.personSummaries([persons.c])).length).toBe(0);
    const renamed = new Map<number, number>();
    const outcome = await undone(moved.undo, before, renamed);
    expect(outcome.recreatedPersons).toEqual([{ was: persons.c, now: expect.any(Number) as number }]);

    // The chosen portrait's face leaves with a split; undo puts it back as B's chosen portrait.
    const split = await people.createPerson({ faceIds: [faces.b[2]] });
    expect((await lib.repo.getPerson(persons.b))?.portraitFaceId).not.toBe(faces.b[2]);
    await undone(split.undo, before, renamed);
    expect((await lib.repo.personSummaries([split.id])).length).toBe(0); // the split-off person is gone again
  });

  it('takes back a merge: the sources return with their fields, the target keeps its own', async () => {
    await people.updatePerson(persons.b, { name: 'Bob', rank: 'Maj', hidden: true });
    await people.updatePerson(persons.c, { appointment: 'Pilot' });
    await people.verifyFaces([faces.a[0]]);
    const before = await state();

    const merged = await people.mergePersons(persons.a, [persons.b, persons.c]);
    expect(merged.person).toMatchObject({ name: 'Bob', rank: 'Maj', appointment: 'Pilot', faceCount: 9 });
    const outcome = await undone(merged.undo, before);
    expect(outcome.recreatedPersons.map((r) => r.was).sort()).toEqual([persons.b, persons.c].sort());
    expect(outcome.faces).toBe(9);
  });

  it('takes back deleting a person: it returns under a new id with its fields, faces and chosen portrait', async () => {
    await people.updatePerson(persons.a, { name: 'Ada', rank: 'Capt', hidden: true });
    await people.verifyFaces([faces.a[1]]);
    await people.choosePortrait(persons.a, faces.a[2]);
    const before = await state();
    const deleted = await people.deletePerson(persons.a);
    expect(deleted.facesUnassigned).toBe(4);
    const outcome = await undone(deleted.undo, before);
    expect(outcome.recreatedPersons).toEqual([{ was: persons.a, now: expect.any(Number) as number }]);

    // A person with no faces (hidden, named) comes back too.
    await people.updatePerson(persons.c, { name: 'Cy', hidden: true }); // named: kept when its faces leave
    await people.moveFaces(faces.c, persons.b);
    const emptyBefore = await state();
    const gone = await people.deletePerson(persons.c);
    expect(gone.undo.faces).toEqual([]);
    const back = await people.restoreFaces(gone.undo);
    expect(back.recreatedPersons.map((r) => r.was)).toEqual([persons.c]);
    const cy = (await lib.repo.personSummaries([back.recreatedPersons[0].now]))[0];
    expect(cy).toMatchObject({ name: 'Cy', hidden: true, faceCount: 0 });
    expect((await state()).faces).toEqual(emptyBefore.faces);
  });

  it('refuses a record it cannot apply, and changes nothing', async () => {
    const { undo } = await people.moveFaces([faces.a[0]], persons.b);
    const before = await state();
    const refused = async (record: FacesUndo, code: string, message: RegExp) => {
      const err = await people.restoreFaces(record).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(FrsError);
      expect((err as FrsError).code).toBe(code);
      expect((err as FrsError).message).toMatch(message);
      expect(await state()).toEqual(before);
    };
    await refused({ ...undo, faces: [] }, 'INVALID_INPUT', /names no faces and no persons/);
    await refused({ ...undo, faces: [undo.faces[0], undo.faces[0]] }, 'INVALID_INPUT', /appears twice/);
    await refused(
      { ...undo, faces: [...undo.faces, { faceId: 99_999, personId: null, isUserVerified: false, isRejected: false }] },
      'NOT_FOUND',
      /face\(s\) 99999 no longer exist/,
    );
  });
});
