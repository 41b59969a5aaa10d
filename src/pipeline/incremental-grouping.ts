/**
 * A recognise run that costs what its new faces cost: it regroups only the components of the
 * grouping index (FrsGroupingComponents, at the interaction radius R) that its new or changed
 * faces touch, and gives exactly the persons a regroup of the whole library would.
 *
 * Why exactly (interaction-radius.ts, component-decision.ts): no grouping rule relates faces
 * further apart than R, so the decision over a union of R-components is the whole decision
 * restricted to it. Reconciling with the current persons is also local once every person whose
 * faces the union holds is in it whole: a cluster continues the person it shares most faces
 * with, so two clusters only compete for a person they both hold faces of. Persons with
 * user-verified faces never continue clusters; for them it is enough to read all their verified
 * faces (ties between persons follow their first verified face) and their other faces (portraits,
 * emptiness).
 *
 * The run:
 *  1. seeds: up to FRS_GROUPING_BATCH_FACES faces new to grouping, and every face a people action
 *     or a deletion marked (FrsGroupingDirty), with the components they were in;
 *  2. candidates: the stored components whose cone may hold a face within R of a seed (an exact
 *     bound), read and kept when one of their faces is within R of a seed;
 *  3. closure: the persons of those faces, read whole; a person without verified faces brings in
 *     all its components (and faces not indexed yet become seeds), until nothing new comes;
 *  4. groupFaces over the closure, reconcile, write the differences, store the closure's
 *     components afresh and clear the marks it dealt with.
 * Faces outside the closure keep their persons and components. Faces a bounded run left for later
 * are still new: the next run's closure takes in whatever they touch.
 *
 * Centroid matching (the default) is local only in DBSCAN (R = eps), so three things change
 * (centroid-closure.ts has the argument):
 *  - every verified face of the model is read and is the decision's known faces, so each person's
 *    mean (and the order of persons on ties) is the whole library's;
 *  - a verified person with a seed face (new, or marked by a people action) may have a moved
 *    mean: it comes in whole like an unprotected person, and step 3 below brings in the cones its
 *    mean can reach;
 *  - after step 3 the closure is decided, and every stored component that a new cluster's mean, a
 *    moved person's mean or a DBSCAN-noise face of the closure can reach joins it (with its
 *    persons, as in step 3); repeated until nothing joins. The decision over that fixpoint is the
 *    one written, over the whole closure at once (a mean spans components).
 * A mean can draw a face to a verified person with no face in the closure: that person's faces are
 * read too, for its portrait and the fingerprint, as are all verified faces.
 */
import { decideByComponents } from '../clustering/component-decision.js';
import {
  closureComponentLabels,
  coneOf,
  componentMembers,
  reachableCones,
  type Cone,
} from '../clustering/components.js';
import {
  clusterMeans,
  conesCentroidsReach,
  dbscanNoise,
  joinedAlongMerges,
  personMeans,
  unmergedMeans,
} from '../clustering/centroid-closure.js';
import { dotF32 } from '../clustering/cosine.js';
import { groupFaces, type GroupDecision, type GroupOptions } from '../clustering/group.js';
import { centroidReach } from '../clustering/interaction-radius.js';
import { keptPersons } from '../clustering/reconcile.js';
import type { GroupingFace, IndexedGroupingFace, RepositoryOps } from '../data/repository.js';
import { cannotLinkLookup, type Plan } from './group-apply.js';
import { facesToGroup } from './grouping-settings.js';

export interface IncrementalPlan extends Plan {
  /** What the decision read, for the fingerprint check before writing. */
  selection: { faceIds: number[]; personIds: number[]; componentIds: number[] };
  /** A digest of the faces read, to confirm nothing changed between reading and fingerprinting. */
  digest: string;
  /** Components replaced and the ones that replace them. */
  removedComponents: number[];
  addedComponents: Array<Cone & { faceIds: number[] }>;
  settled: number[];
  /** True when new faces were left for the next run (FRS_GROUPING_BATCH_FACES). */
  more: boolean;
}

