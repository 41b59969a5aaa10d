/**
 * Property: incremental recognise (regrouping only the components new or changed faces touch)
 * gives exactly what a full regroup gives, over random insertion orders, batch splits, bounded
 * runs and the people actions. Small libraries of synthetic faces with chaining, border faces
 * and strangers; several seeds and DBSCAN settings.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { gaussian, seededRandom } from '../../src/clustering/random.js';
import type { Embedding } from '../../src/clustering/cosine.js';
import type { RepositoryOps } from '../../src/data/repository.js';
import { FrsError } from '../../src/errors.js';
import { PeopleService } from '../../src/people/people-service.js';
import type { FacesUndo } from '../../src/people/undo.js';
import { runGrouping, runRecluster } from '../../src/pipeline/group-stage.js';
import { noisyCopy, randomUnit } from '../clustering/synthetic.js';
import { MODEL, syntheticLibrary, type SyntheticLibrary } from '../helpers/synthetic-library.js';

const libs: SyntheticLibrary[] = [];
afterEach(async () => {
  for (const l of libs.splice(0)) await l.cleanup();
});

/**
 * About one face in eight is low quality (below the default FRS_MIN_FACE_QUALITY 0.3): a function
 * of the embedding, so a face has the same quality in every library and insertion order.
 */
const qualityOf = (e: Embedding) => ((Math.abs(e[0]) * 1e4) % 1 < 0.125 ? 0.1 : 0.9);

/** `lowQuality` false: every face good (the hand-built geometries below). */
async function library(settings: Record<string, string>, lowQuality = true): Promise<SyntheticLibrary> {
  const l = await syntheticLibrary(
    {
      FRS_MATCH_MODE: 'nearest-face',
      FRS_MATCH_THRESHOLD: '0.9',
      FRS_LOW_QUALITY_MATCH_THRESHOLD: '0.93',
      ...settings,
    },
    lowQuality ? { qualityOf } : {},
  );
  libs.push(l);
  return l;
}

/** Faces of 8 identities with loose spread (chains, borders) and a few strangers, shuffled. */
function faces(seed: number, count: number): Embedding[] {
  const random = seededRandom(seed);
  const normal = gaussian(random);
  const centres = Array.from({ length: 8 }, () => randomUnit(32, normal));
  return Array.from({ length: count }, () =>
    random() < 0.08
      ? randomUnit(32, normal)
      : noisyCopy(centres[Math.floor(random() * centres.length)], 0.03 + 0.03 * random(), normal),
  );
}

/**
 * Faces of 8 identities with three tight looks each (DBSCAN at a small eps splits them, and their
 * means merge or not: about 20 clusters become 14), recurring strangers whose faces only the noise
 * pass groups, and one-off strangers, shuffled.
 */
function looks(seed: number, count: number): Embedding[] {
  const random = seededRandom(seed);
  const normal = gaussian(random);
  const identities = Array.from({ length: 8 }, () => randomUnit(32, normal));
  const looksOf = identities.map((c) => [0, 1, 2].map(() => noisyCopy(c, 0.05, normal)));
  const recurring = Array.from({ length: 6 }, () => randomUnit(32, normal));
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)];
  return Array.from({ length: count }, () => {
    const r = random();
    if (r < 0.05) return randomUnit(32, normal);
    if (r < 0.2) return noisyCopy(pick(recurring), 0.035, normal);
    return noisyCopy(pick(pick(looksOf)), 0.015 * (0.5 + random()), normal);
  });
}

/** Every face's person, verification and rejection, and every person with its portrait. */
async function state(l: SyntheticLibrary) {
  const all = await l.repo.facesForGrouping(MODEL);
  const details = await l.repo.getFaces(all.map((f) => f.id));
  const persons = (await l.repo.searchPersons({ offset: 0, limit: 10_000, hidden: 'all' })).items;
  return {
    faces: details.map((f) => [f.id, f.personId, f.isUserVerified, f.isRejected]),
    persons: persons.map((p) => [p.id, p.faceCount, p.portraitFaceId]).sort((a, b) => Number(a[0]) - Number(b[0])),
  };
}

