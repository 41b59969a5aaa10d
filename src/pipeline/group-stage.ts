/**
 * Recognise (grouping): unassigned faces join an existing person when similar enough, the rest
 * are clustered with DBSCAN into new persons, and every person touched gets its portrait
 * re-chosen. Decisions are computed first, then written in one transaction.
 * Recluster does the same after undoing all unverified assignments, inside one transaction,
 * so a crash leaves the previous assignment intact.
 */
import { groupFaces, type GroupOptions } from '../clustering/group.js';
import { choosePortrait } from '../clustering/portrait.js';
import type { PersonFace, RepositoryOps, UnassignedFace } from '../data/repository.js';
import type { Settings } from '../config/settings.js';
import type { PipelineContext } from './context.js';

export interface GroupSummary {
  unassigned: number;
  joinedExisting: number;
  personsCreated: number;
  facesInNewPersons: number;
  noise: number;
  portraitsUpdated: number;
  /** Recluster only. */
  facesReset?: number;
  personsDeleted?: number;
  ms: number;
}

export function groupOptions(settings: Settings): GroupOptions {
  return {
    threshold: settings.FRS_MATCH_THRESHOLD,
    mode: settings.FRS_MATCH_MODE,
    eps: settings.FRS_DBSCAN_EPS,
    minPts: settings.FRS_DBSCAN_MIN_POINTS,
    umap: settings.FRS_UMAP_ENABLED ? { dimensions: settings.FRS_UMAP_DIMENSIONS } : undefined,
  };
}

/** Reads, decides and (unless dry) writes; `ops` is the repository or an open transaction. */
async function groupWith(ops: RepositoryOps, ctx: PipelineContext, dryRun: boolean): Promise<Omit<GroupSummary, 'ms'>> {
  const model = ctx.analyzer.embeddingModel;
  const [known, unassigned] = await Promise.all([ops.facesOfPersons(model), ops.unassignedFaces(model)]);
  const decision = groupFaces(known, unassigned, groupOptions(ctx.settings));
  const summary = {
    unassigned: unassigned.length,
    joinedExisting: decision.assignments.length,
    personsCreated: decision.newClusters.length,
    facesInNewPersons: decision.newClusters.reduce((n, c) => n + c.length, 0),
    noise: decision.noise.length,
    portraitsUpdated: 0,
  };
  if (dryRun || (decision.assignments.length === 0 && decision.newClusters.length === 0)) return summary;

  await ops.assignFaces(decision.assignments);
  const personIds = await ops.createPersons(decision.newClusters.length);
  await ops.assignFaces(decision.newClusters.flatMap((faceIds, k) => faceIds.map((faceId) => ({ faceId, personId: personIds[k] }))));

  // Portraits of every person whose faces changed.
  const byId = new Map<number, UnassignedFace>(unassigned.map((f) => [f.id, f]));
  const members = new Map<number, Array<UnassignedFace | PersonFace>>();
  const add = (personId: number, face: UnassignedFace | PersonFace) => members.set(personId, [...(members.get(personId) ?? []), face]);
  const touched = new Set<number>([...decision.assignments.map((a) => a.personId), ...personIds]);
  for (const f of known) if (touched.has(f.personId)) add(f.personId, f);
  for (const a of decision.assignments) add(a.personId, byId.get(a.faceId)!);
  decision.newClusters.forEach((faceIds, k) => faceIds.forEach((id) => add(personIds[k], byId.get(id)!)));
  const portraits = [...members].map(([personId, faces]) => {
    const face = choosePortrait(faces);
    return { personId, faceId: face.id, mediaFileId: face.mediaFileId };
  });
  summary.portraitsUpdated = await ops.setPortraits(portraits);
  return summary;
}

export async function runGrouping(ctx: PipelineContext, opts: { dryRun?: boolean } = {}): Promise<GroupSummary> {
  const started = Date.now();
  const result = opts.dryRun ? await groupWith(ctx.repo, ctx, true) : await ctx.repo.transaction((tx) => groupWith(tx, ctx, false));
  const summary = { ...result, ms: Date.now() - started };
  ctx.log.info(
    `recognise${opts.dryRun ? ' (dry run)' : ''}: ${summary.unassigned} unassigned face(s): ${summary.joinedExisting} joined existing persons, ` +
      `${summary.personsCreated} new person(s) with ${summary.facesInNewPersons} face(s), ${summary.noise} left unassigned, ${summary.ms} ms`,
  );
  return summary;
}

export async function runRecluster(ctx: PipelineContext, opts: { dryRun?: boolean } = {}): Promise<GroupSummary> {
  const started = Date.now();
  const result = await ctx.repo.transaction(async (tx) => {
    const reset = await tx.resetAssignments();
    const grouped = await groupWith(tx, ctx, false);
    // A dry run computes inside the transaction and then throws to roll everything back.
    if (opts.dryRun) throw new DryRunRollback({ ...grouped, facesReset: reset.facesUnassigned, personsDeleted: reset.personsDeleted });
    return { ...grouped, facesReset: reset.facesUnassigned, personsDeleted: reset.personsDeleted };
  }).catch((err: unknown) => {
    if (err instanceof DryRunRollback) return err.summary;
    throw err;
  });
  const summary = { ...result, ms: Date.now() - started };
  ctx.log.info(
    `recluster${opts.dryRun ? ' (dry run, rolled back)' : ''}: ${summary.facesReset} face(s) unassigned, ${summary.personsDeleted} empty person(s) removed; ` +
      `${summary.joinedExisting} joined existing persons, ${summary.personsCreated} new person(s), ${summary.noise} left unassigned, ${summary.ms} ms`,
  );
  return summary;
}

class DryRunRollback extends Error {
  constructor(readonly summary: Omit<GroupSummary, 'ms'>) {
    super('dry run: rolled back');
  }
}
