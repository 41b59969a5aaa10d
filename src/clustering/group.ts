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
import { clustersOf, dbscan, dbscanByGroups } from './dbscan.js';
import { mergeByCentroid } from './merge-clusters.js';
import { UMAP_MIN_POINTS, umapReduce, type UmapOptions } from './umap-reduce.js';

export interface GroupOptions {
  /** Similarity at or above which a face joins an existing person (FRS_MATCH_THRESHOLD). */
  threshold: number;
  /** How a face is compared with a person; default 'nearest-face' (see assign.ts). */
  mode?: MatchMode;
  /**
   * The similarity a low-quality face needs to join a person or a new cluster
   * (FRS_LOW_QUALITY_MATCH_THRESHOLD); never below `threshold`. Default `threshold`.
   */
  lowQualityThreshold?: number;
  /** DBSCAN radius in cosine distance (FRS_DBSCAN_EPS). */
  eps: number;
  /** DBSCAN core size, the face itself included (FRS_DBSCAN_MIN_POINTS). */
  minPts: number;
  /** Reduce with UMAP before DBSCAN; skipped for fewer than 3 leftovers. */
  umap?: UmapOptions;
  /**
   * New clusters whose centroids are at least this similar are one person (merge-clusters.ts;
   * FRS_CLUSTER_MERGE_THRESHOLD). Centroid mode only: it is that mode's rule for clusters.
   */
  mergeThreshold?: number;
  /**
   * The faces still left over after the second chance are clustered once more, with DBSCAN at
   * this wider radius (cosine distance, FRS_DBSCAN_NOISE_EPS; original space): faces of one
   * person that no cluster took. Off when absent or not above eps.
   */
  noiseEps?: number;
}

/** The user's decisions the grouping must respect beyond the fixed (known) faces. */
export interface GroupConstraints<F, P> {
  /** True when the face must not join the person (the user took it out of that person). */
  cannotLink?: (faceId: F, personId: P) => boolean;
}

export interface GroupFace<F> {
  id: F;
  embedding: Embedding;
  /**
   * A face too poor to vouch for anyone (small, blurred, profile, doubtful detection:
   * vision/face-quality.ts). It never starts or bridges a new cluster: DBSCAN does not see it.
   * It still joins a person, or a new cluster, that it matches by the matching rule.
   */
  lowQuality?: boolean;
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
  /**
   * Faces still noise after the second chance that the wider noise pass (noiseEps) clustered:
   * they tried the second chance too, so the same bounds apply to them.
   */
  noisePass?: F[];
  /**
   * DBSCAN's clusters before clusters were merged by their means (mergeThreshold; absent when no
   * merging was asked for). The merge compares these clusters' means, so incremental grouping
   * bounds where they can reach (centroid-closure.ts).
   */
  unmerged?: F[][];
}

/** What the caller already knows about the faces; only speed depends on it. */
export interface GroupHints {
  /**
   * A label per unassigned face (by input position) such that no two faces within
   * max(eps, noiseEps) of each other have different labels: the connected components at a radius
   * at least that wide (components.ts). The DBSCAN passes then search one component at a time
   * (dbscan.ts: dbscanByGroups, the same labels) instead of all pairs again. Ignored with UMAP.
   */
  components?: ArrayLike<number>;
}

export function groupFaces<F, P>(
  known: readonly KnownFace<P>[],
  unassigned: readonly GroupFace<F>[],
  options: GroupOptions,
  constraints: GroupConstraints<F, P> = {},
  hints: GroupHints = {},
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

  if (hints.components && hints.components.length !== unassigned.length)
    throw new FrsError(
      'INVALID_INPUT',
      `Component labels cover ${hints.components.length} faces, groupFaces got ${unassigned.length}.`,
    );

  const canonicalKnown = canonicalOrder(known.map((f) => f.embedding)).map((i) => known[i]);
  // Faces go in under their input position, in canonical order; positions come back sorted.
  const positions = canonicalOrder(unassigned.map((f) => f.embedding)).map((i) => ({
    id: i,
    embedding: unassigned[i].embedding,
    lowQuality: unassigned[i].lowQuality,
  }));
  const { cannotLink } = constraints;
  // A pure function of (face, person), so the decision stays independent of input order.
  const allowed = cannotLink
    ? (face: GroupFace<number>, personId: P) => !cannotLink(unassigned[face.id].id, personId)
    : undefined;
  const components = options.umap ? undefined : hints.components;
  // DBSCAN over some of the faces (positions into `faces`, whose ids are input positions).
  const cluster = (faces: readonly GroupFace<number>[], eps: number, points: Embedding[]): Int32Array =>
    components
      ? dbscanByGroups(
          points,
          eps,
          options.minPts,
          faces.map((f) => components[f.id]),
        )
      : dbscan(points, eps, options.minPts);
  const decided = decideInCanonicalOrder(canonicalKnown, positions, options, allowed, cluster);
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
    noisePass: (decided.noisePass ?? []).sort(ascending).map((i) => unassigned[i].id),
    ...(decided.unmerged && {
      unmerged: decided.unmerged
        .map((c) => c.sort(ascending))
        .sort((a, b) => a[0] - b[0])
        .map((c) => c.map((i) => unassigned[i].id)),
    }),
  };
}

