/** The user's "not this person" in the pure grouping functions: matching, grouping, reconciliation. */
import { describe, expect, it } from 'vitest';
import { assignToPersons } from '../../src/clustering/assign.js';
import { normalise } from '../../src/clustering/cosine.js';
import { groupFaces } from '../../src/clustering/group.js';
import { assignmentChanges, keptPersons } from '../../src/clustering/reconcile.js';

const at = (degrees: number) =>
  normalise(Float32Array.of(Math.cos((degrees * Math.PI) / 180), Math.sin((degrees * Math.PI) / 180), 0));

describe('cannot-link', () => {
  it('sends a face to its best allowed person, or leaves it over', () => {
    const known = [
      { personId: 'a', embedding: at(0) },
      { personId: 'b', embedding: at(20) },
    ];
    const faces = [
      { id: 1, embedding: at(5) },
      { id: 2, embedding: at(2) },
    ];
    const allowed = (face: { id: number }, personId: string) => !(face.id === 1 && personId === 'a');
    const result = assignToPersons(known, faces, { threshold: 0.9, allowed });
    expect(result.assignments.map((a) => [a.faceId, a.personId])).toEqual([
      [1, 'b'],
      [2, 'a'],
    ]);
    const strict = assignToPersons(known, faces, { threshold: 0.9, allowed: (f) => f.id !== 1 });
    expect(strict.leftovers.map((f) => f.id)).toEqual([1]);
  });

  it('keeps groupFaces independent of input order with constraints', () => {
    const known = [{ personId: 7, embedding: at(0) }];
    const faces = [1, 2, 3, 4].map((id) => ({ id, embedding: at(id) }));
    const cannotLink = (faceId: number, personId: number) => faceId === 2 && personId === 7;
    const options = { threshold: 0.99, eps: 0.01, minPts: 2 };
    const forward = groupFaces(known, faces, options, { cannotLink });
    const backward = groupFaces(known, [...faces].reverse(), options, { cannotLink });
    expect(forward.assignments.map((a) => a.faceId)).not.toContain(2);
    expect(new Set(backward.assignments.map((a) => a.faceId))).toEqual(
      new Set(forward.assignments.map((a) => a.faceId)),
    );
    expect(backward.newClusters.map((c) => [...c].sort())).toEqual(forward.newClusters.map((c) => [...c].sort()));
  });

  it('never lets a face vote for, or land in, a person it was taken out of', () => {
    const current = [
      { id: 'x', personId: 5 },
      { id: 'y', personId: 5 },
      { id: 'z', personId: null },
    ];
    const decision = { assignments: [], newClusters: [['x', 'y', 'z']], noise: [] };
    const cannotLink = (faceId: string, personId: number) => faceId === 'x' && personId === 5;
    const kept = keptPersons({ faces: current, decision, protectedPersons: new Set(), cannotLink });
    expect(kept).toEqual([5]); // y keeps person 5; x does not count
    expect(assignmentChanges(current, decision, [5], cannotLink).toArray()).toEqual([
      { faceId: 'x', from: 5, to: null },
      { faceId: 'z', from: null, to: 5 },
    ]);
    // Only x would have voted for 5: the cluster gets a new person, and x may join it.
    const onlyX = keptPersons({
      faces: [
        { id: 'x', personId: 5 },
        { id: 'z', personId: null },
      ],
      decision: { assignments: [], newClusters: [['x', 'z']], noise: [] },
      protectedPersons: new Set(),
      cannotLink,
    });
    expect(onlyX).toEqual([null]);
  });
});
