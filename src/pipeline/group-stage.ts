/**
 * Recognise and recluster: ONE grouping decision over every unverified face with an embedding
 * from the current model (user-verified faces are fixed: they never move, and their persons
 * receive the faces that match them), reconciled with the current assignment so that person
 * ids survive wherever their faces stay together. Only the differences are written, in one
 * transaction: moved faces, new persons, portraits of persons whose faces changed, persons
 * left empty and unnamed deleted, and the new faces marked as grouped. A crash leaves the
 * previous assignment intact.
 *
 * Because the decision depends on the set of faces only, a library processed in batches ends
 * with the persons one run over all of it gives. Recognise regroups only when some face is new
 * to grouping (Faces.GroupedAt), so a run with nothing new stays one cheap query; recluster
 * always regroups.
 */
import { groupFaces, type GroupDecision, type GroupOptions } from '../clustering/group.js';
import { choosePortrait } from '../clustering/portrait.js';
import { assignmentChanges, keptPersons } from '../clustering/reconcile.js';
import type { GroupingFace, PortraitUpdate, RepositoryOps } from '../data/repository.js';
import type { Settings } from '../config/settings.js';
import { faultPoint } from './fault-point.js';
import type { PipelineContext } from './context.js';
import { describeGrouping } from './run-summary.js';

export interface GroupSummary {
  /** False when recognise found no face new to grouping and left everything as it was. */
  regrouped: boolean;
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
  ms: number;
}

type Decided = Omit<GroupSummary, 'ms'>;

export function groupOptions(settings: Settings): GroupOptions {
  return {
    threshold: settings.FRS_MATCH_THRESHOLD,
    mode: settings.FRS_MATCH_MODE,
    eps: settings.FRS_DBSCAN_EPS,
    minPts: settings.FRS_DBSCAN_MIN_POINTS,
    umap: settings.FRS_UMAP_ENABLED ? { dimensions: settings.FRS_UMAP_DIMENSIONS } : undefined,
  };
}

const NOTHING_NEW: Decided = {
  regrouped: false,
  faces: 0,
  newFaces: 0,
  joinedVerified: 0,
  personsKept: 0,
  personsCreated: 0,
  noise: 0,
  facesAssigned: 0,
  facesMoved: 0,
  personsEmptied: 0,
  personsDeleted: 0,
  portraitsUpdated: 0,
};

/** What one regroup decided: computed from one read of the faces, before anything is written. */
interface Plan {
  verified: Array<GroupingFace & { personId: number }>;
  toGroup: GroupingFace[];
  decision: GroupDecision<number, number>;
  /** Per new cluster: the existing person it continues, or null for a new one. */
  kept: Array<number | null>;
  /** The user's "not this person" pairs: the face never (re)joins the person. */
  cannotLink: (faceId: number, personId: number) => boolean;
}

