/**
 * The whole grouping decision as one pure function: the faces to group (in the pipeline: every
 * unverified face) first try to join the known persons (assign.ts; in the pipeline: persons of
 * user-verified faces); the leftovers are clustered with DBSCAN (optionally after
 * UMAP) into new groups and noise. It invents no ids: new groups are lists of face ids for
 * the caller to turn into persons.
 *
 * The decision is a function of the set of embeddings, not of the order or ids the faces come
 * with: both inputs are put in canonical order (canonical-order.ts) before anything
 * order-dependent runs, and the result is mapped back to input order. So a library grouped in
 * one run or regrouped after arriving in batches gives the same partition.
 */
import { FrsError } from '../errors.js';
import { assignToPersons, type KnownFace, type MatchMode } from './assign.js';
import { canonicalOrder } from './canonical-order.js';
import { assertUnitVectors, type Embedding } from './cosine.js';
import { clustersOf, dbscan } from './dbscan.js';
import { UMAP_MIN_POINTS, umapReduce, type UmapOptions } from './umap-reduce.js';

export interface GroupOptions {
  /** Similarity at or above which a face joins an existing person (FRS_MATCH_THRESHOLD). */
  threshold: number;
  /** How a face is compared with a person; default 'nearest-face' (see assign.ts). */
  mode?: MatchMode;
  /** DBSCAN radius in cosine distance (FRS_DBSCAN_EPS). */
  eps: number;
  /** DBSCAN core size, the face itself included (FRS_DBSCAN_MIN_POINTS). */
  minPts: number;
  /** Reduce with UMAP before DBSCAN; skipped for fewer than 3 leftovers. */
  umap?: UmapOptions;
}

/** The user's decisions the grouping must respect beyond the fixed (known) faces. */
export interface GroupConstraints<F, P> {
  /** True when the face must not join the person (the user took it out of that person). */
  cannotLink?: (faceId: F, personId: P) => boolean;
}

export interface GroupFace<F> {
  id: F;
  embedding: Embedding;
}

export interface GroupDecision<F, P> {
  assignments: { faceId: F; personId: P }[];
  /** Each a new person's faces, in input order; groups ordered by their first face. */
  newClusters: F[][];
  /** Faces that joined nothing; they stay unassigned. */
  noise: F[];
  /**
   * Faces DBSCAN left as noise that joined a new cluster by the second chance, ascending (so a
   * cluster's DBSCAN members are its faces less these). Incremental grouping in centroid mode
   * bounds where clusters' means and DBSCAN's noise can reach with them (interaction-radius.ts).
   */
  secondChance?: F[];
}

export function groupFaces<F, P>(
  known: readonly KnownFace<P>[],
  unassigned: readonly GroupFace<F>[],
  options: GroupOptions,
  constraints: GroupConstraints<F, P> = {},
): GroupDecision<F, P> {
  if (!(options.eps >= 0 && options.eps <= 2))
    throw new FrsError('INVALID_INPUT', `DBSCAN eps must be within 0..2 (got ${options.eps}).`);
  assertUnitVectors(unassigned.map((f) => f.embedding));
  assertUnitVectors(known.map((f) => f.embedding));
  if (known.length > 0 && unassigned.length > 0 && known[0].embedding.length !== unassigned[0].embedding.length) {
    throw new FrsError(
      'INVALID_INPUT',
      `Known faces have ${known[0].embedding.length} dimensions, unassigned ${unassigned[0].embedding.length}.`,
    );
  }

  const canonicalKnown = canonicalOrder(known.map((f) => f.embedding)).map((i) => known[i]);
  // Faces go in under their input position, in canonical order; positions come back sorted.
  const positions = canonicalOrder(unassigned.map((f) => f.embedding)).map((i) => ({
    id: i,
    embedding: unassigned[i].embedding,
  }));
  const { cannotLink } = constraints;
  // A pure function of (face, person), so the decision stays independent of input order.
  const allowed = cannotLink
    ? (face: GroupFace<number>, personId: P) => !cannotLink(unassigned[face.id].id, personId)
    : undefined;
  const decided = decideInCanonicalOrder(canonicalKnown, positions, options, allowed);
  const ascending = (a: number, b: number) => a - b;
  return {
    assignments: decided.assignments
      .sort((a, b) => a.faceId - b.faceId)
      .map(({ faceId, personId }) => ({ faceId: unassigned[faceId].id, personId })),
    newClusters: decided.newClusters
      .map((c) => c.sort(ascending))
      .sort((a, b) => a[0] - b[0])
      .map((c) => c.map((i) => unassigned[i].id)),
    noise: decided.noise.sort(ascending).map((i) => unassigned[i].id),
    secondChance: (decided.secondChance ?? []).sort(ascending).map((i) => unassigned[i].id),
  };
}

function decideInCanonicalOrder<P>(
  known: readonly KnownFace<P>[],
  unassigned: readonly GroupFace<number>[],
  options: GroupOptions,
  allowed?: (face: GroupFace<number>, personId: P) => boolean,
): GroupDecision<number, P> {
  const { assignments, leftovers } = assignToPersons<number, P, GroupFace<number>>(known, unassigned, {
    threshold: options.threshold,
    mode: options.mode,
    allowed,
  });
  let points = leftovers.map((f) => f.embedding);
  if (options.umap && points.length >= UMAP_MIN_POINTS) points = umapReduce(points, options.umap);
  const { clusters, noise } = clustersOf(dbscan(points, options.eps, options.minPts));
  // Second chance for noise: a face DBSCAN left out joins a new cluster when it passes the
  // matching rule (threshold and mode) against that cluster, as it would against a person.
  const members = clusters.map((c) => [...c]);
  const clusterFaces = clusters.flatMap((c, k) => c.map((i) => ({ personId: k, embedding: leftovers[i].embedding })));
  const noiseFaces = noise.map((i) => ({ id: i, embedding: leftovers[i].embedding }));
  const late = assignToPersons<number, number, (typeof noiseFaces)[number]>(clusterFaces, noiseFaces, {
    threshold: options.threshold,
    mode: options.mode,
  });
  for (const a of late.assignments) members[a.personId].push(a.faceId);
  return {
    assignments: assignments.map(({ faceId, personId }) => ({ faceId, personId })),
    newClusters: members.map((m) => m.sort((a, b) => a - b).map((i) => leftovers[i].id)),
    noise: late.leftovers.map((f) => leftovers[f.id].id),
    secondChance: late.assignments.map((a) => leftovers[a.faceId].id),
  };
}
