import { describe, expect, it } from 'vitest';
import type { GroupDecision } from '../../src/clustering/group.js';
import { assignmentChanges, keptPersons, type CurrentFace } from '../../src/clustering/reconcile.js';

const faces = (current: Record<string, number | null>): CurrentFace<string>[] =>
  Object.entries(current).map(([id, personId]) => ({ id, personId }));
const decision = (
  newClusters: string[][],
  noise: string[] = [],
  assignments: { faceId: string; personId: number }[] = [],
): GroupDecision<string, number> => ({
  assignments,
  newClusters,
  noise,
});
const none = new Set<number>();

describe('keptPersons', () => {
  it('keeps the person sharing the most faces with each cluster; clusters with no overlap get new persons', () => {
    const current = faces({ a: 1, b: 1, c: 2, d: null, e: 2, f: 2, g: null });
    // Cluster 0 has two faces of person 1 and one of person 2; cluster 1 has two of person 2.
    const d = decision([['a', 'b', 'c'], ['e', 'f', 'd'], ['g']]);
    expect(keptPersons({ faces: current, decision: d, protectedPersons: none })).toEqual([1, 2, null]);
  });

  it('reuses each person for one cluster only, greedy by overlap size', () => {
    // Person 5 split in two: the larger part keeps it, the smaller becomes a new person.
    const current = faces({ a: 5, b: 5, c: 5, d: 5, e: 5 });
    expect(
      keptPersons({
        faces: current,
        decision: decision([
          ['a', 'b'],
          ['c', 'd', 'e'],
        ]),
        protectedPersons: none,
      }),
    ).toEqual([null, 5]);
  });

  it('breaks ties by the lower person id, then the earlier cluster', () => {
    // One cluster, two faces each of persons 9 and 4: person 4 is kept.
    expect(
      keptPersons({
        faces: faces({ a: 9, b: 9, c: 4, d: 4 }),
        decision: decision([['a', 'b', 'c', 'd']]),
        protectedPersons: none,
      }),
    ).toEqual([4]);
    // Person 3 split evenly between two clusters: the earlier cluster keeps it.
    expect(
      keptPersons({ faces: faces({ a: 3, b: 3 }), decision: decision([['b'], ['a']]), protectedPersons: none }),
    ).toEqual([3, null]);
    // A later cluster with a bigger overlap wins the person even over an earlier one.
    expect(
      keptPersons({
        faces: faces({ a: 3, b: 3, c: 3 }),
        decision: decision([['a'], ['b', 'c']]),
        protectedPersons: none,
      }),
    ).toEqual([null, 3]);
  });

  it('falls back to the next best person when the best is taken', () => {
    // Cluster 0: 3 of person 1. Cluster 1: 2 of person 1, 1 of person 2 -> person 2.
    const current = faces({ a: 1, b: 1, c: 1, d: 1, e: 1, f: 2 });
    expect(
      keptPersons({
        faces: current,
        decision: decision([
          ['a', 'b', 'c'],
          ['d', 'e', 'f'],
        ]),
        protectedPersons: none,
      }),
    ).toEqual([1, 2]);
  });

  it('never reuses a person that owns verified faces', () => {
    const current = faces({ a: 7, b: 7, c: 8 });
    expect(
      keptPersons({ faces: current, decision: decision([['a', 'b', 'c']]), protectedPersons: new Set([7]) }),
    ).toEqual([8]);
    expect(keptPersons({ faces: current, decision: decision([['a', 'b']]), protectedPersons: new Set([7]) })).toEqual([
      null,
    ]);
  });
});

describe('assignmentChanges', () => {
  it('lists only the faces whose person differs, in input order', () => {
    const current = faces({ a: 1, b: 1, c: 2, d: null, e: 3, f: null });
    const d = decision([['a', 'b', 'd'], ['c']], ['e'], [{ faceId: 'f', personId: 7 }]);
    expect(assignmentChanges(current, d, [1, 40]).toArray()).toEqual([
      { faceId: 'c', from: 2, to: 40 },
      { faceId: 'd', from: null, to: 1 },
      { faceId: 'e', from: 3, to: null },
      { faceId: 'f', from: null, to: 7 },
    ]);
  });

  it('changes nothing when the decision matches the current assignment', () => {
    const current = faces({ a: 1, b: 1, c: null });
    const d = decision([['a', 'b']], ['c']);
    const kept = keptPersons({ faces: current, decision: d, protectedPersons: none });
    expect(kept).toEqual([1]);
    expect(assignmentChanges(current, d, kept as number[]).length).toBe(0);
  });

  it('refuses a face the decision does not cover, or a person count that does not fit', () => {
    expect(() => assignmentChanges(faces({ a: null, z: null }), decision([['a']]), [1])).toThrow(/not in the decision/);
    expect(() => assignmentChanges(faces({ a: null }), decision([['a']]), [])).toThrow(/1 clusters but 0 persons/);
  });
});
