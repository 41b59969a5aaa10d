/**
 * Incremental grouping in 'centroid' mode (the shipped default): which stored components a run
 * must also regroup, besides the eps-components its faces touch, so that its decision is still
 * exactly the whole decision restricted to what it regroups.
 *
 * What centroid mode decides (group.ts, assign.ts), for a set C of faces that is a union of
 * R-components (interaction-radius.ts: R = max(eps, noiseEps) there):
 *  (a) a face joins the allowed known person P with the highest sim(face, c_P) >= threshold, c_P
 *      the normalised mean of ALL of P's verified faces; ties go to the person whose first
 *      verified face comes first in canonical order. Deciding C with every verified face of the
 *      model as the known faces gives each face of C its whole-library choice, bit for bit
 *      (canonical order of a subset keeps relative order, so the means sum in the same order).
 *  (b) DBSCAN over the leftovers: local within eps, and C is a union of eps-components of all
 *      faces (so of the leftovers too): same cores, clusters and noise in C; clusters are numbered
 *      by their first core face in canonical order, so their relative order is kept.
 *  (b') merging (mergeThreshold): DBSCAN clusters whose means are at least mergeThreshold
 *      similar become one cluster (transitively);
 *  (c) the second chance: a face DBSCAN left as noise joins the cluster k with the highest
 *      sim(face, m_k) >= threshold, m_k the mean of k's DBSCAN members (merged clusters: of all
 *      the DBSCAN clusters merged into k);
 *  (d) the noise pass: DBSCAN at noiseEps over the faces still noise: local within R.
 * Low-quality faces stay out of both DBSCAN passes (a subset, still local) and match only at a
 * stricter threshold, so every bound below, taken at threshold, covers them.
 * A merged cluster spans components. So the stored components are joined along merges
 * (joinedAlongMerges below): every cluster's DBSCAN members then lie in one stored component. The
 * stored components stay unions of R-components, which is all the argument needs of them.
 * Let theta = acos(threshold). A cluster lies in one eps-component B, so inside B's cone (centre
 * c_B, widest angle r_B). When r_B < 90 degrees the cone is a convex cap: every member x has
 * x . c_B >= cos r_B > 0, so the mean m has m . c_B >= cos r_B, hence |m| > 0 and m/|m| is within
 * r_B of c_B. By the triangle inequality on the sphere, a face f can then match a cluster of B
 * only if angle(f, c_B) <= theta + r_B; for r_B >= 90 degrees there is no such bound.
 *
 * So (c) over C equals the whole decision when, after deciding C:
 *  1. no DBSCAN-noise face of C can match a cluster outside C: every outside cone B has
 *     angle(f, c_B) > theta + r_B and r_B < 90 degrees (otherwise B joins C); likewise no DBSCAN
 *     cluster of C can merge with one outside C: its mean m has angle(m, c_B) > acos(mergeThreshold)
 *     + r_B (reach below is the wider of the two angles, so one test covers both);
 *  2. no face outside C can match a cluster of C (the clusters there just changed): every outside
 *     cone B has angle(m_k, c_B) > theta + r_B for every cluster mean m_k of C (else B joins C).
 *     A face outside that matched one of C's OLD clusters was given that cluster's person, which
 *     has faces in C and no verified faces: the person closure (incremental-grouping.ts) already
 *     brought it in whole. So an outside face's choice among clusters is the one it had. The same
 *     holds for an outside cluster that was merged with one of C's old clusters: it shares that
 *     person, so it is in C. Outside clusters merged with each other stay merged: their means did
 *     not change and, by 1, nothing of C joins them.
 * And (a) for faces outside C is unchanged unless a verified person's mean moved (a people
 * action, or a verified face detected again with a new embedding: both make its faces seeds):
 *  3. for such a "moved" person P, every face it held is in C (its components join), and every
 *     outside cone B with angle(c_P, c_B) <= theta + r_B joins C (a face there may now prefer P).
 * Adding components changes the decision over C, so the run decides, checks 1-3, adds what they
 * ask and repeats until nothing is added: a fixpoint. Each step only adds components; worst case
 * C becomes the whole library, which is still exact, just slow. Rounding: cones are padded
 * (components.ts) and the bounds above are tested with that padding, so a bound can only let more
 * in. With DBSCAN clusters kept within their cones, nothing outside C changes, and C's decision
 * is the whole decision restricted to C.
 */
