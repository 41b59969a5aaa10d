/**
 * Property: whatever the user did, a regroup (recluster, or recognise after new photos) keeps
 * every decision: verified faces stay, cannot-links hold, rejected faces stay out, named and
 * hidden persons keep their fields, a chosen portrait stays while its face is the person's.
 * Random action sequences on a synthetic library, several seeds.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { gaussian, seededRandom } from '../../src/clustering/random.js';
import type { FaceDetail, PersonSummary, RepositoryOps } from '../../src/data/repository.js';
import { FrsError } from '../../src/errors.js';
import { PeopleService } from '../../src/people/people-service.js';
import { runGrouping, runRecluster } from '../../src/pipeline/group-stage.js';
import { noisyCopy, randomUnit } from '../clustering/synthetic.js';
import { MODEL, syntheticLibrary, type SyntheticLibrary } from '../helpers/synthetic-library.js';

let lib: SyntheticLibrary | undefined;
afterEach(async () => {
  await lib?.cleanup();
  lib = undefined;
});

interface Snapshot {
  faces: FaceDetail[];
  persons: PersonSummary[];
  cannotLinks: { faceId: number; personId: number }[];
}

async function snapshot(l: SyntheticLibrary, faceIds: number[]): Promise<Snapshot> {
  return {
    faces: await l.repo.getFaces(faceIds),
    persons: (await l.repo.searchPersons({ offset: 0, limit: 10_000, hidden: 'all' })).items,
    cannotLinks: await l.repo.cannotLinks(),
  };
}

function expectDecisionsKept(before: Snapshot, after: Snapshot, grouped: Set<number>): void {
  const face = new Map(after.faces.map((f) => [f.id, f]));
  const person = new Map(after.persons.map((p) => [p.id, p]));
  for (const f of before.faces) {
    if (f.isRejected) {
      expect(face.get(f.id)).toMatchObject({ isRejected: true, personId: null });
      expect(grouped.has(f.id)).toBe(false);
    } else if (f.isUserVerified && f.personId !== null) {
      expect(face.get(f.id)?.personId).toBe(f.personId);
    }
  }
  for (const { faceId, personId } of before.cannotLinks) expect(face.get(faceId)?.personId).not.toBe(personId);
  for (const p of before.persons) {
    // A generated name (Unknown-<id>) is no decision: such a person may go when a regroup empties it.
    if ((p.name && !p.nameIsGenerated) || p.rank || p.appointment || p.hidden) {
      expect(person.get(p.id)).toMatchObject({
        name: p.name,
        rank: p.rank,
        appointment: p.appointment,
        hidden: p.hidden,
      });
    }
    if (p.portraitChosen && face.get(p.portraitFaceId!)?.personId === p.id) {
      expect(person.get(p.id)?.portraitFaceId).toBe(p.portraitFaceId);
    }
  }
}

describe('regroups never undo a decision', () => {
  for (const seed of [1, 2, 3]) {
    it(`keeps every decision through random actions and regroups (seed ${seed})`, async () => {
      const l = (lib = await syntheticLibrary());
      const random = seededRandom(seed);
      const normal = gaussian(random);
      const centres = Array.from({ length: 5 }, () => randomUnit(32, normal));
      const newFaces = (n: number) =>
        Array.from({ length: n }, () => noisyCopy(centres[Math.floor(random() * centres.length)], 0.03, normal));
      const faceIds = await l.addPhoto(newFaces(20));
      await runRecluster(l.ctx);
      const people = new PeopleService(l.repo, MODEL);
      const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)];
      const personIds = async () => (await snapshot(l, [])).persons.map((p) => p.id);

      const actions: Array<() => Promise<unknown>> = [
        async () => people.updatePerson(pick(await personIds()), { name: `Name ${Math.floor(random() * 100)}` }),
        async () => people.updatePerson(pick(await personIds()), { hidden: true, rank: 'Capt' }),
        async () => people.mergePersons(pick(await personIds()), [pick(await personIds())]),
        async () => people.createPerson({ faceIds: [pick(faceIds), pick(faceIds)] }),
        async () => people.moveFaces([pick(faceIds)], pick(await personIds())),
        async () => people.unassignFaces([pick(faceIds), pick(faceIds)]),
        async () => people.verifyFaces([pick(faceIds)]),
        async () => people.rejectFaces([pick(faceIds)]),
        async () => {
          const p = pick((await snapshot(l, [])).persons.filter((x) => x.faceCount > 0));
          const faces = (await l.repo.personFaces(p.id, { offset: 0, limit: 100 })).items;
          return people.choosePortrait(p.id, pick(faces).id);
        },
        async () => people.deletePerson(pick(await personIds())),
      ];

      for (let round = 0; round < 8; round++) {
        for (let k = 0; k < 4; k++) {
          await pick(actions)().catch((err: unknown) => {
            if (!(err instanceof FrsError)) throw err; // refusals (e.g. merging a person into itself) are fine
          });
        }
        const before = await snapshot(l, faceIds);
        if (round % 2 === 0) await runRecluster(l.ctx);
        else {
          faceIds.push(...(await l.addPhoto(newFaces(3))));
          await runGrouping(l.ctx);
        }
        const grouped = new Set((await l.repo.facesForGrouping(MODEL)).map((f) => f.id));
        expectDecisionsKept(before, await snapshot(l, faceIds), grouped);
      }
    });
  }
});

describe('a people action while a regroup is deciding', () => {
  it('makes the regroup decide again (outside its write transaction) instead of writing its stale plan', async () => {
    const l = (lib = await syntheticLibrary());
    const normal = gaussian(seededRandom(11));
    const centres = [randomUnit(32, normal), randomUnit(32, normal)];
    const faceIds = await l.addPhoto([0, 0, 0, 1, 1, 1].map((i) => noisyCopy(centres[i], 0.02, normal)));
    await runRecluster(l.ctx);
    const people = new PeopleService(l.repo, MODEL);
    const a = (await people.face(faceIds[0])).personId!;
    const b = (await people.face(faceIds[3])).personId!;
    expect(a).not.toBe(b);

    // After the regroup's first read (outside its transaction), the user merges b into a. A full
    // regroup reads the faces in pages: each decision starts with the first page.
    const reads = { outside: 0, inside: 0 };
    const readOutside = l.repo.facesForGroupingPage.bind(l.repo);
    l.repo.facesForGroupingPage = async (model: string, after: number, limit: number) => {
      if (after === 0) reads.outside++;
      const faces = await readOutside(model, after, limit);
      if (reads.outside === 1 && after === 0) await people.mergePersons(a, [b]);
      return faces;
    };
    const original = l.repo.transaction.bind(l.repo);
    l.repo.transaction = <T>(fn: (tx: RepositoryOps) => Promise<T>) =>
      original((tx) =>
        fn(
          Object.assign(Object.create(tx) as RepositoryOps, {
            facesForGrouping: (model: string) => (reads.inside++, tx.facesForGrouping(model)),
            facesForGroupingPage: (model: string, after: number, limit: number) => (
              reads.inside++,
              tx.facesForGroupingPage(model, after, limit)
            ),
          }),
        ),
      );
    await runRecluster(l.ctx);
    // The write transaction saw the change and ended without writing; the new decision read outside it.
    expect(reads).toEqual({ outside: 2, inside: 0 });
    l.repo.facesForGroupingPage = readOutside;
    l.repo.transaction = original;
    // The merge stands: one person with all six faces, all verified; b is gone, no face points at it.
    const merged = await people.person(a);
    expect(merged.faces.items.map((f) => f.id)).toEqual(faceIds);
    expect(merged.faces.items.every((f) => f.isUserVerified)).toBe(true);
    expect(await l.repo.getPerson(b)).toBeNull();
  });
});