/** The persons as sets of embeddings (by their bytes), whatever ids the faces and persons got. */
async function partition(l: SyntheticLibrary): Promise<string[]> {
  const key = (e: Float32Array) => Buffer.from(e.buffer, e.byteOffset, e.byteLength).toString('base64');
  const groups = new Map<string, string[]>();
  for (const f of await l.repo.facesForGrouping(MODEL)) {
    const group = f.personId === null ? `noise:${key(f.embedding)}` : `p${f.personId}`;
    groups.set(group, [...(groups.get(group) ?? []), key(f.embedding)]);
  }
  return [...groups.values()].map((g) => g.sort().join('|')).sort();
}

/** A recluster that cannot lean on the grouping index: the reference the incremental runs must equal. */
async function reclusterFromScratch(l: SyntheticLibrary) {
  await l.repo.saveGroupingComponents({
    model: MODEL,
    radius: 0,
    settings: 'not-local',
    replaceAll: true,
    removed: [],
    added: [],
    settled: [],
  });
  return runRecluster(l.ctx);
}

async function drain(l: SyntheticLibrary): Promise<number> {
  let runs = 0;
  for (;;) {
    const summary = await runGrouping(l.ctx);
    runs++;
    if (!summary.regrouped || !summary.more) return runs;
  }
}

/**
 * The quality rules are on in all (defaults: low-quality faces, merging clusters by their means at
 * 0.97 in centroid mode); the third makes DBSCAN tight, so clusters split and merge by their means
 * (0.93) and the noise pass (eps 0.07) finds what both left.
 */
const SETTINGS: Record<string, string>[] = [
  { FRS_DBSCAN_EPS: '0.06', FRS_DBSCAN_MIN_POINTS: '2' },
  { FRS_DBSCAN_EPS: '0.08', FRS_DBSCAN_MIN_POINTS: '3' },
  {
    FRS_DBSCAN_EPS: '0.025',
    FRS_DBSCAN_MIN_POINTS: '2',
    FRS_DBSCAN_NOISE_EPS: '0.07',
    FRS_CLUSTER_MERGE_THRESHOLD: '0.93',
  },
];
/** The faces each of SETTINGS is tried on: the tight settings get identities with several looks. */
const FACES = [faces, faces, looks];

/** Both matching modes: nearest-face (local at R) and centroid (the default: means reach across components). */
const MODES = ['nearest-face', 'centroid'] as const;

describe.each(MODES)('incremental recognise over random batches equals one regroup of the same faces (%s)', (mode) => {
  for (const [s, base] of SETTINGS.entries()) {
    const settings = { ...base, FRS_MATCH_MODE: mode };
    for (const seed of [1, 2, 3]) {
      it(`settings ${s}, seed ${seed}: random order, random batch sizes, bounded runs`, async () => {
        const all = FACES[s](seed, 90);
        const random = seededRandom(seed * 7 + s);
        const order = all.map((_, i) => i).sort(() => random() - 0.5);
        const batched = await library({ ...settings, FRS_GROUPING_BATCH_FACES: String(2 + Math.floor(random() * 8)) });
        for (let at = 0; at < order.length;) {
          const size = 1 + Math.floor(random() * 12);
          await batched.addPhoto(order.slice(at, at + size).map((i) => all[i]));
          at += size;
          // Sometimes several photos arrive before the timer runs; a bounded run leaves some for later.
          if (random() < 0.6) await runGrouping(batched.ctx);
        }
        await drain(batched);

        const once = await library(settings);
        await once.addPhoto(all);
        await runRecluster(once.ctx);
        expect(await partition(batched)).toEqual(await partition(once));
        // And the library is a fixpoint of a full regroup (from the index, and from scratch): nothing left to change.
        for (const again of [await runRecluster(batched.ctx), await reclusterFromScratch(batched)])
          expect(again).toMatchObject({ facesAssigned: 0, facesMoved: 0, personsCreated: 0 });
      });
    }
  }
});

