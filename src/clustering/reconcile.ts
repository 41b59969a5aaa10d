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

export interface ReconcileInput<F> {
  /** Every face the decision covers, with its current person. */
  faces: readonly CurrentFace<F>[];
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
  const current = new Map<F, number | null>(faces.map((f) => [f.id, f.personId]));
  const overlaps: Array<{ cluster: number; personId: number; shared: number }> = [];
  decision.newClusters.forEach((members, cluster) => {
    const shared = new Map<number, number>();
    for (const id of members) {
      const personId = current.get(id);
      if (personId === null || personId === undefined || protectedPersons.has(personId)) continue;
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
 * The faces whose person differs between now and the decision, once every cluster has its
 * person (`clusterPersons[k]`, kept or newly created), in the order of `faces`. A face whose
 * cluster continues a person it has a cannot-link with stays out of it: unassigned.
 */
export function assignmentChanges<F>(
  faces: readonly CurrentFace<F>[],
  decision: GroupDecision<F, number>,
  clusterPersons: readonly number[],
  cannotLink?: (faceId: F, personId: number) => boolean,
): FaceChange<F>[] {
  if (clusterPersons.length !== decision.newClusters.length) {
    throw new RangeError(`${decision.newClusters.length} clusters but ${clusterPersons.length} persons for them.`);
  }
  const target = new Map<F, number | null>();
  for (const a of decision.assignments) target.set(a.faceId, a.personId);
  decision.newClusters.forEach((members, k) => members.forEach((id) => target.set(id, clusterPersons[k])));
  for (const id of decision.noise) target.set(id, null);

  const changes: FaceChange<F>[] = [];
  for (const face of faces) {
    if (!target.has(face.id)) throw new RangeError(`Face ${String(face.id)} is not in the decision.`);
    let to: number | null = target.get(face.id) ?? null;
    if (to !== null && cannotLink?.(face.id, to)) to = null;
    if (to !== face.personId) changes.push({ faceId: face.id, from: face.personId, to });
  }
  return changes;
}
