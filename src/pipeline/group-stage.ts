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
 * to grouping (Faces.GroupedAt) or marked by a people action, so a run with nothing new stays one
 * cheap query; recluster always regroups.
 *
 * Without UMAP, recluster stores the components (the grouping index: interaction-radius.ts) and
 * recognise regroups only the components its faces touch (incremental-grouping.ts), with the same
 * result. With nearest-face matching recluster decides one component at a time; with centroid
 * matching (means relate faces across components) it decides over all faces in one call (whose
 * DBSCAN passes still search one component at a time: the pair search is made once), and an
 * incremental run widens its closure by the means' reach (centroid-closure.ts). UMAP is not local:
 * there both regroup every face, as before.
 */
import { decideByComponents, type FaceSource } from '../clustering/component-decision.js';
import { coneOf, componentLabelsOfRows, componentMembers, indexedComponentLabels } from '../clustering/components.js';
import { groupFaces, type GroupDecision } from '../clustering/group.js';
import { interactionRadius, isCentroidMode } from '../clustering/interaction-radius.js';
import { joinedAlongMerges } from '../clustering/centroid-closure.js';
import { keptPersons } from '../clustering/reconcile.js';
import type { GroupingFace, NewComponent, RepositoryOps } from '../data/repository.js';
import { isLowQuality } from '../vision/face-quality.js';
import { FaceRows, type FaceTable } from './face-columns.js';
import type { PipelineContext } from './context.js';
import { applyPlan, cannotLinkLookup, type Applied, type Plan } from './group-apply.js';
import { readFaceMatrix } from './face-matrix.js';
import {
  decideIncrementally,
  unchangedSince,
  type IncrementalInput,
  type IncrementalPlan,
} from './incremental-grouping.js';
import type { GroupingLease } from './grouping-lock.js';
import { describeGrouping } from './run-summary.js';
import { facesToGroup, groupOptions, settingsKey } from './grouping-settings.js';

export interface GroupSummary extends Omit<Applied, 'regrouped'> {
  /** False when recognise found no face new to grouping and left everything as it was. */
  regrouped: boolean;
  /** True when faces kept changing while each decision was made: nothing written, the next run regroups. */
  deferred?: boolean;
  /** True when the run regrouped only the components its faces touch (incremental-grouping.ts). */
  incremental?: boolean;
  /** True when new faces were left for the next run (FRS_GROUPING_BATCH_FACES). */
  more?: boolean;
  ms: number;
}

type Decided = Omit<GroupSummary, 'ms'>;

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

