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
import { isLowQuality } from '../vision/face-quality.js';
import { faultPoint } from './fault-point.js';
import type { PipelineContext } from './context.js';
import type { GroupingLease } from './grouping-lock.js';
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
  /** True when faces kept changing while each decision was made: nothing written, the next run regroups. */
  deferred?: boolean;
  ms: number;
}

type Decided = Omit<GroupSummary, 'ms'>;

export function groupOptions(settings: Settings): GroupOptions {
  return {
    threshold: settings.FRS_MATCH_THRESHOLD,
    mode: settings.FRS_MATCH_MODE,
    lowQualityThreshold: settings.FRS_LOW_QUALITY_MATCH_THRESHOLD,
    eps: settings.FRS_DBSCAN_EPS,
    minPts: settings.FRS_DBSCAN_MIN_POINTS,
    umap: settings.FRS_UMAP_ENABLED ? { dimensions: settings.FRS_UMAP_DIMENSIONS } : undefined,
    mergeThreshold: settings.FRS_CLUSTER_MERGE_THRESHOLD < 1 ? settings.FRS_CLUSTER_MERGE_THRESHOLD : undefined,
    noiseEps: settings.FRS_DBSCAN_NOISE_EPS > 0 ? settings.FRS_DBSCAN_NOISE_EPS : undefined,
  };
}

/** The faces of one regroup as groupFaces takes them: low quality (FRS_MIN_FACE_QUALITY) marked. */
export function facesToGroup(faces: GroupingFace[], settings: Settings): Array<GroupingFace & { lowQuality: boolean }> {
  return faces.map((f) => ({ ...f, lowQuality: isLowQuality(f.quality, settings.FRS_MIN_FACE_QUALITY) }));
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
  const decision = groupFaces(verified, facesToGroup(toGroup, ctx.settings), groupOptions(ctx.settings), {
    cannotLink,
  });
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

/** Decisions made per regroup before it gives way to the writers that keep changing the faces. */
export const MAX_DECISIONS = 3;

export interface RegroupOptions {
  dryRun?: boolean;
  /** The grouping lock this regroup holds: checked before deciding, confirmed inside the write transaction. */
  lease?: GroupingLease;
}

/**
 * Clustering 100k faces takes half a minute: deciding inside the write transaction would hold the
 * database's write lock (SQLite) or table locks (SQL Server) that long and stall detection workers
 * and the HTTP API. So the decision is made outside it, and the transaction only writes: it first
 * confirms the grouping lock, then reads the fingerprint holding Faces and Persons against other
 * writers until commit, and writes only when nothing the decision read has changed since. When
 * something has, the transaction ends at once and the regroup decides again outside it, at most
 * MAX_DECISIONS times; after that it leaves the faces for the next run (they are still ungrouped).
 */
async function regroupOnce(ctx: PipelineContext, stage: string, opts: RegroupOptions): Promise<Decided> {
  if (opts.dryRun) return apply(ctx.repo, await decide(ctx.repo, ctx), true);
  const model = ctx.analyzer.embeddingModel;
  for (let decision = 1; decision <= MAX_DECISIONS; decision++) {
    opts.lease?.assertHeld();
    const before = await ctx.repo.groupingFingerprint(model);
    const plan = await decide(ctx.repo, ctx);
    opts.lease?.assertHeld();
    const written = await ctx.repo.transaction(async (tx) => {
      await opts.lease?.confirm(tx);
      if ((await tx.groupingFingerprint(model, { holdForWrite: true })) !== before) return null;
      return apply(tx, plan, false);
    });
    if (written) return written;
    ctx.log.info(`${stage}: faces changed while grouping was being decided (decision ${decision} of ${MAX_DECISIONS})`);
  }
  ctx.log.warn(`${stage}: faces kept changing while grouping was decided; nothing written, the next run groups them`);
  return { ...NOTHING_NEW, deferred: true };
}

/** Recognise: regroups when some unverified face is new to grouping, otherwise changes nothing. */
export async function runGrouping(ctx: PipelineContext, opts: RegroupOptions = {}): Promise<GroupSummary> {
  const started = Date.now();
  const dryRun = opts.dryRun ?? false;
  const hasNew = await ctx.repo.hasUngroupedFaces(ctx.analyzer.embeddingModel);
  const result = hasNew ? await regroupOnce(ctx, 'recognise', opts) : NOTHING_NEW;
  const summary = { ...result, ms: Date.now() - started };
  ctx.log.info(`recognise: ${describeGrouping(summary, { detail: true, dryRun })}`);
  return summary;
}

/** Recluster: always regroups, even when no face is new. */
export async function runRecluster(ctx: PipelineContext, opts: RegroupOptions = {}): Promise<GroupSummary> {
  const started = Date.now();
  const dryRun = opts.dryRun ?? false;
  const summary = { ...(await regroupOnce(ctx, 'recluster', opts)), ms: Date.now() - started };
  ctx.log.info(`recluster: ${describeGrouping(summary, { detail: true, dryRun })}`);
  return summary;
}
