import { describe, expect, it } from 'vitest';
import { ConeTree } from '../../src/clustering/cone-tree.js';
import { dot, normalise, type Embedding } from '../../src/clustering/cosine.js';
import { gaussian, seededRandom } from '../../src/clustering/random.js';
import { KernelMemory } from '../../src/clustering/simd/kernel-memory.js';
import { FrsError } from '../../src/errors.js';
import { bruteForcePairs, bruteForceWithin, pairsOf } from './brute-force.js';
import { randomUnit, syntheticFaces } from './synthetic.js';

const sortedPairs = (tree: ConeTree, eps: number) => pairsOf((cb) => tree.forEachPairWithin(eps, cb)).sort();

function expectSameAsBruteForce(points: Embedding[], epsValues: number[], options = {}): void {
  const tree = ConeTree.build(points, options);
  for (const eps of epsValues) {
    const pairs = sortedPairs(tree, eps);
    expect(new Set(pairs).size, `no pair reported twice (eps ${eps})`).toBe(pairs.length);
    expect(pairs, `pairs within ${eps}`).toEqual(bruteForcePairs(points, eps).sort());
    for (let q = 0; q < points.length; q += 17) {
      expect(tree.within(points[q], eps), `neighbours of ${q} within ${eps}`).toEqual(
        bruteForceWithin(points, points[q], eps),
      );
    }
  }
}