/** Reads every face and decides; pure computation after the read, so it may run outside the write lock. */
async function decide(ops: RepositoryOps, ctx: PipelineContext, opts: RegroupOptions): Promise<FullPlan> {
  const model = ctx.analyzer.embeddingModel;
  const options = groupOptions(ctx.settings);
  const radius = interactionRadius(options);
  const report = opts.onProgress;
  // Dirty marks read first: the regroup deals with every mark made before it read the faces.
  const settled = (await ops.groupingWork(model, 0)).dirty.map((f) => f.faceId);
  // Rejected faces are not read at all; verified faces are fixed; cannot-links constrain the rest.
  if (radius === null) {
    const all = await ops.facesForGrouping(model);
    const cannotLink = cannotLinkLookup(await ops.cannotLinks());
    const verified = all.filter(isVerified);
    const toGroup = facesToGroup(
      all.filter((f) => !f.isUserVerified),
      ctx.settings.FRS_MIN_FACE_QUALITY,
    );
    const decision = groupFaces(verified, toGroup, options, { cannotLink });
    const newlyGrouped = toGroup.filter((f) => !f.grouped).map((f) => f.id);
    return planOf({ verified, toGroup, decision, cannotLink, newlyGrouped, components: null, settled });
  }
  const table = await readFaceMatrix(ops, model, (done, total) => report?.('reading faces', done, total));
  const cannotLink = cannotLinkLookup(await ops.cannotLinks());
  report?.('components', 0, table.length);
  let labels = (await storedComponentLabels(ops, model, table, radius)) ?? everyComponent(table, radius);
  report?.('components', table.length, table.length);
  const minFaceQuality = ctx.settings.FRS_MIN_FACE_QUALITY;
  const newlyGrouped: number[] = [];
  for (let i = 0; i < table.length; i++) if (!table.grouped(i)) newlyGrouped.push(table.id(i));
  // Verified faces (few) as objects; the others by row, with their component and quality mark.
  const verified: Array<GroupingFace & { personId: number }> = [];
  const known: number[] = [];
  let unverifiedCount = 0;
  for (let i = 0; i < table.length; i++) if (!table.isUserVerified(i)) unverifiedCount++;
  const rows = new Int32Array(unverifiedCount);
  const unassigned = new Int32Array(unverifiedCount);
  const lowQuality = new Uint8Array(unverifiedCount);
  for (let i = 0, k = 0; i < table.length; i++) {
    if (!table.isUserVerified(i)) {
      rows[k] = i;
      unassigned[k] = labels[i];
      lowQuality[k++] = isLowQuality(table.quality(i), minFaceQuality) ? 1 : 0;
    } else if (table.personId(i) !== null) {
      verified.push(table.face(i) as GroupingFace & { personId: number });
      known.push(labels[i]);
    }
  }
  let decision: GroupDecision<number, number>;
  if (isCentroidMode(options)) {
    // Means relate faces across components (centroid-closure.ts): one decision over every face,
    // whose DBSCAN passes search one component at a time (their pairs lie within R). groupFaces
    // takes an array, so here every face gets a small object (id, a view of its row, its mark).
    const faces = Array.from(rows, (row, k) => ({
      id: table.id(row),
      embedding: table.embedding(row),
      lowQuality: lowQuality[k] === 1,
    }));
    decision = groupFaces(verified, faces, options, { cannotLink }, { components: unassigned });
    // A cluster merged from several components makes them one (centroid-closure.ts).
    labels = joinedAlongMerges(labels, (id) => table.positionOf(id), decision);
  } else {
    // The same decision one component at a time (component-decision.ts), over the table's rows:
    // an object for one component's faces while it is decided.
    const faces: FaceSource<number> = {
      length: rows.length,
      id: (k) => table.id(rows[k]),
      embedding: (k) => table.embedding(rows[k]),
      lowQuality: (k) => lowQuality[k] === 1,
    };
    decision = decideByComponents(verified, faces, { known, unassigned }, options, { cannotLink }, ({ done, total }) =>
      report?.('deciding', done, total),
    );
  }
  const toGroup = new FaceRows(table, rows);
  // The components become the index.
  const added = componentMembers(labels).map((m) => ({
    ...coneOf(m.map((i) => table.embedding(i))),
    faceIds: m.map((i) => table.id(i)),
  }));
  const settingsOfIndex = settingsKey(options, minFaceQuality);
  const components = { radius, settings: settingsOfIndex, added, settled };
  return planOf({ verified, toGroup, decision, cannotLink, newlyGrouped, components, settled });
}

const isVerified = <F extends GroupingFace>(f: F): f is F & { personId: number } =>
  f.isUserVerified && f.personId !== null;

/** A full plan from a decision: which existing person each new cluster continues. */
function planOf(plan: Omit<FullPlan, 'kept' | 'others'>): FullPlan {
  const protectedPersons = new Set(plan.verified.map((f) => f.personId));
  const kept = keptPersons({
    faces: plan.toGroup,
    decision: plan.decision,
    protectedPersons,
    cannotLink: plan.cannotLink,
  });
  return { ...plan, others: [], kept };
}

/** Components of every face by the pair search (no usable index); the cone tree reads the matrix in place. */
function everyComponent(table: FaceTable, radius: number): Int32Array {
  return componentLabelsOfRows(table.matrix.subarray(0, table.length * table.dim), table.dim, radius);
}

/** Faces that no stored component holds, past which a recluster searches all pairs instead. */
const MAX_LOOSE_FACES = 2000;

