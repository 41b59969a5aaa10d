/**
 * Contract cases for the grouping index (aggregates/grouping-index.ts), run by
 * repository.contract.ts on every adapter.
 */
import { expect, it } from 'vitest';
import type { Repository } from '../../src/data/repository.js';

type ItemWithFaces = (repo: Repository, count: number, path?: string) => Promise<{ faceIds: number[] }>;

const cone = (seed: number, faceIds: number[]) => ({
  centroid: Float32Array.from({ length: 8 }, (_, i) => Math.cos(seed + i) / 3),
  angle: 0.25 + seed / 100,
  faceIds,
});

export function groupingIndexContract(connect: () => Promise<Repository>, itemWithFaces: ItemWithFaces): void {
  it('stores components, memberships and the index settings; reads faces by component, person or id', async () => {
    const repo = await connect();
    expect(await repo.groupingIndexInfo('m1')).toBeNull();
    const { faceIds } = await itemWithFaces(repo, 5);
    const [p1] = await repo.createPersons(1);
    await repo.verifyFaces([{ faceId: faceIds[4], personId: p1 }]);
    const [c1, c2] = await repo.saveGroupingComponents({
      model: 'm1',
      radius: 0.2,
      settings: 's1',
      removed: [],
      added: [cone(1, [faceIds[0], faceIds[1]]), cone(2, [faceIds[2]])],
      settled: [],
    });
    expect(c2).toBeGreaterThan(c1);
    expect(await repo.groupingIndexInfo('m1')).toEqual({ radius: 0.2, settings: 's1' });
    expect(await repo.groupingIndexInfo('M1')).toBeNull(); // model ids compare exactly
    const cones = await repo.groupingCones('m1');
    expect(cones.map((c) => [c.componentId, c.size, c.angle])).toEqual([
      [c1, 2, 0.26],
      [c2, 1, 0.27],
    ]);
    expect(Buffer.from(cones[0].centroid.buffer)).toEqual(Buffer.from(cone(1, []).centroid.buffer));
    expect(await repo.groupingCones('m2')).toEqual([]);

    const byComponent = await repo.facesForGroupingIn('m1', { componentIds: [c1] });
    expect(byComponent.map((f) => [f.id, f.componentId])).toEqual([
      [faceIds[0], c1],
      [faceIds[1], c1],
    ]);
    expect(byComponent[0].embedding.length).toBe(8);
    const mixed = await repo.facesForGroupingIn('m1', { faceIds: [faceIds[3], 999_999], personIds: [p1] });
    expect(mixed.map((f) => [f.id, f.componentId, f.personId, f.isUserVerified])).toEqual([
      [faceIds[3], null, null, false],
      [faceIds[4], null, p1, true],
    ]);
    expect(await repo.facesForGroupingIn('m2', { faceIds })).toEqual([]);
    await repo.rejectFaces([faceIds[0]]);
    expect((await repo.facesForGroupingIn('m1', { componentIds: [c1] })).map((f) => f.id)).toEqual([faceIds[1]]);

    // Replacing a component moves its faces; replaceAll drops every component of the model.
    const [c3] = await repo.saveGroupingComponents({
      model: 'm1',
      radius: 0.2,
      settings: 's2',
      removed: [c1],
      added: [cone(3, [faceIds[1], faceIds[2], faceIds[3]])],
      settled: [],
    });
    expect((await repo.groupingCones('m1')).map((c) => c.componentId)).toEqual([c2, c3]);
    expect((await repo.facesForGroupingIn('m1', { componentIds: [c2, c3] })).map((f) => f.componentId)).toEqual([
      c3,
      c3,
      c3,
    ]);
    expect((await repo.groupingIndexInfo('m1'))?.settings).toBe('s2');
    await repo.saveGroupingComponents({
      model: 'm1',
      radius: 0,
      settings: 'not-local',
      replaceAll: true,
      removed: [],
      added: [],
      settled: [],
    });
    expect(await repo.groupingCones('m1')).toEqual([]);
    expect((await repo.facesForGroupingIn('m1', { faceIds })).every((f) => f.componentId === null)).toBe(true);
  });

  it('reads every verified face with a person, with its component, and nothing else', async () => {
    const repo = await connect();
    const { faceIds } = await itemWithFaces(repo, 5);
    const [p1, p2] = await repo.createPersons(2);
    await repo.verifyFaces([
      { faceId: faceIds[1], personId: p1 },
      { faceId: faceIds[3], personId: p2 },
      { faceId: faceIds[4], personId: p2 },
    ]);
    await repo.assignFaces([{ faceId: faceIds[0], personId: p1 }]); // assigned, not verified
    await repo.rejectFaces([faceIds[4]]); // rejected: not grouped at all
    const [c1] = await repo.saveGroupingComponents({
      model: 'm1',
      radius: 0.2,
      settings: 's1',
      removed: [],
      added: [cone(1, [faceIds[0], faceIds[1]])],
      settled: [],
    });
    const verified = await repo.verifiedFacesForGrouping('m1');
    expect(verified.map((f) => [f.id, f.personId, f.isUserVerified, f.componentId])).toEqual([
      [faceIds[1], p1, true, c1],
      [faceIds[3], p2, true, null],
    ]);
    expect(verified[0].embedding).toHaveLength(8);
    expect(await repo.verifiedFacesForGrouping('M1')).toEqual([]); // model ids compare exactly
  });

  it('pages through the faces to group as facesForGrouping reads them', async () => {
    const repo = await connect();
    const { faceIds } = await itemWithFaces(repo, 5);
    await repo.rejectFaces([faceIds[2]]);
    const all = await repo.facesForGrouping('m1');
    const pages = [];
    for (let after = 0; ;) {
      const page = await repo.facesForGroupingPage('m1', after, 2);
      if (page.length === 0) break;
      expect(page.length).toBeLessThanOrEqual(2);
      pages.push(...page);
      after = page[page.length - 1].id;
    }
    expect(pages.map(({ componentId, ...face }) => (expect(componentId).toBeNull(), face))).toEqual(all);
    expect(pages.map((f) => f.id)).toEqual([faceIds[0], faceIds[1], faceIds[3], faceIds[4]]);
    expect(await repo.facesForGroupingPage('m2', 0, 10)).toEqual([]);
  });

  it('lists new faces (verified too) with their components, and dirty marks until settled', async () => {
    const repo = await connect();
    const { faceIds } = await itemWithFaces(repo, 4);
    const [p1] = await repo.createPersons(1);
    await repo.verifyFaces([{ faceId: faceIds[3], personId: p1 }]);
    await repo.markFacesGrouped([faceIds[0]]);
    const [c1] = await repo.saveGroupingComponents({
      model: 'm1',
      radius: 0.1,
      settings: 's',
      removed: [],
      added: [cone(1, [faceIds[0], faceIds[1]])],
      settled: [],
    });
    const work = await repo.groupingWork('m1', 2);
    expect(work.newFaces).toEqual([
      { faceId: faceIds[1], componentId: c1 },
      { faceId: faceIds[2], componentId: null },
    ]);
    expect((await repo.groupingWork('m1', 10)).newFaces.map((f) => f.faceId)).toEqual(faceIds.slice(1));
    expect((await repo.groupingWork('m2', 10)).newFaces).toEqual([]);
    expect(work.dirty).toEqual([]);

    await repo.markGroupingDirty({ faceIds: [faceIds[0]], personIds: [p1] });
    await repo.markGroupingDirty({ faceIds: [faceIds[0]] }); // twice is once
    await repo.markGroupingDirty({});
    expect((await repo.groupingWork('m1', 0)).dirty).toEqual([
      { faceId: faceIds[0], componentId: c1 },
      { faceId: faceIds[3], componentId: null },
    ]);
    await repo.saveGroupingComponents({
      model: 'm1',
      radius: 0.1,
      settings: 's',
      removed: [],
      added: [],
      settled: [faceIds[0]],
    });
    expect((await repo.groupingWork('m1', 0)).dirty).toEqual([{ faceId: faceIds[3], componentId: null }]);
  });

  it('keeps each face in the component that lists it, whatever order the components list faces in', async () => {
    const repo = await connect();
    const { faceIds } = await itemWithFaces(repo, 4);
    const [c1, c2] = await repo.saveGroupingComponents({
      model: 'm1',
      radius: 0.2,
      settings: 's',
      removed: [],
      added: [cone(1, [faceIds[3], faceIds[0]]), cone(2, [faceIds[2], faceIds[1]])],
      settled: [],
    });
    expect((await repo.facesForGroupingIn('m1', { faceIds })).map((f) => [f.id, f.componentId])).toEqual([
      [faceIds[0], c1],
      [faceIds[1], c2],
      [faceIds[2], c2],
      [faceIds[3], c1],
    ]);
  });

  it('takes id lists longer than one SQL Server statement allows', async () => {
    const repo = await connect();
    const { faceIds } = await itemWithFaces(repo, 2);
    const unknown = Array.from({ length: 25_000 }, (_, i) => 900_000 + i);
    const [c1] = await repo.saveGroupingComponents({
      model: 'm1',
      radius: 0.1,
      settings: 's',
      removed: [],
      added: [cone(1, [...faceIds, ...unknown]), ...Array.from({ length: 600 }, (_, k) => cone(k, [800_000 + k]))],
      settled: unknown,
    });
    expect((await repo.groupingCones('m1')).length).toBe(601);
    expect((await repo.facesForGroupingIn('m1', { faceIds: unknown, componentIds: [c1] })).map((f) => f.id)).toEqual(
      faceIds,
    );
    await repo.markGroupingDirty({ faceIds: unknown });
    expect((await repo.groupingWork('m1', 0)).dirty).toHaveLength(25_000);
  });

  it('changes the fingerprint of a selection when its faces, their persons or dirty marks change, and only then', async () => {
    const repo = await connect();
    const { faceIds } = await itemWithFaces(repo, 4);
    const [p1, p2] = await repo.createPersons(2);
    await repo.assignFaces([{ faceId: faceIds[1], personId: p1 }]);
    const selection = { faceIds: [faceIds[0]], personIds: [p1] };
    const seen = [await repo.groupingFingerprintOf('m1', selection)];
    const changes = async (action: () => Promise<unknown>) => {
      await action();
      const fp = await repo.groupingFingerprintOf('m1', selection);
      expect(seen).not.toContain(fp);
      seen.push(fp);
    };
    const same = async (action: () => Promise<unknown>) => {
      await action();
      expect(await repo.groupingFingerprintOf('m1', selection)).toBe(seen.at(-1));
    };
    await same(() => repo.assignFaces([{ faceId: faceIds[3], personId: p2 }])); // outside the selection
    await changes(() => repo.assignFaces([{ faceId: faceIds[0], personId: p2 }]));
    await changes(() => repo.assignFaces([{ faceId: faceIds[2], personId: p1 }])); // joins a selected person
    await changes(() => repo.markFacesGrouped([faceIds[1]]));
    await changes(() => repo.updatePerson(p1, { name: 'Ada' }));
    await changes(() => repo.markGroupingDirty({ faceIds: [faceIds[3]] }));
    await changes(() => repo.rejectFaces([faceIds[1]]));
    await same(() => repo.facesForGroupingIn('m1', { faceIds }));
    await repo.transaction(async (tx) => {
      expect(await tx.groupingFingerprintOf('m1', selection, { holdForWrite: true })).toBe(seen.at(-1));
    });
  });
}