export interface IncrementalInput {
  model: string;
  options: GroupOptions;
  radius: number;
  /** GroupingIndexInfo.settings, written back with the components. */
  settings: string;
  batchFaces: number;
  /** FRS_MIN_FACE_QUALITY: faces below it are low quality (facesToGroup). */
  minFaceQuality: number;
}

/** Reads the closure of this run's seeds and decides over it; null when there is nothing to do. */
export async function decideIncrementally(
  ops: RepositoryOps,
  input: IncrementalInput,
): Promise<IncrementalPlan | null> {
  const { model, radius } = input;
  const work = await ops.groupingWork(model, input.batchFaces);
  if (work.newFaces.length === 0 && work.dirty.length === 0) return null;

  const components = new Set<number>();
  for (const f of [...work.newFaces, ...work.dirty]) if (f.componentId !== null) components.add(f.componentId);
  const seedIds = [...new Set([...work.newFaces, ...work.dirty].map((f) => f.faceId))];

  const faces = new Map<number, IndexedGroupingFace>();
  const add = (list: IndexedGroupingFace[]) => list.forEach((f) => faces.set(f.id, f));
  let seeds = await ops.facesForGroupingIn(model, { faceIds: seedIds });
  add(seeds);
  const cones = await ops.groupingCones(model);
  const loadedComponents = new Set<number>();
  const loadedPersons = new Set<number>();
  const personFaces = new Map<number, IndexedGroupingFace>();
  const cannotLink = cannotLinkLookup(await ops.cannotLinks());

  // Centroid mode compares with every verified person's mean: all verified faces are read, and a
  // verified person with a new or marked face (its mean may have moved) comes in whole.
  const reach = centroidReach(input.options);
  const allVerified =
    reach === null
      ? []
      : (await ops.verifiedFacesForGrouping(model)).filter((f): f is IndexedGroupingFace & { personId: number } =>
          isVerified(f),
        );
  const verifiedOwners = new Set(allVerified.map((f) => f.personId));
  const moved = new Set(seeds.map((f) => f.personId).filter((p): p is number => p !== null && verifiedOwners.has(p)));
  let centroidDecision: GroupDecision<number, number> | null = null;

  for (;;) {
    // Grows the closure until it holds every component a seed reaches and every unprotected person whole.
    while (seeds.length > 0 || [...components].some((c) => !loadedComponents.has(c))) {
      const reached = await componentsWithin(ops, model, seeds, cones, components, radius);
      for (const [c, members] of reached) {
        components.add(c);
        loadedComponents.add(c);
        add(members);
      }
      const toLoad = [...components].filter((c) => !loadedComponents.has(c));
      toLoad.forEach((c) => loadedComponents.add(c));
      if (toLoad.length > 0) add(await ops.facesForGroupingIn(model, { componentIds: toLoad }));

      const persons = [...faces.values()]
        .map((f) => f.personId)
        .filter((p): p is number => p !== null && !loadedPersons.has(p));
      seeds = [];
      if (persons.length === 0) continue;
      persons.forEach((p) => loadedPersons.add(p));
      const ofPersons = await ops.facesForGroupingIn(model, { personIds: [...new Set(persons)] });
      ofPersons.forEach((f) => personFaces.set(f.id, f));
      const protectedPersons = reach === null ? verifiedPersons(personFaces.values()) : verifiedOwners;
      for (const f of ofPersons) {
        if (f.personId === null || faces.has(f.id)) continue;
        if (protectedPersons.has(f.personId) && !moved.has(f.personId)) continue;
        // An unprotected person comes in whole: its components, and its faces not indexed yet as seeds.
        if (f.componentId !== null) components.add(f.componentId);
        else {
          faces.set(f.id, f);
          seeds.push(f);
        }
      }
    }
    if (reach === null) break;
    // Centroid mode: decide, then bring in what the closure's means and noise may reach (centroid-closure.ts), until nothing is new.
    const inClosure = facesToGroup(
      [...faces.values()].filter((f) => !f.isUserVerified).sort((a, b) => a.id - b.id),
      input.minFaceQuality,
    );
    // Its DBSCAN passes one component at a time (the pairs they look at lie within the radius).
    const closureLabels = closureComponentLabels(
      inClosure.map((f) => ({ embedding: f.embedding, group: f.grouped ? f.componentId : null })),
      radius,
    );
    centroidDecision = groupFaces(allVerified, inClosure, input.options, { cannotLink }, { components: closureLabels });
    const embeddingOf = new Map(inClosure.map((f) => [f.id, f.embedding]));
    const open = cones.filter((cone) => !components.has(cone.componentId));
    const embedding = (id: number) => embeddingOf.get(id)!;
    const extra = conesCentroidsReach(
      open,
      [...clusterMeans(centroidDecision, embedding), ...personMeans(allVerified, moved)],
      [...dbscanNoise(centroidDecision).map(embedding), ...unmergedMeans(centroidDecision, embedding)],
      reach,
    );
    if (extra.length === 0) break;
    for (const c of extra) components.add(open[c].componentId);
  }

  const closure = [...faces.values()].sort((a, b) => a.id - b.id);
  const closureIds = new Set(closure.map((f) => f.id));
  const everyone = [...personFaces.values(), ...closure];
  const protectedPersons = reach === null ? verifiedPersons(everyone) : verifiedOwners;
  // All verified faces of the persons the closure's verified faces belong to: out of reach of the
  // closure's faces, but they fix which person comes first on an exact tie, as over all faces.
  const knownPersons = new Set(
    closure.filter((f) => f.isUserVerified && f.personId !== null).map((f) => f.personId as number),
  );
  const verified =
    reach === null
      ? dedupe(everyone)
          .filter((f): f is IndexedGroupingFace & { personId: number } => isVerified(f) && knownPersons.has(f.personId))
          .sort((a, b) => a.id - b.id)
      : allVerified;
  const toGroup = facesToGroup(
    closure.filter((f) => !f.isUserVerified),
    input.minFaceQuality,
  );

  // Components of the closure: stored ones stay whole unless a deletion split them, new faces join them.
  let labels = closureComponentLabels(
    closure.map((f) => ({ embedding: f.embedding, group: f.grouped ? f.componentId : null })),
    radius,
  );
  // A cluster merged from several components makes them one (centroid-closure.ts).
  if (centroidDecision) {
    const position = new Map(closure.map((f, i) => [f.id, i]));
    labels = joinedAlongMerges(labels, (id) => position.get(id), centroidDecision);
  }
  const at = new Map(closure.map((f, i) => [f.id, labels[i]]));
  // Nearest-face: one component at a time (small trees, the same decision: component-decision.ts);
  // known faces outside the closure only fix the order of persons, each in a component of its own.
  // Centroid: the decision the fixpoint above ended with, over the whole closure.
  const decision =
    centroidDecision ??
    decideByComponents(
      verified,
      toGroup,
      { known: verified.map((f, k) => at.get(f.id) ?? -1 - k), unassigned: toGroup.map((f) => at.get(f.id)!) },
      input.options,
      { cannotLink },
    );
  // A mean can draw a face to a verified person with no face in the closure: read that person's
  // faces too, for its portrait (and the fingerprint).
  const joined = [...new Set(decision.assignments.map((a) => a.personId))].filter((p) => !loadedPersons.has(p));
  if (joined.length > 0) {
    joined.forEach((p) => loadedPersons.add(p));
    for (const f of await ops.facesForGroupingIn(model, { personIds: joined })) personFaces.set(f.id, f);
  }
  const others = dedupe([...personFaces.values()]).filter((f) => !closureIds.has(f.id) && !f.isUserVerified);
  const othersVerified = dedupe([...personFaces.values()]).filter(
    (f): f is IndexedGroupingFace & { personId: number } =>
      !closureIds.has(f.id) && isVerified(f) && reach === null && !knownPersons.has(f.personId),
  );
  const kept = keptPersons({ faces: toGroup, decision, protectedPersons, cannotLink });
  const selection = {
    // Centroid mode: every verified face, whose means the decision used.
    faceIds: [...new Set([...closure.map((f) => f.id), ...seedIds, ...allVerified.map((f) => f.id)])],
    personIds: [...loadedPersons],
    componentIds: [...components],
  };
  return {
    verified: [...verified, ...othersVerified],
    toGroup,
    others,
    decision,
    kept,
    cannotLink,
    newlyGrouped: closure.filter((f) => !f.grouped).map((f) => f.id),
    selection,
    digest: digestOf(await ops.facesForGroupingIn(model, selection)),
    removedComponents: [...components],
    addedComponents: componentMembers(labels).map((members) => ({
      ...coneOf(members.map((i) => closure[i].embedding)),
      faceIds: members.map((i) => closure[i].id),
    })),
    settled: work.dirty.map((f) => f.faceId),
    more: work.newFaces.length >= input.batchFaces,
  };
}