describe.each(MODES)('incremental recognise with people actions equals a full regroup, step by step (%s)', (mode) => {
  for (const seed of [1, 2, 3, 4]) {
    it(`seed ${seed}: merges, moves, splits, unassigns, verifications, rejections, deletions, undos`, async () => {
      const settings = { ...SETTINGS[seed % SETTINGS.length], FRS_MATCH_MODE: mode };
      const all = FACES[seed % SETTINGS.length](seed + 100, 120);
      const incremental = await library(settings);
      const full = await library(settings);
      const random = seededRandom(seed);
      const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)];
      let next = 0;
      const addBoth = async (n: number) => {
        const batch = all.slice(next, (next += n));
        await incremental.addPhoto(batch);
        await full.addPhoto(batch);
      };
      await addBoth(40);
      await runRecluster(incremental.ctx); // builds the index
      await runRecluster(full.ctx);

      // Both libraries hold the same ids (same inserts, same decisions), so one action applies to both.
      // Each library's undo record of its last action (the same action on the same ids in both).
      const undos = new Map<SyntheticLibrary, FacesUndo>();
      const act = async (l: SyntheticLibrary, action: number, faceIds: number[], personIds: number[]) => {
        const people = new PeopleService(l.repo, MODEL);
        const result = await actOn(people, l, action, faceIds, personIds);
        if (result && 'undo' in result) undos.set(l, result.undo);
        return result;
      };
      const actOn = async (
        people: PeopleService,
        l: SyntheticLibrary,
        action: number,
        faceIds: number[],
        personIds: number[],
      ) => {
        const [a, b] = [faceIds[0], faceIds[1]];
        const [p, q] = [personIds[0], personIds[1]];
        switch (action) {
          case 0:
            return people.mergePersons(p, [q]);
          case 1:
            return people.moveFaces([a], p);
          case 2:
            return people.createPerson({ faceIds: [a, b] });
          case 3:
            return people.unassignFaces([a, b]);
          case 4:
            return people.verifyFaces([a]);
          case 5:
            return people.rejectFaces([a]);
          case 6: {
            // Undo of the last action (a deleted person comes back under a new id).
            const undo = undos.get(l);
            undos.delete(l);
            return undo ? people.restoreFaces(undo) : null;
          }
          default:
            return people.deletePerson(p);
        }
      };
      for (let round = 0; round < 10; round++) {
        for (let k = 0; k < 3; k++) {
          const faceIds = (await incremental.repo.facesForGrouping(MODEL)).map((f) => f.id);
          const personIds = (await incremental.repo.searchPersons({ offset: 0, limit: 1000, hidden: 'all' })).items.map(
            (x) => x.id,
          );
          if (personIds.length < 2) break;
          const action = Math.floor(random() * 8);
          const chosen = [pick(faceIds), pick(faceIds)];
          const persons = [pick(personIds), pick(personIds)];
          const outcomes = await Promise.all(
            [incremental, full].map((l) =>
              act(l, action, chosen, persons).then(
                () => 'ok',
                (err: unknown) => {
                  if (err instanceof FrsError) return err.code; // refused (e.g. a person merged into itself)
                  throw err;
                },
              ),
            ),
          );
          expect(outcomes[0]).toBe(outcomes[1]);
        }
        if (round % 3 !== 2) await addBoth(1 + Math.floor(random() * 8));
        const summary = await runGrouping(incremental.ctx);
        await reclusterFromScratch(full);
        expect(summary.regrouped ? summary.incremental : true).toBe(true);
        expect(await state(incremental)).toEqual(await state(full));
      }
    });
  }
});

