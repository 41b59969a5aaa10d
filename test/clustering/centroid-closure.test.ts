/**
 * The geometric claims centroid-mode incremental grouping rests on (centroid-closure.ts): a
 * cluster's mean lies in its component's cone, so the cone bounds find every component whose
 * faces a mean reaches and every component whose clusters a noise face reaches.
 */
import { describe, expect, it } from 'vitest';
import {
  clusterMeans,
  conesCentroidsReach,
  dbscanNoise,
  joinedAlongMerges,
} from '../../src/clustering/centroid-closure.js';
import { componentLabels, componentMembers, coneOf } from '../../src/clustering/components.js';
import { dot } from '../../src/clustering/cosine.js';
import { groupFaces, type GroupOptions } from '../../src/clustering/group.js';
import { centroidReach, interactionRadius } from '../../src/clustering/interaction-radius.js';
import { syntheticFaces } from './synthetic.js';

const OPTIONS: GroupOptions[] = [
  { threshold: 0.8, eps: 0.15, minPts: 2, mode: 'centroid' },
  { threshold: 0.75, eps: 0.15, minPts: 3, mode: 'centroid' },
];

describe('centroid closure bounds', () => {
  for (const [o, options] of OPTIONS.entries()) {
    for (const seed of [1, 2, 3]) {
      it(`options ${o}, seed ${seed}: every mean-face match lies within the cone bounds`, () => {
        const { embeddings } = syntheticFaces({
          identities: 12,
          facesPerIdentity: 8,
          dim: 16,
          sigma: 0.12,
          hardShare: 0.2,
          hardFactor: 2.5,
          strangers: 15,
          seed,
          shuffle: true,
        });
        const labels = componentLabels(embeddings, interactionRadius(options)!);
        const members = componentMembers(labels);
        const cones = members.map((m) => coneOf(m.map((i) => embeddings[i])));
        const decision = groupFaces(
          [],
          embeddings.map((embedding, id) => ({ id, embedding })),
          options,
        );
        const means = clusterMeans(decision, (id) => embeddings[id]);
        const noise = dbscanNoise(decision);
        const reach = centroidReach(options)!;
        let matches = 0;
        const late = new Set(decision.secondChance);
        means.forEach((mean, k) => {
          // The component of the cluster's DBSCAN members (a second-chance face may sit in another).
          const home = labels[decision.newClusters[k].find((f) => !late.has(f))!];
          embeddings.forEach((face, f) => {
            if (dot(face, mean) < options.threshold) return;
            matches++;
            // A mean finds the component of every face it matches ...
            expect(conesCentroidsReach(cones, [mean], [], reach)).toContain(labels[f]);
            // ... and a noise face finds the component of every cluster whose mean it matches.
            if (noise.includes(f)) expect(conesCentroidsReach(cones, [], [face], reach)).toContain(home);
          });
        });
        // Not a trivial case: clusters, noise, and means that match faces of other components.
        expect(means.length).toBeGreaterThan(3);
        expect(noise.length).toBeGreaterThan(0);
        expect(matches).toBeGreaterThan(means.length);
      });
    }
  }

  it('bounds a noise face 24 degrees from a cluster of 12 degrees: found at threshold cos 25.8, not at cos 11.9', () => {
    const axis = (k: number) => Float32Array.from({ length: 8 }, (_, i) => (i === k ? 1 : 0));
    const turn = (a: Float32Array, b: Float32Array, degrees: number) =>
      Float32Array.from(
        a,
        (x, k) => Math.cos((degrees * Math.PI) / 180) * x + Math.sin((degrees * Math.PI) / 180) * b[k],
      );
    const c = axis(0);
    const cluster = coneOf([turn(c, axis(1), 12), turn(c, axis(1), -12), turn(c, axis(2), 12), turn(c, axis(2), -12)]);
    const face = turn(c, axis(3), 24);
    const cos = (degrees: number) => Math.cos((degrees * Math.PI) / 180);
    // The mean is c: the face matches it at threshold cos 25.8 (bound 25.8 + 12 >= 24) ...
    expect(conesCentroidsReach([cluster], [], [face], 1 - cos(25.8))).toEqual([0]);
    // ... and no threshold so strict that even the bound (angle + 12) stays under 24 lets it through.
    expect(conesCentroidsReach([cluster], [], [face], 1 - cos(11.9))).toEqual([]);
  });

  it('a cone of 90 degrees or more is reached by any noise face (a mean may lie anywhere in it)', () => {
    const wide = { centroid: Float32Array.of(1, 0, 0), angle: Math.PI / 2 };
    const narrow = { centroid: Float32Array.of(1, 0, 0), angle: 0.1 };
    const away = Float32Array.of(-1, 0, 0);
    expect(conesCentroidsReach([wide, narrow], [], [away], 0.1)).toEqual([0]);
    expect(conesCentroidsReach([wide, narrow], [away], [], 0.1)).toEqual([]);
    expect(conesCentroidsReach([wide, narrow], [], [], 0.1)).toEqual([]);
  });
});

describe('components joined along merged clusters', () => {
  it('makes the components of one merged cluster one, with labels dense in order of first face', () => {
    // Faces 0-5 in components 0, 1, 2, 3, 2, 0; a cluster merged from faces 1 and 4 (components 1
    // and 2) plus face 5 joined by the second chance (it stays in its own component).
    const labels = Int32Array.from([0, 1, 2, 3, 2, 0]);
    const decision = {
      assignments: [],
      newClusters: [[1, 4, 5]],
      noise: [],
      secondChance: [5],
      unmerged: [[1], [4]],
    };
    expect([...joinedAlongMerges(labels, (f: number) => f, decision)]).toEqual([0, 1, 1, 2, 1, 0]);
    // Without merging the labels are left as they are.
    expect(joinedAlongMerges(labels, (f: number) => f, { ...decision, unmerged: undefined })).toBe(labels);
  });
});