describe('ConeTree', () => {
  it('finds exactly the brute-force pairs on clustered 128-d faces', () => {
    const { embeddings } = syntheticFaces({
      identities: 60,
      facesPerIdentity: 12,
      dim: 128,
      sigma: 0.04,
      hardShare: 0.1,
      strangers: 30,
      seed: 7,
      shuffle: true,
    });
    expectSameAsBruteForce(embeddings, [0, 0.1, 0.2, 0.35, 0.6, 1, 2]);
  });

  it('reads rows that are views of one matrix in place, with the same results as copies', () => {
    const { embeddings } = syntheticFaces({
      identities: 40,
      facesPerIdentity: 12,
      dim: 64,
      sigma: 0.06,
      hardShare: 0.1,
      strangers: 20,
      seed: 9,
      shuffle: true,
    });
    // A library matrix lives in a kernel memory of its own (face-matrix.ts).
    const memory = new KernelMemory();
    const matrix = memory.f32(embeddings.length * 64);
    const views = embeddings.map((e, i) => {
      matrix.set(e, i * 64);
      return matrix.subarray(i * 64, (i + 1) * 64);
    });
    expectSameAsBruteForce(views, [0.1, 0.2, 0.4]);
    // In place: the tree adds its centres and row table there, not a copy of the rows.
    const before = memory.bytesInUse();
    const inPlace = ConeTree.build(views);
    expect(memory.bytesInUse() - before).toBeLessThan(matrix.byteLength);
    const eps = 0.25;
    // A join across memories (this matrix's, the common one) copies one tree into the other's.
    const across = (a: ConeTree, b: ConeTree) => pairsOf((cb) => a.forEachPairAcross(b, eps, cb)).sort();
    const copies = ConeTree.build(embeddings);
    const expected = across(ConeTree.build(embeddings), copies);
    expect(across(inPlace, copies)).toEqual(expected);
    expect(across(copies, inPlace)).toEqual(expected);
    // The matrix itself, without views: read in place too, the same pairs.
    const beforeOnMatrix = memory.bytesInUse();
    const onMatrix = ConeTree.buildOnMatrix(matrix, 64);
    expect(memory.bytesInUse() - beforeOnMatrix).toBeLessThan(matrix.byteLength);
    expect(sortedPairs(onMatrix, eps)).toEqual(bruteForcePairs(embeddings, eps).sort());
    // A plain matrix (no kernel memory) is copied: the same pairs.
    const plain = Float32Array.from(matrix);
    expect(sortedPairs(ConeTree.buildOnMatrix(plain, 64), eps)).toEqual(bruteForcePairs(embeddings, eps).sort());
    expect(() => ConeTree.buildOnMatrix(plain.subarray(0, 100), 64)).toThrow(FrsError);
    plain[3] = 2;
    expect(() => ConeTree.buildOnMatrix(plain, 64)).toThrow(/not L2-normalised/);
  });

  it('gives its kernel memory back on dispose, and refuses to search afterwards', () => {
    const normal = gaussian(seededRandom(21));
    const points = Array.from({ length: 300 }, () => randomUnit(32, normal));
    const memory = new KernelMemory();
    const matrix = memory.f32(points.length * 32);
    const views = points.map((p, i) => (matrix.set(p, i * 32), matrix.subarray(i * 32, (i + 1) * 32)));
    const before = memory.bytesInUse();
    const tree = ConeTree.build(views);
    expect(memory.bytesInUse()).toBeGreaterThan(before);
    expect(sortedPairs(tree, 0.5)).toEqual(bruteForcePairs(points, 0.5).sort());
    tree.dispose();
    tree.dispose();
    expect(memory.bytesInUse()).toBe(before);
    expect(() => tree.within(points[0], 0.5)).toThrow(/disposed/);
    expect(() => tree.forEachPairWithin(0.5, () => {})).toThrow(/disposed/);
  });

  it('finds exactly the brute-force pairs on uniform low-dimensional points, where many pairs sit near the radius', () => {
    const normal = gaussian(seededRandom(3));
    const points = Array.from({ length: 700 }, () => randomUnit(3, normal));
    expectSameAsBruteForce(points, [0.001, 0.01, 0.05, 0.3, 1.5], { leafSize: 8 });
  });

  it('handles duplicates, antipodes, oversized groups and tiny leaves', () => {
    const normal = gaussian(seededRandom(11));
    const base = randomUnit(16, normal);
    const opposite = base.map((v) => -v);
    const points = [
      ...Array.from({ length: 40 }, () => base.slice()),
      ...Array.from({ length: 10 }, () => opposite.slice()),
      ...Array.from({ length: 150 }, () => randomUnit(16, normal)),
    ];
    expectSameAsBruteForce(points, [0, 0.5, 1, 2], { leafSize: 3, groupRadius: 0.9 });
  });

  it('answers queries that are not in the index', () => {
    const { embeddings } = syntheticFaces({ identities: 30, facesPerIdentity: 10, dim: 64, sigma: 0.06, seed: 5 });
    const tree = ConeTree.build(embeddings);
    const normal = gaussian(seededRandom(99));
    for (let k = 0; k < 30; k++) {
      const query = k % 2 ? randomUnit(64, normal) : normalise(embeddings[k * 7].map((v) => v + 0.03 * normal()));
      for (const eps of [0.15, 0.4, 1.1])
        expect(tree.within(query, eps)).toEqual(bruteForceWithin(embeddings, query, eps));
    }
  });

  it('joins two indexes exactly like brute force', () => {
    const a = syntheticFaces({
      identities: 40,
      facesPerIdentity: 8,
      dim: 128,
      sigma: 0.045,
      hardShare: 0.1,
      strangers: 10,
      seed: 41,
    }).embeddings;
    const b = syntheticFaces({
      identities: 40,
      facesPerIdentity: 8,
      dim: 128,
      sigma: 0.045,
      hardShare: 0.1,
      seed: 41,
    }).embeddings.map((e, i) => (i % 3 ? e : e.map((v) => -v)));
    const treeA = ConeTree.build(a),
      treeB = ConeTree.build(b, { leafSize: 5 });
    for (const eps of [0, 0.15, 0.3, 1, 2]) {
      const expected = a.flatMap((_, i) => bruteForceWithin(b, a[i], eps).map((j) => `${i},${j}`)).sort();
      const found: string[] = [];
      let wrongSimilarities = 0;
      treeA.forEachPairAcross(treeB, eps, (i, j, similarity) => {
        if (similarity !== dot(a[i], b[j])) wrongSimilarities++;
        found.push(`${i},${j}`);
      });
      expect(found.sort(), `pairs across within ${eps}`).toEqual(expected);
      expect(wrongSimilarities).toBe(0);
    }
    expect(() => treeA.forEachPairAcross(ConeTree.build([normalise(Float32Array.of(1, 2))]), 0.1, () => {})).toThrow(
      /dimension/,
    );
  });

  it('reports similarities with each neighbour', () => {
    const { embeddings } = syntheticFaces({ identities: 5, facesPerIdentity: 4, dim: 8, sigma: 0.05, seed: 2 });
    const tree = ConeTree.build(embeddings);
    tree.forEachWithin(embeddings[0], 0.3, (i, similarity) => {
      const expected = embeddings[0].reduce((s, v, k) => s + v * embeddings[i][k], 0);
      expect(similarity).toBeCloseTo(expected, 6);
    });
  });

  it('copes with empty and single-point input', () => {
    const empty = ConeTree.build([]);
    expect(empty.size).toBe(0);
    expect(sortedPairs(empty, 2)).toEqual([]);
    const one = ConeTree.build([normalise(Float32Array.of(1, 2, 3))]);
    expect(sortedPairs(one, 2)).toEqual([]);
    expect(one.within(normalise(Float32Array.of(1, 2, 3)), 0)).toEqual([0]);
  });

  it('refuses non-normalised, ragged or mismatched input with FrsError', () => {
    expect(() => ConeTree.build([Float32Array.of(1, 1)])).toThrow(FrsError);
    expect(() => ConeTree.build([Float32Array.of(1, 0), Float32Array.of(1, 0, 0)])).toThrow(/dimensions/);
    expect(() => ConeTree.build([Float32Array.of(1, 0)]).within(Float32Array.of(1, 0, 0), 0.1)).toThrow(/dimensions/);
  });
});