describe.each(MODES)('an undo after the run that grouped its action (%s)', (mode) => {
  it('takes back a move and a deletion as a full regroup would', async () => {
    const settings = { ...SETTINGS[0], FRS_MATCH_MODE: mode };
    const [incremental, full] = [await library(settings), await library(settings)];
    for (const l of [incremental, full]) {
      await l.addPhoto(faces(41, 80));
      await runRecluster(l.ctx);
    }
    const grouped = await incremental.repo.facesForGrouping(MODEL);
    const [p, q] = [...new Set(grouped.map((f) => f.personId).filter((x): x is number => x !== null))];
    const face = grouped.find((f) => f.personId === q)!.id;
    for (const action of ['move', 'delete'] as const) {
      const undos = [];
      for (const l of [incremental, full]) {
        const people = new PeopleService(l.repo, MODEL);
        undos.push((action === 'move' ? await people.moveFaces([face], p) : await people.deletePerson(p)).undo);
      }
      expect((await runGrouping(incremental.ctx)).incremental).toBe(true);
      await runRecluster(full.ctx);
      expect(await state(incremental)).toEqual(await state(full));
      // The user takes it back after the timer grouped it: the marks of the action are settled by now.
      for (const [k, l] of [incremental, full].entries()) await new PeopleService(l.repo, MODEL).restoreFaces(undos[k]);
      expect((await runGrouping(incremental.ctx)).incremental).toBe(true);
      await runRecluster(full.ctx);
      expect(await state(incremental)).toEqual(await state(full));
    }
  });
});

