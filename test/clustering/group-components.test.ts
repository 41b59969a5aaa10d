/**
 * groupFaces with component labels (GroupHints: the DBSCAN passes search one component at a
 * time, as a full recluster does after computing the grouping index) must decide exactly as
 * without them: the same assignments, clusters in the same order, the same noise, second chance,
 * noise pass and unmerged clusters, with every quality rule on.
 */
import { describe, expect, it } from 'vitest';
import { normalise } from '../../src/clustering/cosine.js';
import { componentLabels, componentMembers } from '../../src/clustering/components.js';
import { clustersOf, dbscan, dbscanByGroups } from '../../src/clustering/dbscan.js';
import { groupFaces, type GroupOptions } from '../../src/clustering/group.js';
import { interactionRadius } from '../../src/clustering/interaction-radius.js';
import { seededRandom } from '../../src/clustering/random.js';
import { syntheticFaces } from './synthetic.js';

function library(seed: number) {
  const { embeddings } = syntheticFaces({
    identities: 16,
    facesPerIdentity: 9,
    dim: 24,
    sigma: (identity, random) => 0.06 + 0.05 * random(),
    hardShare: 0.2,
    hardFactor: 2.5,
    strangers: 15,
    seed,
    shuffle: true,
  });
  // Exact duplicates: ties between clusters and persons.
  for (let k = 0; k < 5; k++) embeddings.push(embeddings[k * 11]);
  return embeddings;
}

const OPTION_SETS: GroupOptions[] = [
  {
    threshold: 0.8,
    eps: 0.2,
    minPts: 2,
    mode: 'centroid',
    mergeThreshold: 0.9,
    noiseEps: 0.3,
    lowQualityThreshold: 0.85,
  },
  { threshold: 0.75, eps: 0.15, minPts: 3, mode: 'centroid', mergeThreshold: 0.85, noiseEps: 0.25 },
  { threshold: 0.85, eps: 0.25, minPts: 2, mode: 'centroid', lowQualityThreshold: 0.9 },
  { threshold: 0.8, eps: 0.2, minPts: 2, mode: 'nearest-face', noiseEps: 0.28, lowQualityThreshold: 0.88 },
];

describe('groupFaces with component labels equals groupFaces without them', () => {
  for (const [o, options] of OPTION_SETS.entries()) {
    it(`options ${o}: verified persons, low-quality faces, cannot-links, 4 libraries`, () => {
      const seen = { components: 0, clusters: 0, noise: 0, secondChance: 0, noisePass: 0 };
      for (const seed of [1, 2, 3, 4]) {
        const embeddings = library(seed);
        const random = seededRandom(seed * 97 + o);
        const known: { personId: number; embedding: Float32Array }[] = [];
        const unassigned: { id: number; embedding: Float32Array; lowQuality: boolean }[] = [];
        embeddings.forEach((embedding, index) => {
          if (random() < 0.12) known.push({ personId: 100 + Math.floor(random() * 5), embedding });
          else unassigned.push({ id: 1000 + index, embedding, lowQuality: random() < 0.2 });
        });
        const excluded = new Set<string>();
        for (const f of unassigned) if (random() < 0.1) excluded.add(`${f.id}:${100 + Math.floor(random() * 5)}`);
        const constraints = { cannotLink: (faceId: number, personId: number) => excluded.has(`${faceId}:${personId}`) };

        // The labels a recluster computes: components of every face at the interaction radius.
        const labels = componentLabels(
          unassigned.map((f) => f.embedding),
          interactionRadius(options)!,
        );
        const whole = groupFaces(known, unassigned, options, constraints);
        const byComponents = groupFaces(known, unassigned, options, constraints, { components: labels });
        expect(byComponents).toEqual(whole);
        seen.components += componentMembers(labels).length;
        seen.clusters += whole.newClusters.length;
        seen.noise += whole.noise.length;
        seen.secondChance += whole.secondChance?.length ?? 0;
        seen.noisePass += whole.noisePass?.length ?? 0;
      }
      // Not a trivial case: several components, clusters, noise and each rule at work.
      expect(seen.components).toBeGreaterThan(20);
      expect(seen.clusters).toBeGreaterThan(12);
      expect(seen.noise).toBeGreaterThan(0);
      expect(seen.secondChance).toBeGreaterThan(0);
      if (options.noiseEps !== undefined) expect(seen.noisePass).toBeGreaterThan(0);
    });
  }

  it('clusters of different components merged by their means come out the same', () => {
    // Two tight clusters 30 degrees apart: no two faces within eps (components apart), means
    // within the merge threshold (one person).
    const dim = 24;
    const random = seededRandom(7);
    const face = (angle: number) => {
      const v = new Float32Array(dim);
      v[0] = Math.cos(angle);
      v[1] = Math.sin(angle);
      for (let k = 2; k < dim; k++) v[k] = 0.01 * (random() - 0.5);
      return normalise(v);
    };
    const embeddings = [...Array.from({ length: 5 }, () => face(0)), ...Array.from({ length: 5 }, () => face(0.52))];
    const options: GroupOptions = { threshold: 0.95, eps: 0.05, minPts: 2, mode: 'centroid', mergeThreshold: 0.7 };
    const unassigned = embeddings.map((embedding, id) => ({ id, embedding }));
    const labels = componentLabels(embeddings, interactionRadius(options)!);
    expect(componentMembers(labels)).toHaveLength(2);
    const whole = groupFaces([], unassigned, options);
    expect(whole.newClusters).toEqual([[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]]);
    expect(groupFaces([], unassigned, options, {}, { components: labels })).toEqual(whole);
  });

  it('refuses labels that do not cover the faces', () => {
    const embeddings = library(1).slice(0, 10);
    const faces = embeddings.map((embedding, id) => ({ id, embedding }));
    expect(() => groupFaces([], faces, OPTION_SETS[0], {}, { components: new Int32Array(9) })).toThrow(/9 faces/);
  });
});

describe('dbscanByGroups equals dbscan', () => {
  for (const minPts of [1, 2, 3, 5]) {
    it(`minPts ${minPts}: labels, cluster order and borders`, () => {
      const points = library(minPts + 10);
      for (const eps of [0.12, 0.2, 0.3]) {
        const groups = componentLabels(points, eps + 1e-6);
        const whole = dbscan(points, eps, minPts);
        expect(Array.from(dbscanByGroups(points, eps, minPts, groups))).toEqual(Array.from(whole));
        expect(clustersOf(whole).clusters.length).toBeGreaterThan(1);
      }
    });
  }
});
