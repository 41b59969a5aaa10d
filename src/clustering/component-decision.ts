/**
 * groupFaces() one connected component at a time (components.ts, at the interaction radius), with
 * the same result as one call over every face. Why it is the same:
 * - no rule relates two faces of different components (interaction-radius.ts), so a face's
 *   assignment, core status, cluster and second chance depend on its own component only;
 * - canonical order is a hash order of each embedding, so a component's faces keep their relative
 *   order: DBSCAN numbers their clusters and picks border clusters alike;
 * - the one global order a component cannot see is which known person comes first (exact ties in
 *   similarity go to it): each component also gets, for every person it holds, that person's
 *   first known face in canonical order, which is out of reach of its faces but fixes the order;
 * - results are put back in input order (assignments and noise by face, clusters by their first
 *   face), as groupFaces orders them.
 * Merging clusters by their means (centroid mode) is not local between faces: callers use this in
 * nearest-face mode only.
 * Memory: one component's faces at a time besides the input, which may be an array of faces or a
 * FaceSource (faces by position, without an object each: a full regroup holds a million).
 */
import { canonicalOrder } from './canonical-order.js';
import { groupFaces, type GroupConstraints, type GroupDecision, type GroupFace, type GroupOptions } from './group.js';
import type { KnownFace } from './assign.js';
import type { Embedding } from './cosine.js';

/** Unassigned faces by position, for callers that keep them in columns rather than objects. */
export interface FaceSource<F> {
  readonly length: number;
  id(position: number): F;
  /** May allocate (a view of a row): called once per face and decision. */
  embedding(position: number): Embedding;
  lowQuality(position: number): boolean;
}

/** An array of faces as a FaceSource. */
export function faceSourceOf<F>(faces: readonly GroupFace<F>[]): FaceSource<F> {
  return {
    length: faces.length,
    id: (p) => faces[p].id,
    embedding: (p) => faces[p].embedding,
    lowQuality: (p) => faces[p].lowQuality ?? false,
  };
}

export interface ComponentProgress {
  done: number;
  total: number;
}

/** For each person, the index in `known` of its first face in canonical order. */
export function personRepresentatives<P>(known: readonly KnownFace<P>[]): Map<P, number> {
  const first = new Map<P, number>();
  for (const i of canonicalOrder(known.map((f) => f.embedding))) {
    if (!first.has(known[i].personId)) first.set(known[i].personId, i);
  }
  return first;
}

/** Component labels (componentLabels) of the known and the unassigned faces, by position. */
export interface ComponentsOf {
  known: ArrayLike<number>;
  unassigned: ArrayLike<number>;
}

export function decideByComponents<F, P>(
  known: readonly KnownFace<P>[],
  faces: readonly GroupFace<F>[] | FaceSource<F>,
  componentOf: ComponentsOf,
  options: GroupOptions,
  constraints: GroupConstraints<F, P> = {},
  onProgress?: (progress: ComponentProgress) => void,
): GroupDecision<F, P> {
  const unassigned = Array.isArray(faces) ? faceSourceOf(faces as readonly GroupFace<F>[]) : (faces as FaceSource<F>);
  const knownIn = new Map<number, number[]>();
  for (let i = 0; i < known.length; i++) push(knownIn, componentOf.known[i], i);
  const facesIn = new Map<number, number[]>();
  for (let i = 0; i < unassigned.length; i++) push(facesIn, componentOf.unassigned[i], i);
  const representative = personRepresentatives(known);
  const { cannotLink } = constraints;
  const byPosition = cannotLink
    ? { cannotLink: (position: number, personId: P) => cannotLink(unassigned.id(position), personId) }
    : {};

  const assignments: { faceId: number; personId: P }[] = [];
  const clusters: number[][] = [];
  const noise: number[] = [];
  const secondChance: number[] = [];
  const noisePass: number[] = [];
  let done = 0;
  for (const [component, positions] of facesIn) {
    const own = knownIn.get(component) ?? [];
    const extra = new Set<number>();
    for (const k of own) {
      const rep = representative.get(known[k].personId)!;
      if (componentOf.known[rep] !== component) extra.add(rep);
    }
    // Known faces in input order, so canonical order keeps ties exactly as over all of them.
    const knownHere = [...own, ...extra].sort((a, b) => a - b).map((k) => known[k]);
    const here = positions.map((p) => ({
      id: p,
      embedding: unassigned.embedding(p),
      lowQuality: unassigned.lowQuality(p),
    }));
    const decided = groupFaces<number, P>(knownHere, here, options, byPosition);
    assignments.push(...decided.assignments);
    clusters.push(...decided.newClusters);
    noise.push(...decided.noise);
    secondChance.push(...(decided.secondChance ?? []));
    noisePass.push(...(decided.noisePass ?? []));
    done += positions.length;
    onProgress?.({ done, total: unassigned.length });
  }
  const ascending = (a: number, b: number) => a - b;
  return {
    assignments: assignments
      .sort((a, b) => a.faceId - b.faceId)
      .map(({ faceId, personId }) => ({ faceId: unassigned.id(faceId), personId })),
    newClusters: clusters.sort((a, b) => a[0] - b[0]).map((c) => c.map((p) => unassigned.id(p))),
    noise: noise.sort(ascending).map((p) => unassigned.id(p)),
    secondChance: secondChance.sort(ascending).map((p) => unassigned.id(p)),
    noisePass: noisePass.sort(ascending).map((p) => unassigned.id(p)),
  };
}

function push(map: Map<number, number[]>, key: number, value: number): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
