import { describe, expect, it } from 'vitest';
import { decideByComponents } from '../../src/clustering/component-decision.js';
import {
  closureComponentLabels,
  coneMayReach,
  indexedComponentLabels,
  coneOf,
  componentLabels,
  componentMembers,
  reachableCones,
} from '../../src/clustering/components.js';
import { cosineDistance } from '../../src/clustering/cosine.js';
import { groupFaces, type GroupOptions } from '../../src/clustering/group.js';
import { centroidReach, interactionRadius } from '../../src/clustering/interaction-radius.js';
import { seededRandom } from '../../src/clustering/random.js';
import { syntheticFaces } from './synthetic.js';

/** Loose identities with chaining, hard faces and strangers; a few exact duplicates for ties. */
function library(seed: number) {
  const { embeddings, labels } = syntheticFaces({
    identities: 14,
    facesPerIdentity: 10,
    dim: 24,
    sigma: 0.08,
    hardShare: 0.15,
    hardFactor: 2.5,
    strangers: 12,
    seed,
    shuffle: true,
  });
  // Duplicates (the same photo imported twice): exact ties between known persons.
  for (let k = 0; k < 6; k++) embeddings.push(embeddings[k * 7]);
  return { embeddings, labels: [...labels, ...Array.from({ length: 6 }, (_, k) => labels[k * 7])] };
}

const OPTION_SETS: GroupOptions[] = [
  { threshold: 0.8, eps: 0.2, minPts: 2 },
  { threshold: 0.75, eps: 0.15, minPts: 3 },
  { threshold: 0.85, eps: 0.25, minPts: 4 },
];

describe('decideByComponents equals groupFaces over every face', () => {
  for (const [o, options] of OPTION_SETS.entries()) {
    for (const seed of [1, 2, 3]) {
      it(`options ${o}, seed ${seed}: verified persons (with ties), cannot-links`, () => {
        const { embeddings } = library(seed);
        const random = seededRandom(seed * 31 + o);
        // About 15% verified, in 6 persons; a duplicate may be verified as two persons (a tie).
        const known: { personId: number; embedding: Float32Array; index: number }[] = [];
        const unassigned: { id: number; embedding: Float32Array; index: number }[] = [];
        embeddings.forEach((embedding, index) => {
          if (random() < 0.15) known.push({ personId: 100 + Math.floor(random() * 6), embedding, index });
          else unassigned.push({ id: 1000 + index, embedding, index });
        });
        const excluded = new Set<string>();
        for (const f of unassigned) if (random() < 0.1) excluded.add(`${f.id}:${100 + Math.floor(random() * 6)}`);
        const constraints = { cannotLink: (faceId: number, personId: number) => excluded.has(`${faceId}:${personId}`) };

        const radius = interactionRadius(options)!;
        const labels = componentLabels(embeddings, radius);
        const whole = groupFaces(known, unassigned, options, constraints);
        const parts = decideByComponents(
          known,
          unassigned,
          { known: known.map((f) => labels[f.index]), unassigned: unassigned.map((f) => labels[f.index]) },
          options,
          constraints,
        );
        expect(parts).toEqual(whole);
        // Not a trivial case: several components, some clusters, some assignments.
        expect(componentMembers(labels).length).toBeGreaterThan(5);
        expect(whole.newClusters.length).toBeGreaterThan(0);
        expect(whole.assignments.length).toBeGreaterThan(0);
      });
    }
  }
});

