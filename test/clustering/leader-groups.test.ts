import { describe, expect, it } from 'vitest';
import { dotF32 } from '../../src/clustering/cosine.js';
import { leaderGroups, mergedLeaderGroups } from '../../src/clustering/leader-groups.js';
import { syntheticFaces } from './synthetic.js';

const dim = 128;
const minCos = 0.7;

/** Shuffled faces of `identities` people (face-to-identity cosine 0.9, face to face about 0.81), as one matrix. */
function library(identities: number, facesPerIdentity: number) {
  const { embeddings, labels } = syntheticFaces({
    identities,
    facesPerIdentity,
    dim,
    sigma: Math.sqrt((1 / 0.81 - 1) / dim),
    shuffle: true,
    seed: 11,
  });
  const rows = new Float32Array(embeddings.length * dim);
  embeddings.forEach((e, i) => rows.set(e, i * dim));
  const invNorm = Float64Array.from(embeddings, (e) => 1 / Math.sqrt(dotF32(e, 0, e, 0, dim)));
  return { rows, invNorm, labels };
}

describe('leader groups', () => {
  const identities = 1500;
  const { rows, invNorm, labels } = library(identities, 12);
  const n = labels.length;

  it('puts every row in exactly one group, within the radius of its leader', () => {
    const groups = leaderGroups(rows, invNorm, dim, minCos);
    const seen = new Uint8Array(n);
    for (const [leader, ...members] of groups) {
      seen[leader]++;
      for (const i of members) {
        seen[i]++;
        expect(dotF32(rows, i * dim, rows, leader * dim, dim) * invNorm[i] * invNorm[leader]).toBeGreaterThanOrEqual(
          minCos,
        );
      }
    }
    expect(Array.from(seen).every((times) => times === 1)).toBe(true);
  });

  it('finds the leaders of people met in random order (the hash tables, not the recent groups)', () => {
    const groups = leaderGroups(rows, invNorm, dim, minCos);
    // Every face here is within the radius of every other face of its person, so a face that
    // starts a group of its own is a leader the tables missed (1.4 groups per person today; with no
    // lookup at all, in random order, nearly one per face).
    expect(groups.length).toBeLessThan(1.6 * identities);
    expect(groups.length).toBeGreaterThanOrEqual(identities);
  });

  it('merges the groups of one person into one, and never two people', () => {
    const merged = mergedLeaderGroups(rows, invNorm, dim, minCos);
    const people = new Set<number>();
    for (const group of merged) {
      expect(new Set(group.map((i) => labels[i])).size).toBe(1);
      people.add(labels[group[0]]);
    }
    expect(people.size).toBe(identities);
    expect(merged.length).toBeLessThan(1.02 * identities);
  });
});
