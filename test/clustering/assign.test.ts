import { describe, expect, it } from 'vitest';
import { assignToPersons } from '../../src/clustering/assign.js';
import { centroid, dot, normalise } from '../../src/clustering/cosine.js';
import { syntheticFaces } from './synthetic.js';
import { FrsError } from '../../src/errors.js';

/** Unit vector in the x-y plane at `degrees` from the x axis. */
const at = (degrees: number) =>
  normalise(Float32Array.of(Math.cos((degrees * Math.PI) / 180), Math.sin((degrees * Math.PI) / 180), 0));

describe('assignToPersons', () => {
  it('joins at the threshold and not below it', () => {
    const known = [{ personId: 'p', embedding: at(0) }];
    const faces = [
      { id: 1, embedding: at(30) },
      { id: 2, embedding: at(31) },
    ];
    const exact = dot(at(0), at(30));
    const result = assignToPersons(known, faces, { threshold: exact });
    expect(result.assignments).toEqual([{ faceId: 1, personId: 'p', similarity: exact }]);
    expect(result.leftovers.map((f) => f.id)).toEqual([2]);
    expect(assignToPersons(known, faces, { threshold: exact + Number.EPSILON }).assignments).toEqual([]);
  });

  it('picks the most similar person', () => {
    const known = [
      { personId: 'a', embedding: at(0) },
      { personId: 'b', embedding: at(40) },
    ];
    const result = assignToPersons(known, [{ id: 'f', embedding: at(25) }], { threshold: 0.5 });
    expect(result.assignments.map((a) => a.personId)).toEqual(['b']);
  });

  it('nearest-face and centroid modes disagree when one person is spread out', () => {
    // Person a: faces at 0 and 60 degrees (centroid at 30). Person b: one face at 95.
    const known = [
      { personId: 'a', embedding: at(0) },
      { personId: 'a', embedding: at(60) },
      { personId: 'b', embedding: at(95) },
    ];
    const face = [{ id: 1, embedding: at(75) }];
    expect(assignToPersons(known, face, { threshold: 0.9, mode: 'nearest-face' }).assignments[0].personId).toBe('a'); // 15 deg from a's face
    expect(assignToPersons(known, face, { threshold: 0.9, mode: 'centroid' }).assignments[0].personId).toBe('b'); // 20 deg vs 45 deg
  });

  it('breaks exact ties towards the person listed first', () => {
    const known = [
      { personId: 'late', embedding: at(10) },
      { personId: 'early', embedding: at(-10) },
    ];
    const faces = [{ id: 1, embedding: at(0) }];
    expect(assignToPersons(known, faces, { threshold: 0.5 }).assignments[0].personId).toBe('late');
    expect(assignToPersons([...known].reverse(), faces, { threshold: 0.5 }).assignments[0].personId).toBe('early');
  });

  it('agrees with a brute-force best match on many faces, in both modes', () => {
    const { embeddings, labels } = syntheticFaces({
      identities: 30,
      facesPerIdentity: 12,
      dim: 64,
      sigma: 0.07,
      hardShare: 0.15,
      seed: 6,
    });
    const known = embeddings.flatMap((embedding, i) => (i % 12 < 6 ? [{ personId: `p${labels[i]}`, embedding }] : []));
    const faces = embeddings.flatMap((embedding, i) => (i % 12 >= 6 ? [{ id: i, embedding }] : []));
    const persons = [...new Set(known.map((k) => k.personId))];
    for (const mode of ['nearest-face', 'centroid'] as const) {
      for (const threshold of [0.5, 0.7, 0.8]) {
        const score = (face: Float32Array, person: string) => {
          const mine = known.filter((k) => k.personId === person).map((k) => k.embedding);
          return mode === 'centroid' ? dot(face, centroid(mine)) : Math.max(...mine.map((e) => dot(face, e)));
        };
        const expected = faces.flatMap((f) => {
          let best: string | undefined,
            bestScore = -Infinity;
          for (const p of persons)
            if (score(f.embedding, p) > bestScore) [best, bestScore] = [p, score(f.embedding, p)];
          return bestScore >= threshold ? [{ faceId: f.id, personId: best! }] : [];
        });
        const result = assignToPersons(known, faces, { threshold, mode });
        expect(
          result.assignments.map(({ faceId, personId }) => ({ faceId, personId })),
          `${mode} at ${threshold}`,
        ).toEqual(expected);
        expect(result.leftovers.length + result.assignments.length).toBe(faces.length);
      }
    }
  });

  it('leaves everything over when there are no persons, keeping input order', () => {
    const faces = [3, 1, 2].map((id) => ({ id, embedding: at(id) }));
    expect(assignToPersons([], faces, { threshold: 0.1 })).toEqual({ assignments: [], leftovers: faces });
  });

  it('refuses an out-of-range threshold or unknown mode', () => {
    expect(() => assignToPersons([], [], { threshold: 1.5 })).toThrow(FrsError);
    expect(() => assignToPersons([], [], { threshold: 0.5, mode: 'medoid' as never })).toThrow(/mode/);
  });
});
