import { describe, expect, it } from 'vitest';
import { canonicalOrder } from '../../src/clustering/canonical-order.js';
import { groupFaces, type GroupDecision, type GroupOptions } from '../../src/clustering/group.js';
import { seededRandom } from '../../src/clustering/random.js';
import { syntheticFaces } from './synthetic.js';

/** The decision as a set of sets of embeddings' indices, whatever ids and order the faces had. */
function partition(decision: GroupDecision<number, string>, indexOf: (id: number) => number) {
  const key = (ids: number[]) =>
    ids
      .map(indexOf)
      .sort((a, b) => a - b)
      .join(',');
  return {
    assignments: decision.assignments.map((a) => `${indexOf(a.faceId)}->${a.personId}`).sort(),
    clusters: decision.newClusters.map(key).sort(),
    noise: key(decision.noise),
  };
}

function shuffle<T>(items: T[], seed: number): T[] {
  const random = seededRandom(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

describe('groupFaces is a function of the set of embeddings', () => {
  // Loose clusters with chaining, border faces and noise: the cases where DBSCAN's input order matters.
  const { embeddings, labels } = syntheticFaces({
    identities: 15,
    facesPerIdentity: 12,
    dim: 32,
    sigma: 0.07,
    hardShare: 0.15,
    hardFactor: 2,
    strangers: 10,
    seed: 3,
  });
  const known = embeddings.flatMap((embedding, i) =>
    labels[i] < 3 && i % 4 === 0 ? [{ personId: `person-${labels[i]}`, embedding }] : [],
  );
  const faces = embeddings
    .map((embedding, i) => ({ index: i, embedding }))
    .filter((f) => !(labels[f.index] < 3 && f.index % 4 === 0));
  const options: GroupOptions = { threshold: 0.75, mode: 'centroid', eps: 0.3, minPts: 3 };

  it('gives the same partition for shuffled input and other face ids', () => {
    const reference = groupFaces(
      known,
      faces.map((f) => ({ id: f.index, embedding: f.embedding })),
      options,
    );
    const referencePartition = partition(reference, (id) => id);
    expect(reference.newClusters.length).toBeGreaterThan(3);
    expect(reference.noise.length).toBeGreaterThan(0);
    expect(reference.assignments.length).toBeGreaterThan(0);
    for (const seed of [1, 2, 3, 4, 5]) {
      // New ids that sort differently from the original order, and a shuffled arrival order.
      const renamed = shuffle(faces, seed).map((f, k) => ({
        id: 10_000 - k * 7,
        embedding: f.embedding,
        index: f.index,
      }));
      const indexOf = new Map(renamed.map((f) => [f.id, f.index]));
      const decision = groupFaces(shuffle(known, seed + 100), renamed, options);
      expect(partition(decision, (id) => indexOf.get(id)!)).toEqual(referencePartition);
    }
  });

  it('gives a border face between two clusters the same cluster whatever the order', () => {
    // DBSCAN gives a border face to the cluster numbered first, i.e. seen first in input order.
    const at = (degrees: number) =>
      Float32Array.of(Math.cos((degrees * Math.PI) / 180), Math.sin((degrees * Math.PI) / 180), 0);
    const a = [0, 1, 2, 3].map((d) => ({ id: `a${d}`, embedding: at(d) }));
    const b = [20, 21, 22, 23].map((d) => ({ id: `b${d}`, embedding: at(d) }));
    const border = { id: 'x', embedding: at(11.5) }; // 8.5 degrees from a3 and from b20, too few neighbours to be core
    const opts: GroupOptions = { threshold: 1, eps: 1 - Math.cos((9 * Math.PI) / 180), minPts: 4 };
    const clusterOfX = (faces: typeof a) => {
      const cluster = groupFaces<string, string>([], faces, opts).newClusters.find((c) => c.includes('x'));
      return cluster?.includes('a0') ? 'a' : cluster?.includes('b20') ? 'b' : 'none';
    };
    const first = clusterOfX([...a, ...b, border]);
    expect(first).not.toBe('none');
    expect(clusterOfX([...b, ...a, border])).toBe(first);
    expect(clusterOfX([border, ...b, ...a])).toBe(first);
  });

  it('reports everything in input order', () => {
    const input = shuffle(faces, 9).map((f) => ({ id: f.index, embedding: f.embedding }));
    const position = new Map(input.map((f, k) => [f.id, k]));
    const decision = groupFaces(known, input, options);
    const ascending = (ids: number[]) => expect(ids).toEqual([...ids].sort((a, b) => a - b));
    ascending(decision.assignments.map((a) => position.get(a.faceId)!));
    ascending(decision.noise.map((id) => position.get(id)!));
    for (const cluster of decision.newClusters) ascending(cluster.map((id) => position.get(id)!));
    ascending(decision.newClusters.map((c) => position.get(c[0])!));
  });

  it('puts any permutation of a set in the same order; equal embeddings by input position', () => {
    const set = faces.slice(0, 50).map((f) => f.embedding);
    const inOrder = (embeddings: Float32Array[]) => canonicalOrder(embeddings).map((i) => embeddings[i]);
    expect(inOrder(shuffle(set, 4))).toEqual(inOrder(set));
    const a = Float32Array.of(0.6, 0.8),
      b = Float32Array.of(0.8, 0.6),
      same = Float32Array.of(0.6, 0.8);
    const order = canonicalOrder([a, b, same]);
    expect(order.indexOf(0)).toBeLessThan(order.indexOf(2));
    expect(canonicalOrder([])).toEqual([]);
  });
});