function decideInCanonicalOrder<P>(
  known: readonly KnownFace<P>[],
  unassigned: readonly GroupFace<number>[],
  options: GroupOptions,
  allowed: ((face: GroupFace<number>, personId: P) => boolean) | undefined,
  cluster: (faces: readonly GroupFace<number>[], eps: number, points: Embedding[]) => Int32Array,
): GroupDecision<number, P> {
  const { assignments, leftovers } = matchFaces(known, unassigned, options, allowed);
  // Low-quality faces stay out of DBSCAN: a cluster starts and grows only through good faces.
  const seeds = leftovers.flatMap((f, i) => (f.lowQuality ? [] : [i]));
  let points = seeds.map((i) => leftovers[i].embedding);
  if (options.umap && points.length >= UMAP_MIN_POINTS) points = umapReduce(points, options.umap);
  const found = clustersOf(
    cluster(
      seeds.map((i) => leftovers[i]),
      options.eps,
      points,
    ),
  );
  let clusters = found.clusters.map((c) => c.map((k) => seeds[k]));
  const mergeThreshold = options.mode === 'centroid' ? options.mergeThreshold : undefined;
  if (mergeThreshold !== undefined)
    clusters = mergeByCentroid(
      clusters,
      leftovers.map((f) => f.embedding),
      mergeThreshold,
    );
  const noise = [...found.noise.map((k) => seeds[k]), ...leftovers.flatMap((f, i) => (f.lowQuality ? [i] : []))];
  // Second chance for noise and low-quality faces: each joins a new cluster when it passes the
  // matching rule (threshold and mode) against that cluster, as it would against a person.
  const members = clusters.map((c) => [...c]);
  const clusterFaces = clusters.flatMap((c, k) => c.map((i) => ({ personId: k, embedding: leftovers[i].embedding })));
  const noiseFaces = noise.map((i) => ({
    id: i,
    embedding: leftovers[i].embedding,
    lowQuality: leftovers[i].lowQuality,
  }));
  const late = matchFaces(clusterFaces, noiseFaces, options);
  for (const a of late.assignments) members[a.personId].push(a.faceId);
  // A last pass over what is left, at a wider radius; low-quality faces stay out of it too.
  let noiseLeft = late.leftovers.map((f) => f.id);
  let noisePass: number[] = [];
  if (options.noiseEps !== undefined && options.noiseEps > options.eps) {
    const good = noiseLeft.filter((i) => !leftovers[i].lowQuality);
    const again = clustersOf(
      cluster(
        good.map((i) => leftovers[i]),
        options.noiseEps,
        good.map((i) => leftovers[i].embedding),
      ),
    );
    members.push(...again.clusters.map((c) => c.map((k) => good[k])));
    const taken = new Set(again.clusters.flat().map((k) => good[k]));
    noiseLeft = noiseLeft.filter((i) => !taken.has(i));
    noisePass = [...taken];
  }
  return {
    assignments: assignments.map(({ faceId, personId }) => ({ faceId, personId })),
    newClusters: members.map((m) => m.sort((a, b) => a - b).map((i) => leftovers[i].id)),
    noise: noiseLeft.map((i) => leftovers[i].id),
    secondChance: late.assignments.map((a) => leftovers[a.faceId].id),
    noisePass: noisePass.map((i) => leftovers[i].id),
    unmerged:
      mergeThreshold !== undefined ? found.clusters.map((c) => c.map((k) => leftovers[seeds[k]].id)) : undefined,
  };
}

/**
 * The matching rule (assign.ts), with the stricter threshold for low-quality faces: a blurred
 * or turned face joins only what it matches well.
 */
function matchFaces<P, T extends GroupFace<number>>(
  known: readonly KnownFace<P>[],
  faces: readonly T[],
  options: GroupOptions,
  allowed?: (face: T, personId: P) => boolean,
): { assignments: { faceId: number; personId: P }[]; leftovers: T[] } {
  const strict = Math.max(options.threshold, options.lowQualityThreshold ?? options.threshold);
  const match = (subset: T[], threshold: number) =>
    assignToPersons<number, P, T>(known, subset, { threshold, mode: options.mode, allowed });
  const good = match(
    faces.filter((f) => !f.lowQuality),
    options.threshold,
  );
  const low = match(
    faces.filter((f) => f.lowQuality),
    strict,
  );
  // Back in the order the faces came (canonical order: DBSCAN's labels depend on it).
  const order = new Map(faces.map((f, k) => [f, k]));
  return {
    assignments: [...good.assignments, ...low.assignments],
    leftovers: [...good.leftovers, ...low.leftovers].sort((a, b) => order.get(a)! - order.get(b)!),
  };
}