/**
 * The components from the grouping index when it was built at this radius or a wider one (a
 * recluster after verifying faces, or after a smaller eps): only pairs inside stored components
 * and around new faces are looked at. Null when there is no such index or too much is new.
 */
async function storedComponentLabels(
  ops: RepositoryOps,
  model: string,
  table: FaceTable,
  radius: number,
): Promise<Int32Array | null> {
  const index = await ops.groupingIndexInfo(model);
  if (!index || index.settings === 'not-local' || index.radius < radius) return null;
  const cones = await ops.groupingCones(model);
  const faces = {
    length: table.length,
    embedding: (i: number) => table.embedding(i),
    group: (i: number) => (table.grouped(i) ? table.componentId(i) : null),
  };
  return indexedComponentLabels(faces, cones, radius, MAX_LOOSE_FACES);
}

/** A full regroup's plan; with an interaction radius it also rebuilds the grouping index. */
interface FullPlan extends Plan {
  components: { radius: number; settings: string; added: NewComponent[]; settled: number[] } | null;
  settled: number[];
}

/** Writes a full plan and, where the decision is local, the grouping index it computed. */
async function apply(
  ops: RepositoryOps,
  plan: FullPlan,
  model: string,
  dryRun: boolean,
  report?: RegroupOptions['onProgress'],
): Promise<Decided> {
  report?.('writing', 0, 1);
  const applied = await applyPlan(ops, plan, dryRun);
  // Not local: no index (its persons were decided otherwise), but the marks are dealt with.
  const index = plan.components ?? { radius: 0, settings: 'not-local', added: [], settled: plan.settled };
  if (!dryRun) await ops.saveGroupingComponents({ model, replaceAll: true, removed: [], ...index });
  report?.('writing', 1, 1);
  return applied;
}

/** Decisions made per regroup before it gives way to the writers that keep changing the faces. */
export const MAX_DECISIONS = 3;

export interface RegroupOptions {
  dryRun?: boolean;
  /** Progress of a full regroup, by phase (reading faces, components, deciding, writing). */
  onProgress?: (phase: string, done: number, total: number) => void;
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
  const model = ctx.analyzer.embeddingModel;
  if (opts.dryRun) return apply(ctx.repo, await decide(ctx.repo, ctx, opts), model, true, opts.onProgress);
  for (let decision = 1; decision <= MAX_DECISIONS; decision++) {
    opts.lease?.assertHeld();
    const before = await ctx.repo.groupingFingerprint(model);
    const plan = await decide(ctx.repo, ctx, opts);
    opts.lease?.assertHeld();
    const written = await ctx.repo.transaction(async (tx) => {
      await opts.lease?.confirm(tx);
      if ((await tx.groupingFingerprint(model, { holdForWrite: true })) !== before) return null;
      return apply(tx, plan, model, false, opts.onProgress);
    });
    if (written) return written;
    ctx.log.info(`${stage}: faces changed while grouping was being decided (decision ${decision} of ${MAX_DECISIONS})`);
  }
  ctx.log.warn(`${stage}: faces kept changing while grouping was decided; nothing written, the next run groups them`);
  return { ...NOTHING_NEW, deferred: true };
}

/**
 * An incremental regroup under the same protocol as regroupOnce: decide outside the write
 * transaction, then confirm the lock and a fingerprint of what the decision read (its faces,
 * their persons, the dirty marks) inside it. Between deciding and reading the fingerprint the
 * faces are read once more (unchangedSince), so a change in between is caught too.
 */