/** Cannot-link pairs as a lookup (FrsCannotLink). */
function cannotLinkLookup(
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

/** Reads the faces and decides; pure computation after the read, so it may run outside the write lock. */
async function decide(ops: RepositoryOps, ctx: PipelineContext): Promise<Plan> {
  // Rejected faces are not read at all; verified faces are fixed; cannot-links constrain the rest.
  const all = await ops.facesForGrouping(ctx.analyzer.embeddingModel);
  const cannotLink = cannotLinkLookup(await ops.cannotLinks());
  const verified = all.filter((f): f is GroupingFace & { personId: number } => f.isUserVerified && f.personId !== null);
  const toGroup = all.filter((f) => !f.isUserVerified);
  const decision = groupFaces(verified, toGroup, groupOptions(ctx.settings), { cannotLink });
  const protectedPersons = new Set(verified.map((f) => f.personId));
  const kept = keptPersons({ faces: toGroup, decision, protectedPersons, cannotLink });
  return { verified, toGroup, decision, kept, cannotLink };
}

/** Writes a plan (unless dry); `ops` is an open transaction, or the repository for a dry run. */
async function apply(ops: RepositoryOps, plan: Plan, dryRun: boolean): Promise<Decided> {
  const { verified, toGroup, decision, kept, cannotLink } = plan;
  const toCreate = kept.filter((p) => p === null).length;
  // A dry run stands in negative ids for the persons it would create.
  const created = dryRun ? Array.from({ length: toCreate }, (_, k) => -1 - k) : await ops.createPersons(toCreate);
  let next = 0;
  const clusterPersons = kept.map((p) => p ?? created[next++]);
  const changes = assignmentChanges(toGroup, decision, clusterPersons, cannotLink);

  // Members of every person whose faces changed, after the change.
  const finalPerson = new Map(toGroup.map((f) => [f.id, f.personId]));
  for (const c of changes) finalPerson.set(c.faceId, c.to);
  const touched = new Set(changes.flatMap((c) => [c.from, c.to]).filter((p): p is number => p !== null));
  const members = new Map<number, GroupingFace[]>([...touched].map((p) => [p, []]));
  for (const f of verified) members.get(f.personId)?.push(f);
  for (const f of toGroup) {
    const p = finalPerson.get(f.id);
    if (p !== null && p !== undefined) members.get(p)?.push(f);
  }
  const emptied = [...members].filter(([, faces]) => faces.length === 0).map(([p]) => p);

  const summary: Decided = {
    regrouped: true,
    faces: toGroup.length,
    newFaces: toGroup.filter((f) => !f.grouped).length,
    joinedVerified: decision.assignments.length,
    personsKept: kept.length - toCreate,
    personsCreated: toCreate,
    noise: decision.noise.length,
    facesAssigned: changes.filter((c) => c.from === null).length,
    facesMoved: changes.filter((c) => c.from !== null).length,
    personsEmptied: emptied.length,
    personsDeleted: 0,
    portraitsUpdated: 0,
  };
  if (dryRun) return summary;

  await ops.assignFaces(changes.map((c) => ({ faceId: c.faceId, personId: c.to })));
  faultPoint('regroup'); // inside the write transaction: a kill here must leave the previous assignment
  const portraits: PortraitUpdate[] = [...members]
    .filter(([, faces]) => faces.length > 0)
    .map(([personId, faces]) => {
      const face = choosePortrait(faces);
      return { personId, faceId: face.id, mediaFileId: face.mediaFileId };
    });
  const chosen = await ops.setPortraits(portraits);
  // Persons left with no faces of this model: portrait cleared if its face left, deleted if empty and unnamed.
  const tidied = await ops.tidyPersons(emptied);
  await ops.markFacesGrouped(toGroup.filter((f) => !f.grouped).map((f) => f.id));
  return { ...summary, personsDeleted: tidied.personsDeleted, portraitsUpdated: chosen + tidied.portraitsCleared };
}

/**
 * Clustering 100k faces takes half a minute: deciding inside the write transaction would hold the
 * database's write lock (SQLite) or row locks (SQL Server) that long and stall detection workers.
 * So the decision is made outside it, and the transaction only writes, after checking that nothing
 * the decision read has changed since (groupingFingerprint); if something has, it decides again under the lock.
 */
async function regroupOnce(ctx: PipelineContext, stage: string, dryRun: boolean): Promise<Decided> {
  if (dryRun) return apply(ctx.repo, await decide(ctx.repo, ctx), true);
  const model = ctx.analyzer.embeddingModel;
  const before = await ctx.repo.groupingFingerprint(model);
  const plan = await decide(ctx.repo, ctx);
  return ctx.repo.transaction(async (tx) => {
    if ((await tx.groupingFingerprint(model)) === before) return apply(tx, plan, false);
    ctx.log.info(`${stage}: faces changed while grouping was being decided; deciding again inside the transaction`);
    return apply(tx, await decide(tx, ctx), false);
  });
}

/** Recognise: regroups when some unverified face is new to grouping, otherwise changes nothing. */
export async function runGrouping(ctx: PipelineContext, opts: { dryRun?: boolean } = {}): Promise<GroupSummary> {
  const started = Date.now();
  const dryRun = opts.dryRun ?? false;
  const hasNew = await ctx.repo.hasUngroupedFaces(ctx.analyzer.embeddingModel);
  const result = hasNew ? await regroupOnce(ctx, 'recognise', dryRun) : NOTHING_NEW;
  const summary = { ...result, ms: Date.now() - started };
  ctx.log.info(`recognise: ${describeGrouping(summary, { detail: true, dryRun })}`);
  return summary;
}

/** Recluster: always regroups, even when no face is new. */
export async function runRecluster(ctx: PipelineContext, opts: { dryRun?: boolean } = {}): Promise<GroupSummary> {
  const started = Date.now();
  const dryRun = opts.dryRun ?? false;
  const summary = { ...(await regroupOnce(ctx, 'recluster', dryRun)), ms: Date.now() - started };
  ctx.log.info(`recluster: ${describeGrouping(summary, { detail: true, dryRun })}`);
  return summary;
}
