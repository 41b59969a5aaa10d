/**
 * Writing a grouping decision: only the differences to the current assignment, in the caller's
 * write transaction (moved faces, new persons, portraits of persons whose faces changed, persons
 * left empty and unnamed deleted, new faces marked grouped). Shared by the full regroup and the
 * incremental one (incremental-grouping.ts), which decide over different sets of faces.
 */
import type { GroupDecision } from '../clustering/group.js';
import { choosePortrait } from '../clustering/portrait.js';
import { assignmentChanges, currentFacesOf, type CurrentFaces } from '../clustering/reconcile.js';
import type { FaceAssignment, GroupingFace, PortraitUpdate, RepositoryOps } from '../data/repository.js';
import { faultPoint } from './fault-point.js';

/**
 * The faces a decision covers, by position: a full regroup keeps a million of them in columns
 * (face-columns.ts) and makes an object only for the faces of persons whose faces changed.
 */
export interface GroupingFaces extends CurrentFaces<number> {
  grouped(position: number): boolean;
  face(position: number): GroupingFace;
}

/** An array of faces as GroupingFaces. */
export function groupingFacesOf(faces: readonly GroupingFace[]): GroupingFaces {
  return { ...currentFacesOf(faces), grouped: (i) => faces[i].grouped, face: (i) => faces[i] };
}

/**
 * movedTo's marks in applyPlan: the face keeps its person; the face leaves every person (person
 * ids are integers, a dry run's negative).
 */
const UNCHANGED = NaN;
const UNASSIGNED = -Infinity;

/** Assignments handed to the repository per call. */
const ASSIGNMENT_PART = 10_000;

/** What one regroup decided: computed from one read of the faces, before anything is written. */
export interface Plan {
  /** User-verified faces with their persons (the fixed part; in an incremental run also ones out of reach). */
  verified: Array<GroupingFace & { personId: number }>;
  /** The unverified faces the decision covers. */
  toGroup: GroupingFace[] | GroupingFaces;
  /**
   * Unverified faces the decision does not cover but whose persons it may touch (an incremental
   * run's faces of persons outside its components): they keep their person, and count when a
   * person's portrait is chosen or its emptiness decided.
   */
  others: GroupingFace[];
  decision: GroupDecision<number, number>;
  /** Per new cluster: the existing person it continues, or null for a new one. */
  kept: Array<number | null>;
  /** The user's "not this person" pairs: the face never (re)joins the person. */
  cannotLink: (faceId: number, personId: number) => boolean;
  /** Faces to mark grouped (GroupedAt). */
  newlyGrouped: number[];
}

/** What a written (or dry-run) regroup did. */
export interface Applied {
  regrouped: true;
  /** Unverified faces the decision covered. */
  faces: number;
  /** Of those, faces no grouping run had seen before. */
  newFaces: number;
  /** Faces the decision gave to persons that own user-verified faces. */
  joinedVerified: number;
  /** Clusters that continue an existing person (its id kept). */
  personsKept: number;
  personsCreated: number;
  /** Faces left unassigned. */
  noise: number;
  /** Faces that had no person and now have one (on a new library: every grouped face). */
  facesAssigned: number;
  /** Faces that had a person and now have another one, or none. */
  facesMoved: number;
  /** Persons that lost all their faces of the current model in this regroup. */
  personsEmptied: number;
  /** Of those, deleted: no faces left at all and no user-entered name, rank or appointment (0 in a dry run). */
  personsDeleted: number;
  /** Portraits re-chosen or cleared (0 in a dry run). */
  portraitsUpdated: number;
}

/** Cannot-link pairs as a lookup (FrsCannotLink). */
export function cannotLinkLookup(
  pairs: { faceId: number; personId: number }[],
): (faceId: number, personId: number) => boolean {
  const excluded = new Map<number, Set<number>>();
  for (const { faceId, personId } of pairs) {
    let persons = excluded.get(faceId);
    if (!persons) excluded.set(faceId, (persons = new Set()));
    persons.add(personId);
  }
  return (faceId, personId) => excluded.get(faceId)?.has(personId) ?? false;
}