describe('what an incremental run reads', () => {
  it.each(MODES)('reads only the components its new faces touch, not the library (%s)', async (mode) => {
    const l = await library({ ...SETTINGS[0], FRS_MATCH_MODE: mode });
    await l.addPhoto(faces(5, 80));
    await runRecluster(l.ctx);
    let read = 0;
    const original = l.repo.facesForGroupingIn.bind(l.repo);
    l.repo.facesForGroupingIn = async (...args: Parameters<RepositoryOps['facesForGroupingIn']>) => {
      const found = await original(...args);
      read += found.length;
      return found;
    };
    l.repo.facesForGrouping = () => Promise.reject(new Error('an incremental run must not read every face'));
    await l.addPhoto([faces(5, 81)[80]]);
    const summary = await runGrouping(l.ctx);
    expect(summary).toMatchObject({ regrouped: true, incremental: true, newFaces: 1 });
    expect(read).toBeGreaterThan(0);
    expect(read).toBeLessThan(80);
  });

  it('takes in whole a person whose faces another application spread over components', async () => {
    const [a, b] = [await library(SETTINGS[0]), await library(SETTINGS[0])];
    for (const l of [a, b]) {
      await l.addPhoto(faces(12, 70));
      await runRecluster(l.ctx);
    }
    const grouped = await a.repo.facesForGrouping(MODEL);
    const [p, q] = [...new Set(grouped.map((f) => f.personId).filter((x): x is number => x !== null))];
    const stray = grouped.find((f) => f.personId === q)!;
    const near = grouped.find((f) => f.personId === p)!;
    const newFace = noisyCopy(near.embedding, 0.005, gaussian(seededRandom(4)));
    for (const l of [a, b]) {
      // Another writer (the replaced system, SQL by hand) puts one of q's faces into p: no dirty mark.
      await l.repo.assignFaces([{ faceId: stray.id, personId: p }]);
      await l.addPhoto([newFace]);
    }
    expect((await runGrouping(a.ctx)).incremental).toBe(true);
    await reclusterFromScratch(b);
    expect(await state(a)).toEqual(await state(b));
    expect((await a.repo.getFaces([stray.id]))[0].personId).toBe(q);
  });

  it('regroups the component of a face a new detection removed: a person split at its bridge', async () => {
    const normal = gaussian(seededRandom(21));
    const a = randomUnit(32, normal);
    // b about 0.14 from a (beyond R = 0.1); the bridge halfway, within eps of both groups.
    const b = Float32Array.from(a, (x, k) => 0.86 * x + 0.51 * randomUnit(32, normal)[k]);
    const unit = (v: Float32Array) => v.map((x) => x / Math.hypot(...v));
    const bridge = unit(a.map((x, k) => x + unit(b)[k]));
    const groupA = Array.from({ length: 4 }, () => noisyCopy(a, 0.002, normal));
    const groupB = Array.from({ length: 4 }, () => noisyCopy(unit(b), 0.002, normal));
    const settings = { FRS_DBSCAN_EPS: '0.08', FRS_DBSCAN_MIN_POINTS: '2' };
    const [incremental, full] = [await library(settings), await library(settings)];
    for (const l of [incremental, full]) {
      await l.addPhoto(groupA);
      const [bridgeId] = await l.addPhoto([bridge]);
      await l.addPhoto(groupB);
      await runRecluster(l.ctx);
      expect(new Set((await l.repo.facesForGrouping(MODEL)).map((f) => f.personId)).size).toBe(1);
      // The photo is detected again and the bridge face is gone.
      const [{ mediaItemId }] = await l.repo.getFaces([bridgeId]);
      await l.repo.requeueItems([mediaItemId], []);
      await l.repo.claimPendingItems('test', 1, 60, 3, mediaItemId);
      await l.repo.completeItem(mediaItemId, 'test', []);
    }
    expect((await runGrouping(incremental.ctx)).incremental).toBe(true);
    await reclusterFromScratch(full);
    expect(await state(incremental)).toEqual(await state(full));
    expect(new Set((await incremental.repo.facesForGrouping(MODEL)).map((f) => f.personId)).size).toBe(2);
  });

  it('an undone action is regrouped like any other: deleting a person, then undoing it', async () => {
    const [incremental, full] = [await library(SETTINGS[0]), await library(SETTINGS[0])];
    for (const l of [incremental, full]) {
      await l.addPhoto(faces(31, 60));
      await runRecluster(l.ctx);
    }
    const person = (await incremental.repo.facesForGrouping(MODEL)).find((f) => f.personId !== null)!.personId!;
    const undos = [];
    for (const l of [incremental, full]) undos.push((await new PeopleService(l.repo, MODEL).deletePerson(person)).undo);
    // A run between the action and its undo: the undo's own marks must bring the faces back to grouping.
    for (const restore of [false, true]) {
      if (restore)
        for (const [k, l] of [incremental, full].entries())
          await new PeopleService(l.repo, MODEL).restoreFaces(undos[k]);
      expect((await runGrouping(incremental.ctx)).incremental).toBe(true);
      await reclusterFromScratch(full);
      expect(await state(incremental)).toEqual(await state(full));
    }
  });

  it('regroups every face again when the grouping settings change (persons decided otherwise)', async () => {
    const l = await library(SETTINGS[0]);
    await l.addPhoto(faces(6, 40));
    await runRecluster(l.ctx);
    l.ctx.settings = { ...l.ctx.settings, FRS_DBSCAN_EPS: 0.07 };
    await l.addPhoto([faces(6, 41)[40]]);
    expect((await runGrouping(l.ctx)).incremental).toBeUndefined();
    await l.addPhoto([faces(6, 42)[41]]);
    expect((await runGrouping(l.ctx)).incremental).toBe(true);
  });

  it('a people action while an incremental run decides makes it decide again, never undoing the action', async () => {
    const l = await library(SETTINGS[0]);
    await l.addPhoto(faces(8, 60));
    await runRecluster(l.ctx);
    const people = new PeopleService(l.repo, MODEL);
    const target = (await l.repo.facesForGrouping(MODEL)).find((f) => f.personId !== null)!;
    // A new face next to the target: the run's closure holds the target's component.
    await l.addPhoto([noisyCopy(target.embedding, 0.005, gaussian(seededRandom(3)))]);
    // Right after the run read its fingerprint (outside the write transaction), the user rejects the target.
    const original = l.repo.groupingFingerprintOf.bind(l.repo);
    let calls = 0;
    l.repo.groupingFingerprintOf = async (...args: Parameters<RepositoryOps['groupingFingerprintOf']>) => {
      const fingerprint = await original(...args);
      if (++calls === 1) await people.rejectFaces([target.id]);
      return fingerprint;
    };
    let decisions = 0;
    const work = l.repo.groupingWork.bind(l.repo);
    l.repo.groupingWork = (...args: Parameters<RepositoryOps['groupingWork']>) => (decisions++, work(...args));
    const summary = await runGrouping(l.ctx);
    expect(decisions).toBe(2);
    expect(summary).toMatchObject({ regrouped: true, incremental: true });
    expect((await l.repo.getFaces([target.id]))[0]).toMatchObject({ isRejected: true, personId: null });
    // The mark the rejection made was read by the second decision and dealt with.
    expect((await l.repo.groupingWork(MODEL, 10)).dirty).toEqual([]);
  });
});