import { centroid, type Embedding } from './cosine.js';
import { reachableCones, type Cone } from './components.js';
import { MinRootSets } from './min-root-sets.js';
import type { GroupDecision } from './group.js';

/** Below this cone angle a component's cone is a convex cap (with room for the cones' padding). */
const CONVEX_LIMIT = Math.PI / 2 - 1e-4;

/**
 * Each new cluster's DBSCAN members: the cluster less its second-chance faces. Clusters the noise
 * pass made have none (no face was compared with them) and are left out.
 */
function dbscanMembers<F>(decision: GroupDecision<F, unknown>): F[][] {
  const late = new Set([...(decision.secondChance ?? []), ...(decision.noisePass ?? [])]);
  return decision.newClusters.map((faces) => faces.filter((f) => !late.has(f))).filter((m) => m.length > 0);
}

/** Means (unit directions) of the new clusters' DBSCAN members: what the second chance compared with. */
export function clusterMeans<F>(decision: GroupDecision<F, unknown>, embeddingOf: (face: F) => Embedding): Embedding[] {
  return dbscanMembers(decision).map((faces) => centroid(faces.map(embeddingOf)));
}

/** Means of DBSCAN's clusters before the merge: what the merge compared (none when it is off). */
export function unmergedMeans<F>(
  decision: GroupDecision<F, unknown>,
  embeddingOf: (face: F) => Embedding,
): Embedding[] {
  return (decision.unmerged ?? []).map((faces) => centroid(faces.map(embeddingOf)));
}

/** Faces DBSCAN left as noise: noise now, joined a cluster by the second chance, or clustered by the noise pass. */
export function dbscanNoise<F>(decision: GroupDecision<F, unknown>): F[] {
  return [...decision.noise, ...(decision.secondChance ?? []), ...(decision.noisePass ?? [])];
}

/**
 * Component labels joined along the merges of the decision: the components holding the DBSCAN
 * members of one (merged) cluster become one, so each cluster's mean lies in its component's cone.
 * Labels are 0, 1, ... in order of first face, in and out.
 * `at` gives a face's position in `labels` (undefined: not among them, e.g. a verified face).
 */
export function joinedAlongMerges<F>(
  labels: Int32Array,
  at: (face: F) => number | undefined,
  decision: GroupDecision<F, unknown>,
): Int32Array {
  if (!decision.unmerged || decision.unmerged.length === 0) return labels;
  const sets = new MinRootSets(labels.reduce((max, label) => Math.max(max, label + 1), 0));
  for (const members of dbscanMembers(decision)) {
    const positions = members.map(at).filter((p): p is number => p !== undefined);
    for (const p of positions.slice(1)) sets.union(labels[positions[0]], labels[p]);
  }
  // Dense again (0, 1, ... in order of first face), as componentMembers expects.
  const dense = new Map<number, number>();
  return labels.map((label) => {
    const root = sets.find(label);
    let value = dense.get(root);
    if (value === undefined) dense.set(root, (value = dense.size));
    return value;
  });
}

/**
 * Indices of the cones (outside the closure) that conditions 1-3 above bring in. `means` are the
 * new clusters' means and the moved persons' means; `noise` the closure's DBSCAN-noise faces and
 * its DBSCAN clusters' means before merging (each compared with means inside other cones);
 * `reach` is centroidReach (interaction-radius.ts).
 */
export function conesCentroidsReach(
  cones: readonly Cone[],
  means: readonly Embedding[],
  noise: readonly Embedding[],
  reach: number,
): number[] {
  const found = new Set(reachableCones(cones, means, reach));
  if (noise.length > 0) {
    // A cluster's mean may lie anywhere when its cone is not a convex cap.
    cones.forEach((cone, c) => {
      if (cone.angle >= CONVEX_LIMIT) found.add(c);
    });
    for (const c of reachableCones(cones, noise, reach)) found.add(c);
  }
  return [...found].sort((a, b) => a - b);
}

/** Each verified person's mean, by person (the known faces' mean, as assign.ts computes it). */
export function personMeans(
  verified: readonly { personId: number; embedding: Embedding }[],
  persons: ReadonlySet<number>,
): Embedding[] {
  const facesOf = new Map<number, Embedding[]>();
  for (const f of verified) {
    if (!persons.has(f.personId)) continue;
    const list = facesOf.get(f.personId);
    if (list) list.push(f.embedding);
    else facesOf.set(f.personId, [f.embedding]);
  }
  return [...facesOf.values()].map((faces) => centroid(faces));
}
