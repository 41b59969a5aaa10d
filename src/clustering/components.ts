/**
 * Connected components of the "within the interaction radius" graph (interaction-radius.ts),
 * and the cones that let a new face find the components it may touch without reading the
 * others: a component is stored as its centroid direction and the widest angle from it to a
 * member, so a face within radius R of some member lies within angle(R) + that angle of the
 * centroid (triangle inequality on the sphere). The test is exact: a component it rules out
 * has no member within R of the face.
 */
import { ConeTree } from './cone-tree.js';
import { dotF32, type Embedding } from './cosine.js';
import { MinRootSets } from './min-root-sets.js';

/** Component label of each point (0, 1, ... in order of each component's first point). */
export function componentLabels(points: readonly Embedding[], radius: number): Int32Array {
  return labelsOver(points.length, () => ConeTree.build(points), radius);
}

/**
 * componentLabels of the rows of a matrix in a kernel memory (rows of dim floats: a streamed
 * library), read in place without a view per row (ConeTree.buildOnMatrix).
 */
export function componentLabelsOfRows(matrix: Float32Array, dim: number, radius: number): Int32Array {
  return labelsOver(matrix.length / dim, () => ConeTree.buildOnMatrix(matrix, dim), radius);
}

function labelsOver(n: number, build: () => ConeTree, radius: number): Int32Array {
  const sets = new MinRootSets(n);
  if (n >= 2) {
    const tree = build();
    try {
      tree.forEachPairWithin(radius, (i, j) => sets.union(i, j));
    } finally {
      tree.dispose();
    }
  }
  return sets.labels();
}

/** Points grouped by label: members (input indices, ascending) of each component. */
export function componentMembers(labels: Int32Array): number[][] {
  const members: number[][] = [];
  for (let i = 0; i < labels.length; i++) (members[labels[i]] ??= []).push(i);
  return members;
}

export interface Cone {
  /** Unit direction (the normalised mean of the members). */
  centroid: Float32Array;
  /** Widest angle in radians from the centroid to a member, padded for rounding. */
  angle: number;
}

/** Pads stored and computed angles so that float32 rounding never rules out a true neighbour. */
const ANGLE_PAD = 1e-5;

const angleBetween = (a: Float32Array, b: Float32Array): number => {
  const cos = dotF32(a, 0, b, 0, a.length);
  return Math.acos(cos > 1 ? 1 : cos < -1 ? -1 : cos);
};

/** The smallest cone around the members' mean direction that holds them all. */
export function coneOf(members: readonly Embedding[]): Cone {
  const dim = members[0].length;
  const sum = new Float64Array(dim);
  for (const m of members) for (let k = 0; k < dim; k++) sum[k] += m[k];
  let length = 0;
  for (let k = 0; k < dim; k++) length += sum[k] * sum[k];
  length = Math.sqrt(length);
  const centroid = new Float32Array(dim);
  // Opposite members can cancel out: any direction is then a valid centre, with angle pi.
  if (length > 1e-6) for (let k = 0; k < dim; k++) centroid[k] = sum[k] / length;
  else centroid.set(members[0]);
  let angle = 0;
  for (const m of members) angle = Math.max(angle, angleBetween(centroid, m));
  return { centroid, angle: angle + ANGLE_PAD };
}

/** True when some point of the cone may lie within cosine distance `radius` of `face`. */
export function coneMayReach(cone: Cone, face: Embedding, radius: number): boolean {
  const reach = Math.acos(Math.max(-1, Math.min(1, 1 - radius)));
  return angleBetween(cone.centroid, face) <= reach + cone.angle + ANGLE_PAD;
}

/** The components of a set of faces at `radius`, each with its members' ids and its cone. */
export function facesByComponent<F extends { id: number; embedding: Embedding }>(
  faces: readonly F[],
  radius: number,
): Array<Cone & { faceIds: number[] }> {
  const embeddings = faces.map((f) => f.embedding);
  return componentMembers(componentLabels(embeddings, radius)).map((members) => ({
    ...coneOf(members.map((i) => embeddings[i])),
    faceIds: members.map((i) => faces[i].id),
  }));
}

/**
 * Indices of the cones that may hold a face within `radius` of some query: coneMayReach for many
 * queries, with each cone's bound turned into a minimum dot product once (one dot per pair, no acos).
 */
export function reachableCones(cones: readonly Cone[], queries: readonly Embedding[], radius: number): number[] {
  return new ConeIndex(cones).reachable(queries, radius);
}

/**
 * A run's stored components, tested again and again against batches of queries (the closure's
 * fixpoint): reachableCones over the cones not yet taken (`skip`), without copying them. (A cone
 * tree over the centroids was tried: in 128 dimensions its nodes hardly prune, and it was slower
 * than one dot product per cone and query.)
 */
export class ConeIndex<C extends Cone = Cone> {
  constructor(readonly cones: readonly C[]) {}

  reachable(queries: readonly Embedding[], radius: number, skip?: (cone: number) => boolean): number[] {
    const reach = Math.acos(Math.max(-1, Math.min(1, 1 - radius)));
    const found: number[] = [];
    this.cones.forEach((cone, c) => {
      if (skip?.(c)) return;
      const minDot = minDotOf(cone, reach);
      const { centroid } = cone;
      for (const q of queries) {
        if (dotF32(centroid, 0, q, 0, centroid.length) >= minDot) {
          found.push(c);
          return;
        }
      }
    });
    return found;
  }
}