/** Reads the selection again: the same digest means nothing the decision read has changed since. */
export async function unchangedSince(ops: RepositoryOps, model: string, plan: IncrementalPlan): Promise<boolean> {
  return digestOf(await ops.facesForGroupingIn(model, plan.selection)) === plan.digest;
}

/** Stored components with a face within `radius` of a seed (cones first, then the faces themselves), with their faces. */
async function componentsWithin(
  ops: RepositoryOps,
  model: string,
  seeds: readonly GroupingFace[],
  cones: Awaited<ReturnType<RepositoryOps['groupingCones']>>,
  known: ReadonlySet<number>,
  radius: number,
): Promise<Map<number, IndexedGroupingFace[]>> {
  const reached = new Map<number, IndexedGroupingFace[]>();
  if (seeds.length === 0) return reached;
  const open = cones.filter((cone) => !known.has(cone.componentId));
  const candidates = reachableCones(
    open,
    seeds.map((s) => s.embedding),
    radius,
  ).map((c) => open[c].componentId);
  if (candidates.length === 0) return reached;
  const byComponent = new Map<number, IndexedGroupingFace[]>();
  for (const f of await ops.facesForGroupingIn(model, { componentIds: candidates })) {
    if (f.componentId === null) continue;
    const list = byComponent.get(f.componentId);
    if (list) list.push(f);
    else byComponent.set(f.componentId, [f]);
  }
  for (const [component, members] of byComponent) {
    const near = members.some((f) =>
      seeds.some((s) => 1 - dotF32(s.embedding, 0, f.embedding, 0, s.embedding.length) <= radius),
    );
    if (near) reached.set(component, members);
  }
  return reached;
}