describe('centroid mode: faces a mean reaches from beyond every member', () => {
  const DIM = 32;
  const axis = (k: number) => Float32Array.from({ length: DIM }, (_, i) => (i === k ? 1 : 0));
  /** cos(angle) a + sin(angle) b for orthonormal a, b (degrees). */
  const turn = (a: Float32Array, b: Float32Array, degrees: number) => {
    const r = (degrees * Math.PI) / 180;
    return Float32Array.from(a, (x, k) => Math.cos(r) * x + Math.sin(r) * b[k]);
  };
  const sim = (a: Float32Array, b: Float32Array) => a.reduce((s, x, k) => s + x * b[k], 0);
  const settings = { ...SETTINGS[0], FRS_MATCH_MODE: 'centroid' }; // threshold 0.9, eps 0.06
  /** Unrelated identities around the constructed faces, so that the library has other components. */
  const background = () => faces(31, 40);
  /**
   * Two libraries with the same faces: `before` grouped by a recluster (which builds the index),
   * then `arriving` added. The incremental run must leave what a full recluster leaves; returns
   * each face's person in the incremental library, found by its embedding.
   */
  async function incrementalEqualsFull(
    options: Record<string, string>,
    before: Float32Array[],
    arriving: Float32Array[],
  ) {
    const [incremental, full] = [await library(options, false), await library(options, false)];
    for (const l of [incremental, full]) {
      await l.addPhoto(background());
      await l.addPhoto(before);
    }
    await runRecluster(incremental.ctx);
    for (const l of [incremental, full]) await l.addPhoto(arriving);
    expect(await runGrouping(incremental.ctx)).toMatchObject({ regrouped: true, incremental: true });
    await runRecluster(full.ctx);
    expect(await state(incremental)).toEqual(await state(full));
    const grouped = await incremental.repo.facesForGrouping(MODEL);
    return (e: Float32Array) => grouped.find((g) => sim(g.embedding, e) > 0.99999)!.personId;
  }

  // A cluster of four faces 12 degrees around c (pairs opposite: their mean is c), and a face f
  // 24 degrees from c: sim(f, mean) = cos 24 = 0.914 >= 0.9, but sim(f, member) = cos 24 cos 12 = 0.893,
  // beyond both eps and 1 - threshold of every member.
  const c = axis(5);
  const members = [turn(c, axis(6), 12), turn(c, axis(6), -12), turn(c, axis(7), 12), turn(c, axis(7), -12)];
  const f = turn(c, axis(8), 24);

  for (const order of ['cluster first', 'face first'] as const) {
    it(`a noise face joins a cluster by its mean though no member is within R (${order})`, async () => {
      for (const m of members) expect(1 - sim(f, m)).toBeGreaterThan(0.1 + 0.005);
      const [first, second] = order === 'cluster first' ? [members, [f]] : [[f], members];
      const personOf = await incrementalEqualsFull(settings, first, second);
      expect(personOf(f)).not.toBeNull();
      expect(personOf(f)).toBe(personOf(members[0]));
    });
  }

  it("a face moved into a verified person moves its mean onto another component's faces, which join it", async () => {
    // P is verified at a; cluster B sits 40 degrees from a (sim 0.77: no match); v, 80 degrees from
    // a, moved into P makes P's mean the direction of B (both 40 degrees off it).
    const a = axis(0);
    const b = turn(a, axis(1), 40);
    const v = turn(a, axis(1), 80);
    const clusterB = [turn(b, axis(2), 3), turn(b, axis(3), 3), turn(b, axis(4), 3)];
    const [incremental, full] = [await library(settings, false), await library(settings, false)];
    for (const l of [incremental, full]) {
      await l.addPhoto(background());
      const [aId] = await l.addPhoto([a]);
      await l.addPhoto(clusterB);
      const [vId] = await l.addPhoto([v]);
      await runRecluster(l.ctx);
      const people = new PeopleService(l.repo, MODEL);
      const { id: personId } = await people.createPerson({ faceIds: [aId] });
      await runGrouping(l.ctx);
      const before = await l.repo.facesForGrouping(MODEL);
      expect(before.filter((g) => g.personId === personId)).toHaveLength(1); // B does not match a alone
      await people.moveFaces([vId], personId);
    }
    expect(await runGrouping(incremental.ctx)).toMatchObject({ regrouped: true, incremental: true });
    await runRecluster(full.ctx);
    expect(await state(incremental)).toEqual(await state(full));
    const after = await incremental.repo.facesForGrouping(MODEL);
    const p = after.find((g) => sim(g.embedding, a) > 0.99999)!.personId;
    expect(after.filter((g) => g.personId === p)).toHaveLength(5); // a, v and the three faces of B
  });

  describe('clusters merged by their means (FRS_CLUSTER_MERGE_THRESHOLD)', () => {
    // Tight DBSCAN (eps 0.025: faces 12.8 degrees apart no longer link), merge at 0.93 (21.6 degrees).
    const merging = { ...settings, FRS_DBSCAN_EPS: '0.025', FRS_CLUSTER_MERGE_THRESHOLD: '0.93' };
    /** Two faces half a degree either side of a centre: a DBSCAN cluster whose mean is the centre. */
    const pair = (centre: Float32Array) => [turn(centre, axis(7), 0.5), turn(centre, axis(7), -0.5)];
    const x = axis(5);
    const z = turn(x, axis(6), 21); // merges with x: cos 21 = 0.934
    const mean = turn(x, axis(6), 10.5); // the merged cluster's mean

    it('a noise face joins a merged cluster by its mean, beyond the bound of either part', async () => {
      // f is 25.5 degrees from the merged mean (cos 0.903 >= 0.9) but 27.4 from x and from z:
      // outside what either part's cone (0.5 degrees wide) lets a face reach (25.8 + 0.5).
      const f = turn(mean, axis(8), 25.5);
      expect(sim(f, mean)).toBeGreaterThanOrEqual(0.9);
      for (const part of [x, z]) expect(Math.acos(sim(f, part))).toBeGreaterThan(Math.acos(0.9) + (1 * Math.PI) / 180);
      const personOf = await incrementalEqualsFull(merging, [...pair(x), ...pair(z)], [f]);
      expect(personOf(f)).not.toBeNull();
      expect([personOf(f), personOf(pair(z)[0])]).toEqual([personOf(pair(x)[0]), personOf(pair(x)[0])]);
    });

    it('new clusters that merge reach a stored cluster through a part, not through their merged mean', async () => {
      // y merges with x (21 degrees) though the mean of x and z, the new clusters merged, is 31.5
      // degrees from y: beyond the matching reach (25.8) that bounds the merged mean.
      const y = turn(x, axis(6), -21);
      expect(sim(x, y)).toBeGreaterThanOrEqual(0.93);
      expect(Math.acos(sim(mean, y))).toBeGreaterThan(Math.acos(0.9) + (1 * Math.PI) / 180);
      const personOf = await incrementalEqualsFull(merging, pair(y), [...pair(x), ...pair(z)]);
      expect(new Set([x, y, z].map((c) => personOf(pair(c)[0]))).size).toBe(1);
    });
  });

  it('the noise pass groups two faces further apart than the matching reach', async () => {
    // g and h are 27 degrees apart (distance 0.109): beyond eps and the matching reach (0.1), within
    // the noise pass's eps (0.12), so they become one person whichever arrives last.
    const g = axis(9);
    const h = turn(g, axis(10), 27);
    expect(1 - sim(g, h)).toBeGreaterThan(0.1 + 0.005);
    const wide = { ...settings, FRS_DBSCAN_NOISE_EPS: '0.12' };
    const personOf = await incrementalEqualsFull(wide, [g], [h]);
    expect(personOf(g)).not.toBeNull();
    expect(personOf(h)).toBe(personOf(g));
  });
});