/** The smallest dot product of a query with a cone's centroid that its bound admits (reachableCones). */
function minDotOf(cone: Cone, reach: number): number {
  const limit = reach + cone.angle + 2 * ANGLE_PAD;
  // Past pi every direction is within reach; the slack covers rounding in the dot product.
  return limit >= Math.PI ? -Infinity : Math.cos(limit) - 1e-6;
}

/** Faces by position with the stored component each was in (null: none), for callers without an object per face. */
export interface GroupedFaces {
  readonly length: number;
  /** May allocate (a view of a row): called about once per face. */
  embedding(i: number): Embedding;
  group(i: number): number | null;
}

const groupedFacesOf = (faces: readonly { embedding: Embedding; group: number | null }[]): GroupedFaces => ({
  length: faces.length,
  embedding: (i) => faces[i].embedding,
  group: (i) => faces[i].group,
});

/**
 * Components at `radius` of faces that mostly come from stored components (`group`; null for a
 * face whose embedding no stored component has seen). Stored components have no edge between
 * them, so edges are looked for only inside each one (a deletion may split it) and from the
 * ungrouped faces to all: the same labels as componentLabels, without a search over all pairs.
 */
export function closureComponentLabels(
  faces: readonly { embedding: Embedding; group: number | null }[],
  radius: number,
): Int32Array {
  const n = faces.length;
  const sets = new MinRootSets(n);
  const { groups, loose } = byGroup(groupedFacesOf(faces), () => true);
  const embeddingOf = (i: number) => faces[i].embedding;
  linkInsideGroups(sets, groups, embeddingOf, radius);
  for (const i of loose)
    for (let j = 0; j < n; j++) if (j !== i && near(faces[i].embedding, faces[j].embedding, radius)) sets.union(i, j);
  return sets.labels();
}

/**
 * The components of a whole library from the stored ones (a recluster over an index built at a
 * radius at least `radius`): the same labels as componentLabels, without the search over all
 * pairs. Stored components have no edge between them, so edges are looked for inside each one
 * (a deletion, or a smaller radius, may split it) and from each face no stored component holds
 * (`group` null, or a component not in `cones`) to the components its cone test admits and to
 * the other such faces. Null when more than `maxLoose` faces are loose: a full search is cheaper.
 */
export function indexedComponentLabels(
  input: readonly { embedding: Embedding; group: number | null }[] | GroupedFaces,
  cones: readonly (Cone & { componentId: number })[],
  radius: number,
  maxLoose: number,
): Int32Array | null {
  const faces = Array.isArray(input)
    ? groupedFacesOf(input as readonly { embedding: Embedding; group: number | null }[])
    : (input as GroupedFaces);
  const stored = new Set(cones.map((c) => c.componentId));
  const { groups, loose } = byGroup(faces, (group) => stored.has(group));
  if (loose.length > maxLoose) return null;
  const sets = new MinRootSets(faces.length);
  const embeddingOf = (i: number) => faces.embedding(i);
  linkInsideGroups(sets, groups, embeddingOf, radius);
  const looseEmbeddings = loose.map(embeddingOf);
  for (let x = 0; x < loose.length; x++) {
    const e = looseEmbeddings[x];
    for (let y = x + 1; y < loose.length; y++) if (near(e, looseEmbeddings[y], radius)) sets.union(loose[x], loose[y]);
    for (const c of reachableCones(cones, [e], radius)) {
      for (const j of groups.get(cones[c].componentId) ?? [])
        if (near(e, embeddingOf(j), radius)) sets.union(loose[x], j);
    }
  }
  return sets.labels();
}

/** Positions by stored component (those `known` admits), and the loose ones, in input order. */
function byGroup(
  faces: GroupedFaces,
  known: (group: number) => boolean,
): { groups: Map<number, number[]>; loose: number[] } {
  const groups = new Map<number, number[]>();
  const loose: number[] = [];
  for (let i = 0; i < faces.length; i++) {
    const group = faces.group(i);
    if (group === null || !known(group)) loose.push(i);
    else {
      const list = groups.get(group);
      if (list) list.push(i);
      else groups.set(group, [i]);
    }
  }
  return { groups, loose };
}

/** Whether two faces are within `radius` (cosine distance) of each other. */
const near = (a: Embedding, b: Embedding, radius: number): boolean => 1 - dotF32(a, 0, b, 0, a.length) <= radius;

/** Joins the members of each group that are near each other (a stored component may have split). */
function linkInsideGroups(
  sets: MinRootSets,
  groups: ReadonlyMap<number, readonly number[]>,
  embeddingOf: (i: number) => Embedding,
  radius: number,
): void {
  for (const members of groups.values()) {
    // One view per member and group, not one per pair.
    const embeddings = members.map(embeddingOf);
    for (let x = 0; x < members.length; x++)
      for (let y = x + 1; y < members.length; y++)
        if (near(embeddings[x], embeddings[y], radius)) sets.union(members[x], members[y]);
  }
}