const isVerified = (f: GroupingFace): f is GroupingFace & { personId: number } =>
  f.isUserVerified && f.personId !== null;

function verifiedPersons(faces: Iterable<GroupingFace>): Set<number> {
  const persons = new Set<number>();
  for (const f of faces) if (isVerified(f)) persons.add(f.personId);
  return persons;
}

function dedupe<F extends { id: number }>(faces: readonly F[]): F[] {
  return [...new Map(faces.map((f) => [f.id, f])).values()];
}

/** FNV-1a over what the decision depends on: ids, persons, verification, grouping, components, quality, embeddings. */
function digestOf(faces: readonly IndexedGroupingFace[]): string {
  let hash = 0x811c9dc5;
  const mix = (value: number) => {
    hash ^= value >>> 0;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  };
  for (const f of [...faces].sort((a, b) => a.id - b.id)) {
    mix(f.id);
    mix(f.personId ?? -1);
    mix((f.isUserVerified ? 1 : 0) | (f.grouped ? 2 : 0));
    mix(f.componentId ?? -1);
    mix(Math.round((f.quality ?? -1) * 1e6));
    const words = new Uint32Array(f.embedding.buffer, f.embedding.byteOffset, f.embedding.length);
    for (let k = 0; k < words.length; k++) mix(words[k]);
  }
  return `${faces.length}:${hash}`;
}
