/**
 * From a fresh grouping decision to the fewest changes to the current assignment. The
 * decision (group.ts) says which faces belong together; reconciliation says which existing
 * person each new cluster continues, so that person ids (and the names users gave them)
 * survive a regroup whenever their faces stay together. Pure: no ids are invented here.
 */
import type { GroupDecision } from './group.js';

export interface CurrentFace<F> {
  id: F;
  /** The face's person before the regroup; null when unassigned. */
  personId: number | null;
}

/**
 * Faces by position, for callers that hold a million of them in columns rather than objects (a
 * full regroup): what reconciliation reads of them, and where a face id is.
 */
export interface CurrentFaces<F> {
  readonly length: number;
  id(position: number): F;
  personId(position: number): number | null;
  /** The position of a face id; undefined when it is not among them. */
  positionOf(id: F): number | undefined;
}

/** An array of faces as CurrentFaces (one map from id to position). */
export function currentFacesOf<F>(faces: readonly CurrentFace<F>[]): CurrentFaces<F> {
  const position = new Map<F, number>();
  faces.forEach((f, i) => position.set(f.id, i));
  return {
    length: faces.length,
    id: (i) => faces[i].id,
    personId: (i) => faces[i].personId,
    positionOf: (id) => position.get(id),
  };
}

const asCurrentFaces = <F>(faces: readonly CurrentFace<F>[] | CurrentFaces<F>): CurrentFaces<F> =>
  Array.isArray(faces) ? currentFacesOf(faces as readonly CurrentFace<F>[]) : (faces as CurrentFaces<F>);

export interface ReconcileInput<F> {
  /** Every face the decision covers, with its current person. */
  faces: readonly CurrentFace<F>[] | CurrentFaces<F>;
  decision: GroupDecision<F, number>;
  /**
   * Persons that own user-verified faces. They keep their own identity: they receive the faces
   * the decision assigns to them and are never reused for a cluster.
   */
  protectedPersons: ReadonlySet<number>;
  /**
   * True when the user took the face out of the person: such a face never counts towards keeping
   * that person, and assignmentChanges leaves it unassigned rather than put it back.
   */
  cannotLink?: (faceId: F, personId: number) => boolean;
}

/**
 * For each `decision.newClusters[k]`, the existing person it keeps, or null when it needs a new
 * one. Greedy by overlap (faces of the cluster the person has now), largest first, ties to the
 * lower person id, then the earlier cluster; each person is kept by one cluster at most.
 */
export function keptPersons<F>({
  faces,
  decision,
  protectedPersons,
  cannotLink,
}: ReconcileInput<F>): Array<number | null> {
  const current = asCurrentFaces(faces);
  const overlaps: Array<{ cluster: number; personId: number; shared: number }> = [];
  decision.newClusters.forEach((members, cluster) => {
    const shared = new Map<number, number>();
    for (const id of members) {
      const position = current.positionOf(id);
      const personId = position === undefined ? null : current.personId(position);
      if (personId === null || protectedPersons.has(personId)) continue;
      if (cannotLink?.(id, personId)) continue;
      shared.set(personId, (shared.get(personId) ?? 0) + 1);
    }
    for (const [personId, count] of shared) overlaps.push({ cluster, personId, shared: count });
  });
  overlaps.sort((a, b) => b.shared - a.shared || a.personId - b.personId || a.cluster - b.cluster);

  const kept: Array<number | null> = decision.newClusters.map(() => null);
  const taken = new Set<number>();
  for (const { cluster, personId } of overlaps) {
    if (kept[cluster] !== null || taken.has(personId)) continue;
    kept[cluster] = personId;
    taken.add(personId);
  }
  return kept;
}

export interface FaceChange<F> {
  faceId: F;
  from: number | null;
  /** null: the face becomes unassigned (noise). */
  to: number | null;
}

/**
 * The changes of a regroup as columns over the faces it covers: a first recluster changes every
 * face, and an object per change (twice: once more to write it) was most of its write phase's
 * memory at a million faces.
 */
export class FaceChanges<F> {
  constructor(
    private readonly faces: CurrentFaces<F>,
    /** Position in `faces` of each changed face, ascending. */
    private readonly positions: Int32Array,
    /** Each changed face's new person; NaN: unassigned. */
    private readonly targets: Float64Array,
  ) {}

  get length(): number {
    return this.positions.length;
  }

  position(k: number): number {
    return this.positions[k];
  }

  faceId(k: number): F {
    return this.faces.id(this.positions[k]);
  }

  from(k: number): number | null {
    return this.faces.personId(this.positions[k]);
  }

  to(k: number): number | null {
    const to = this.targets[k];
    return Number.isNaN(to) ? null : to;
  }

  /** The changes as objects (small sets: tests, logs). */
  toArray(): FaceChange<F>[] {
    return Array.from({ length: this.length }, (_, k) => ({
      faceId: this.faceId(k),
      from: this.from(k),
      to: this.to(k),
    }));
  }
}

/**
 * The faces whose person differs between now and the decision, once every cluster has its
 * person (`clusterPersons[k]`, kept or newly created), in the order of `faces`. A face whose
 * cluster continues a person it has a cannot-link with stays out of it: unassigned.
 */
export function assignmentChanges<F>(
  input: readonly CurrentFace<F>[] | CurrentFaces<F>,
  decision: GroupDecision<F, number>,
  clusterPersons: readonly number[],
  cannotLink?: (faceId: F, personId: number) => boolean,
): FaceChanges<F> {
  if (clusterPersons.length !== decision.newClusters.length) {
    throw new RangeError(`${decision.newClusters.length} clusters but ${clusterPersons.length} persons for them.`);
  }
  const faces = asCurrentFaces(input);
  // The decided person of each face, by position: one typed array, not a map over every face.
  const DECIDED = 1,
    NOISE = 2;
  const state = new Uint8Array(faces.length);
  const target = new Float64Array(faces.length);
  const decide = (id: F, personId: number | null) => {
    const position = faces.positionOf(id);
    if (position === undefined) return;
    state[position] = personId === null ? NOISE : DECIDED;
    if (personId !== null) target[position] = personId;
  };
  for (const a of decision.assignments) decide(a.faceId, a.personId);
  decision.newClusters.forEach((members, k) => members.forEach((id) => decide(id, clusterPersons[k])));
  for (const id of decision.noise) decide(id, null);

  // `target` becomes each face's new person (NaN: unassigned); `state` marks the changed faces.
  const CHANGED = 3;
  let changed = 0;
  for (let i = 0; i < faces.length; i++) {
    const id = faces.id(i);
    if (state[i] === 0) throw new RangeError(`Face ${String(id)} is not in the decision.`);
    let to: number | null = state[i] === DECIDED ? target[i] : null;
    if (to !== null && cannotLink?.(id, to)) to = null;
    target[i] = to ?? NaN;
    if (to !== faces.personId(i)) {
      state[i] = CHANGED;
      changed++;
    }
  }
  const positions = new Int32Array(changed);
  const targets = new Float64Array(changed);
  for (let i = 0, k = 0; i < faces.length; i++) {
    if (state[i] !== CHANGED) continue;
    positions[k] = i;
    targets[k++] = target[i];
  }
  return new FaceChanges(faces, positions, targets);
}