/** Writes a plan (unless dry); `ops` is an open transaction, or the repository for a dry run. */
export async function applyPlan(ops: RepositoryOps, plan: Plan, dryRun: boolean): Promise<Applied> {
  const { verified, others, decision, kept, cannotLink } = plan;
  const toGroup = Array.isArray(plan.toGroup) ? groupingFacesOf(plan.toGroup) : plan.toGroup;
  const toCreate = kept.filter((p) => p === null).length;
  // A dry run stands in negative ids for the persons it would create.
  const created = dryRun ? Array.from({ length: toCreate }, (_, k) => -1 - k) : await ops.createPersons(toCreate);
  let next = 0;
  const clusterPersons = kept.map((p) => p ?? created[next++]);
  const changes = assignmentChanges(toGroup, decision, clusterPersons, cannotLink);

  // Members of every person whose faces changed, after the change: the listed faces as they are,
  // the faces to group by position (a face object is made per person when its portrait is chosen,
  // not for every face at once: at a million faces those objects were the write's peak memory).
  const movedTo = new Float64Array(toGroup.length).fill(UNCHANGED);
  const touched = new Set<number>();
  let facesAssigned = 0;
  for (let k = 0; k < changes.length; k++) {
    const from = changes.from(k),
      to = changes.to(k);
    movedTo[changes.position(k)] = to ?? UNASSIGNED;
    if (from !== null) touched.add(from);
    else facesAssigned++;
    if (to !== null) touched.add(to);
  }
  const members = new Map<number, { listed: GroupingFace[]; positions: number[] }>(
    [...touched].map((p) => [p, { listed: [], positions: [] }]),
  );
  for (const f of verified) members.get(f.personId)?.listed.push(f);
  for (const f of others) if (f.personId !== null) members.get(f.personId)?.listed.push(f);
  if (touched.size > 0) {
    for (let i = 0; i < toGroup.length; i++) {
      const to = movedTo[i];
      const p = Number.isNaN(to) ? toGroup.personId(i) : to === UNASSIGNED ? null : to;
      if (p !== null) members.get(p)?.positions.push(i);
    }
  }
  let newFaces = 0;
  for (let i = 0; i < toGroup.length; i++) if (!toGroup.grouped(i)) newFaces++;
  const emptied = [...members].filter(([, m]) => m.listed.length + m.positions.length === 0).map(([p]) => p);

  const summary: Applied = {
    regrouped: true,
    faces: toGroup.length,
    newFaces,
    joinedVerified: decision.assignments.length,
    personsKept: kept.length - toCreate,
    personsCreated: toCreate,
    noise: decision.noise.length,
    facesAssigned,
    facesMoved: changes.length - facesAssigned,
    personsEmptied: emptied.length,
    personsDeleted: 0,
    portraitsUpdated: 0,
  };
  if (dryRun) return summary;

  // In parts: a first recluster assigns every face, and an object for each at once was the
  // write phase's peak memory at a million faces. One transaction all the same.
  for (let start = 0; start < changes.length; start += ASSIGNMENT_PART) {
    const part: FaceAssignment[] = [];
    for (let k = start; k < Math.min(changes.length, start + ASSIGNMENT_PART); k++)
      part.push({ faceId: changes.faceId(k), personId: changes.to(k) });
    await ops.assignFaces(part);
  }
  faultPoint('regroup'); // inside the write transaction: a kill here must leave the previous assignment
  const portraits: PortraitUpdate[] = [...members]
    .filter(([, m]) => m.listed.length + m.positions.length > 0)
    .map(([personId, m]) => {
      const faces = [...m.listed, ...m.positions.map((i) => toGroup.face(i))];
      // In id order, so that exact ties pick the same face whichever run (full or incremental) wrote it.
      const face = choosePortrait(faces.sort((a, b) => a.id - b.id));
      return { personId, faceId: face.id, mediaFileId: face.mediaFileId };
    });
  const chosen = await ops.setPortraits(portraits);
  // Persons left with no faces of this model: portrait cleared if its face left, deleted if empty and unnamed.
  const tidied = await ops.tidyPersons(emptied);
  await ops.markFacesGrouped(plan.newlyGrouped);
  return { ...summary, personsDeleted: tidied.personsDeleted, portraitsUpdated: chosen + tidied.portraitsCleared };
}