describe('components and cones', () => {
  it('no edge within the radius crosses components, and cones never rule out a true neighbour', () => {
    const { embeddings } = library(9);
    const radius = 0.2;
    const labels = componentLabels(embeddings, radius);
    const members = componentMembers(labels);
    const cones = members.map((m) => coneOf(m.map((i) => embeddings[i])));
    for (let i = 0; i < embeddings.length; i++) {
      for (let j = i + 1; j < embeddings.length; j++) {
        if (cosineDistance(embeddings[i], embeddings[j]) <= radius) expect(labels[i]).toBe(labels[j]);
      }
      members.forEach((m, c) => {
        const reaches = m.some((j) => cosineDistance(embeddings[i], embeddings[j]) <= radius);
        if (reaches) expect(coneMayReach(cones[c], embeddings[i], radius)).toBe(true);
      });
    }
    // The cones do prune: most components are out of reach of a given face.
    const reachable = cones.filter((cone) => coneMayReach(cone, embeddings[0], radius)).length;
    expect(reachable).toBeLessThan(cones.length / 2);
  });

  it('finds the cones a batch of faces may reach as coneMayReach does, one dot per pair', () => {
    const { embeddings } = library(10);
    const radius = 0.2;
    const labels = componentLabels(embeddings.slice(20), radius);
    const cones = componentMembers(labels).map((m) => coneOf(m.map((i) => embeddings[20 + i])));
    const queries = embeddings.slice(0, 20);
    const expected = cones.flatMap((cone, c) => (queries.some((q) => coneMayReach(cone, q, radius)) ? [c] : []));
    expect(reachableCones(cones, queries, radius)).toEqual(expected);
  });

  it('labels a closure like componentLabels when stored components split and new faces join them', () => {
    for (const seed of [11, 12, 13]) {
      const { embeddings } = library(seed);
      const radius = 0.2;
      const stored = componentLabels(embeddings, radius);
      // A third of the faces are new (no stored component); some stored faces are gone, which can split a component.
      const random = seededRandom(seed);
      const kept = embeddings.map((e, i) => ({ e, i })).filter(() => random() > 0.1);
      const faces = kept.map(({ e, i }) => ({ embedding: e, group: random() < 0.33 ? null : stored[i] }));
      expect(closureComponentLabels(faces, radius)).toEqual(
        componentLabels(
          kept.map((k) => k.e),
          radius,
        ),
      );
    }
  });

  it('labels a library from components stored at a wider radius like componentLabels, new and gone faces included', () => {
    for (const seed of [14, 15, 16]) {
      const { embeddings } = library(seed);
      const random = seededRandom(seed);
      // Stored at 0.25 over most faces; the recluster runs at 0.2 and some faces are new or gone.
      const indexed = embeddings.filter(() => random() < 0.8);
      const stored = componentLabels(indexed, 0.25);
      const members = componentMembers(stored);
      const cones = members.map((m, c) => ({ ...coneOf(m.map((i) => indexed[i])), componentId: 100 + c }));
      const group = new Map(indexed.map((e, i) => [e, 100 + stored[i]]));
      const now = embeddings.filter(() => random() > 0.1);
      const faces = now.map((e) => ({ embedding: e, group: group.get(e) ?? null }));
      expect(indexedComponentLabels(faces, cones, 0.2, 1000)).toEqual(componentLabels(now, 0.2));
      expect(indexedComponentLabels(faces, cones, 0.2, 0)).toBeNull();
    }
  });

  it('UMAP has no interaction radius; centroid mode relates faces within eps, means within 1 - threshold', () => {
    expect(interactionRadius({ threshold: 0.9, eps: 0.05, minPts: 2, mode: 'centroid' })).toBeCloseTo(0.05, 5);
    expect(centroidReach({ threshold: 0.9, eps: 0.05, minPts: 2, mode: 'centroid' })).toBeCloseTo(0.1, 9);
    expect(centroidReach({ threshold: 0.9, eps: 0.05, minPts: 2 })).toBeNull();
    expect(interactionRadius({ threshold: 0.9, eps: 0.1, minPts: 2, umap: { dimensions: 4 } })).toBeNull();
    expect(
      interactionRadius({ threshold: 0.9, eps: 0.1, minPts: 2, mode: 'centroid', umap: { dimensions: 4 } }),
    ).toBeNull();
    expect(interactionRadius({ threshold: 0.9, eps: 0.3, minPts: 2 })).toBeCloseTo(0.3, 5);
    expect(interactionRadius({ threshold: 0.6, eps: 0.3, minPts: 2 })).toBeCloseTo(0.4, 5);
  });
});