async function regroupIncrementally(
  ctx: PipelineContext,
  input: IncrementalInput,
  opts: RegroupOptions,
): Promise<Decided> {
  const { model } = input;
  const finish = (plan: IncrementalPlan, applied: Decided): Decided => ({
    ...applied,
    incremental: true,
    more: plan.more,
  });
  if (opts.dryRun) {
    const plan = await decideIncrementally(ctx.repo, input);
    return plan ? finish(plan, await applyPlan(ctx.repo, plan, true)) : NOTHING_NEW;
  }
  for (let decision = 1; decision <= MAX_DECISIONS; decision++) {
    opts.lease?.assertHeld();
    const plan = await decideIncrementally(ctx.repo, input);
    if (!plan) return NOTHING_NEW;
    const before = await ctx.repo.groupingFingerprintOf(model, plan.selection);
    if (await unchangedSince(ctx.repo, model, plan)) {
      opts.lease?.assertHeld();
      const written = await ctx.repo.transaction(async (tx) => {
        await opts.lease?.confirm(tx);
        if ((await tx.groupingFingerprintOf(model, plan.selection, { holdForWrite: true })) !== before) return null;
        const applied = await applyPlan(tx, plan, false);
        await tx.saveGroupingComponents({
          model,
          radius: input.radius,
          settings: input.settings,
          removed: plan.removedComponents,
          added: plan.addedComponents,
          settled: plan.settled,
        });
        return applied;
      });
      if (written) return finish(plan, written);
    }
    ctx.log.info(
      `recognise: faces changed while grouping was being decided (decision ${decision} of ${MAX_DECISIONS})`,
    );
  }
  ctx.log.warn('recognise: faces kept changing while grouping was decided; nothing written, the next run groups them');
  return { ...NOTHING_NEW, deferred: true };
}

/** How this library regroups: incrementally over a usable index, or every face (and, when local, rebuild the index). */
async function groupingMode(ctx: PipelineContext): Promise<IncrementalInput | 'full' | 'rebuild'> {
  const options = groupOptions(ctx.settings);
  const radius = interactionRadius(options);
  if (radius === null) {
    if (!notedNotLocal) {
      notedNotLocal = true;
      ctx.log.info(
        'grouping: UMAP relates faces across the whole library, so each regroup reads every face (without UMAP regroups are incremental)',
      );
    }
    return 'full';
  }
  const model = ctx.analyzer.embeddingModel;
  const index = await ctx.repo.groupingIndexInfo(model);
  if (!index || index.settings !== settingsKey(options, ctx.settings.FRS_MIN_FACE_QUALITY)) return 'rebuild';
  return {
    model,
    options,
    radius: index.radius,
    settings: index.settings,
    batchFaces: ctx.settings.FRS_GROUPING_BATCH_FACES,
    minFaceQuality: ctx.settings.FRS_MIN_FACE_QUALITY,
  };
}
let notedNotLocal = false;

/**
 * Recognise: regroups what is new to grouping (or marked by people actions). Incremental where the
 * decision is local and the index is built; otherwise every face, when some face is new (the first
 * such run builds the index).
 */
export async function runGrouping(ctx: PipelineContext, opts: RegroupOptions = {}): Promise<GroupSummary> {
  const started = Date.now();
  const dryRun = opts.dryRun ?? false;
  const mode = await groupingMode(ctx);
  let result: Decided;
  if (typeof mode === 'object') result = await regroupIncrementally(ctx, mode, opts);
  else {
    const model = ctx.analyzer.embeddingModel;
    const hasNew =
      (await ctx.repo.hasUngroupedFaces(model)) ||
      (mode === 'rebuild' && (await ctx.repo.groupingWork(model, 1)).newFaces.length > 0);
    result = hasNew ? await regroupOnce(ctx, 'recognise', opts) : NOTHING_NEW;
  }
  const summary = { ...result, ms: Date.now() - started };
  ctx.log.info(`recognise: ${describeGrouping(summary, { detail: true, dryRun })}`);
  return summary;
}

/** Recluster: always regroups every face, even when none is new (and rebuilds the index where the decision is local). */
export async function runRecluster(ctx: PipelineContext, opts: RegroupOptions = {}): Promise<GroupSummary> {
  const started = Date.now();
  const dryRun = opts.dryRun ?? false;
  const summary = { ...(await regroupOnce(ctx, 'recluster', opts)), ms: Date.now() - started };
  ctx.log.info(`recluster: ${describeGrouping(summary, { detail: true, dryRun })}`);
  return summary;
}
