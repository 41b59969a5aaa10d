/**
 * Writing a decision (applyPlan) on a real SQLite library larger than one part of the assignment
 * writes (10,000 faces): every change reaches the database, however the writes are split, and the
 * summary counts new and moved faces from the changes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { GroupDecision } from '../../src/clustering/group.js';
import { openRepository } from '../../src/data/open-repository.js';
import type { Repository } from '../../src/data/repository.js';
import { applyPlan, groupingFacesOf, type Plan } from '../../src/pipeline/group-apply.js';
import { newFace } from '../data/repository.contract.js';

const FACES = 10_050;
const FIRST = 6_000;

const dirs: string[] = [];
const repos: Repository[] = [];
afterEach(async () => {
  for (const r of repos.splice(0)) await r.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function libraryOf(count: number): Promise<Repository> {
  const dir = mkdtempSync(join(tmpdir(), 'frs-apply-'));
  dirs.push(dir);
  const repo = await openRepository(join(dir, 'frs.db'));
  repos.push(repo);
  // Several photos: one item's faces must fit in a statement; 1,005 faces each.
  for (let photo = 0; photo < 10; photo++) {
    const { mediaItemId } = await repo.registerMediaFile({
      filePath: `/p/${photo}.jpg`,
      fileName: `${photo}.jpg`,
      extension: '.jpg',
    });
    await repo.claimPendingItems('w', 1, 60, 3);
    await repo.completeItem(
      mediaItemId,
      'w',
      Array.from({ length: count / 10 }, (_, i) =>
        newFace({
          boundingBox: [i * 200, 0, i * 200 + 100, 100],
          embedding: Float32Array.from({ length: 8 }, (_, k) => Math.cos(photo * 1000 + i + k)),
          embeddingModel: 'm1',
        }),
      ),
    );
  }
  return repo;
}

function planOf(
  faces: Awaited<ReturnType<Repository['facesForGrouping']>>,
  clusters: number[][],
  kept: Array<number | null>,
  noise: number[] = [],
): Plan {
  const decision: GroupDecision<number, number> = { assignments: [], newClusters: clusters, noise };
  return {
    verified: [],
    toGroup: groupingFacesOf(faces),
    others: [],
    decision,
    kept,
    cannotLink: () => false,
    newlyGrouped: faces.filter((f) => !f.grouped).map((f) => f.id),
  };
}

describe('applyPlan', () => {
  it('writes every assignment of a decision larger than one write part, and counts moved faces', async () => {
    const repo = await libraryOf(FACES);
    const faces = await repo.facesForGrouping('m1');
    expect(faces).toHaveLength(FACES);
    const ids = faces.map((f) => f.id);

    const first = await repo.transaction((tx) =>
      applyPlan(tx, planOf(faces, [ids.slice(0, FIRST), ids.slice(FIRST)], [null, null]), false),
    );
    expect(first).toMatchObject({
      faces: FACES,
      newFaces: FACES,
      personsCreated: 2,
      facesAssigned: FACES,
      facesMoved: 0,
    });
    const grouped = await repo.facesForGrouping('m1');
    const personOf = new Map(grouped.map((f) => [f.id, f.personId]));
    const [a, b] = [personOf.get(ids[0])!, personOf.get(ids[FACES - 1])!];
    expect(a).not.toBe(b);
    expect(ids.filter((id, i) => personOf.get(id) !== (i < FIRST ? a : b))).toEqual([]);
    expect(grouped.every((f) => f.grouped)).toBe(true);

    // The last 50 of the first person move to the second; 10 faces become noise.
    const moved = ids.slice(FIRST - 50, FIRST);
    const noise = ids.slice(0, 10);
    const clusters = [ids.slice(10, FIRST - 50), [...moved, ...ids.slice(FIRST)]];
    const again = await repo.transaction((tx) => applyPlan(tx, planOf(grouped, clusters, [a, b], noise), false));
    expect(again).toMatchObject({ personsCreated: 0, personsKept: 2, facesAssigned: 0, facesMoved: 60, noise: 10 });
    const after = new Map((await repo.facesForGrouping('m1')).map((f) => [f.id, f.personId]));
    expect(moved.every((id) => after.get(id) === b)).toBe(true);
    expect(noise.every((id) => after.get(id) === null)).toBe(true);
    expect(ids.slice(FIRST).every((id) => after.get(id) === b)).toBe(true);
    expect(ids.slice(10, FIRST - 50).every((id) => after.get(id) === a)).toBe(true);
  });
});
