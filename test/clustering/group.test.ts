import { describe, expect, it } from 'vitest';
import { groupFaces, type GroupOptions } from '../../src/clustering/group.js';
import { FrsError } from '../../src/errors.js';
import { syntheticFaces } from './synthetic.js';

/**
 * 12 identities x 10 faces. Identities 0-3 are known persons (5 faces each on record);
 * their other faces and all faces of identities 4-11 arrive unassigned, plus 6 strangers.
 */
function scenario() {
  const { embeddings, labels } = syntheticFaces({
    identities: 12,
    facesPerIdentity: 10,
    dim: 128,
    sigma: 0.035,
    strangers: 6,
    seed: 17,
  });
  const known: { personId: string; embedding: Float32Array }[] = [];
  const unassigned: { id: number; embedding: Float32Array; identity: number }[] = [];
  embeddings.forEach((embedding, i) => {
    if (labels[i] < 4 && i % 10 < 5) known.push({ personId: `person-${labels[i]}`, embedding });
    else unassigned.push({ id: 1000 + i, embedding, identity: labels[i] });
  });
  // Interleave so that no identity arrives in one block.
  unassigned.sort((a, b) => ((a.id * 7919) % 101) - ((b.id * 7919) % 101) || a.id - b.id);
  return { known, unassigned };
}

const options: GroupOptions = { threshold: 0.8, eps: 0.2, minPts: 2 };

describe('groupFaces', () => {
  it('joins faces of known persons, clusters the new identities, and leaves strangers as noise', () => {
    const { known, unassigned } = scenario();
    const decision = groupFaces(known, unassigned, options);
    const identityOf = new Map(unassigned.map((f) => [f.id, f.identity]));

    expect(decision.assignments).toHaveLength(20);
    for (const a of decision.assignments) expect(a.personId).toBe(`person-${identityOf.get(a.faceId)}`);

    expect(decision.newClusters).toHaveLength(8);
    for (const cluster of decision.newClusters) {
      expect(cluster).toHaveLength(10);
      expect(new Set(cluster.map((id) => identityOf.get(id))).size).toBe(1);
    }
    expect(decision.noise.map((id) => identityOf.get(id)).sort()).toEqual([12, 13, 14, 15, 16, 17]);

    // Every face accounted for exactly once, and only given ids used.
    const used = [...decision.assignments.map((a) => a.faceId), ...decision.newClusters.flat(), ...decision.noise];
    expect(used.sort()).toEqual(unassigned.map((f) => f.id).sort());
  });

  it('is deterministic and keeps input order inside each new cluster', () => {
    const { known, unassigned } = scenario();
    const first = groupFaces(known, unassigned, options);
    expect(groupFaces(known, unassigned, options)).toEqual(first);
    const position = new Map(unassigned.map((f, i) => [f.id, i]));
    for (const cluster of first.newClusters) {
      const positions = cluster.map((id) => position.get(id)!);
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
    }
    const firsts = first.newClusters.map((c) => position.get(c[0])!);
    expect(firsts).toEqual([...firsts].sort((a, b) => a - b));
  });

  it('with no persons everything goes to DBSCAN; minPts above every neighbourhood leaves only noise', () => {
    const { unassigned } = scenario();
    const decision = groupFaces([], unassigned, { ...options, minPts: 11 });
    expect(decision.assignments).toEqual([]);
    expect(decision.newClusters).toEqual([]);
    expect(decision.noise).toHaveLength(unassigned.length);
  });

  it('clusters after UMAP when asked', () => {
    const { unassigned } = scenario();
    const newOnly = unassigned.filter((f) => f.identity >= 4 && f.identity < 12);
    const decision = groupFaces([], newOnly, { ...options, eps: 0.05, minPts: 3, umap: { dimensions: 8, seed: 5 } });
    const identityOf = new Map(newOnly.map((f) => [f.id, f.identity]));
    expect(decision.newClusters).toHaveLength(8);
    for (const cluster of decision.newClusters) expect(new Set(cluster.map((id) => identityOf.get(id))).size).toBe(1);
    // Fewer than three leftovers: UMAP is skipped rather than failing.
    expect(groupFaces([], newOnly.slice(0, 2), { ...options, umap: { dimensions: 8 } }).noise).toHaveLength(2);
  });

  it('refuses non-normalised embeddings and mismatched dimensions', () => {
    expect(() => groupFaces([], [{ id: 1, embedding: Float32Array.of(3, 4) }], options)).toThrow(FrsError);
    const unit2 = Float32Array.of(1, 0),
      unit3 = Float32Array.of(1, 0, 0);
    expect(() => groupFaces([{ personId: 1, embedding: unit3 }], [{ id: 1, embedding: unit2 }], options)).toThrow(
      /dimensions/,
    );
    expect(() => groupFaces([], [], { ...options, eps: 3 })).toThrow(/eps/);
  });
});
