/**
 * The pipeline as one service: the seed's modes (db, recognize, all, recluster) on top of the
 * stages, with the grouping lock that keeps two processes (timer, CLI, HTTP) from creating
 * the same persons twice. Detection needs no lock: item leases already keep workers apart.
 */
import type { PipelineContext } from './context.js';
import { runDetection, type DetectSummary } from './detect-stage.js';
import { runEmbedding, type EmbedSummary } from './embed-stage.js';
import { reconcileOriginals, type ReconcileSummary } from './reconcile-stage.js';
import { runGrouping, runRecluster, type GroupSummary } from './group-stage.js';
import { type GroupingLease, withGroupingLock } from './grouping-lock.js';
import { runThumbnails, type ThumbnailSummary } from './thumbnail-stage.js';

export { GROUPING_LOCK } from './grouping-lock.js';

/** Above this many faces a recluster may outlive an HTTP request's timeout (bench/results/recluster-scale.md). */
export const INLINE_FACE_LIMIT = 50_000;

/** How a recluster was asked for: `now` inline, `queue` for the timer, `auto` inline unless the library is large. */
export type ReclusterMode = 'auto' | 'now' | 'queue';

export type ReclusterOutcome =
  { status: 'done'; summary: GroupSummary } | { status: 'queued'; requestId: number; reason: string };

export interface RecogniseSummary {
  embedded: EmbedSummary;
  grouped: GroupSummary | null;
  /** True when another process held the grouping lock; nothing was grouped. */
  busy: boolean;
}

export interface RunSummary {
  /** Blobs of the media container no item knew, registered by this run (Blob Storage only). */
  reconciled: ReconcileSummary;
  detected: DetectSummary;
  /** Thumbnails made from their boxes for faces that had none (rows of the replaced system). */
  thumbnails: ThumbnailSummary;
  recognised: RecogniseSummary;
  reclusterRequests: number;
  ms: number;
}

export class PipelineService {
  constructor(readonly ctx: PipelineContext) {}

  get dryRun(): boolean {
    return this.ctx.settings.FRS_DRY_RUN;
  }

  detect(onProgress?: (done: number, total: number) => void): Promise<DetectSummary> {
    return runDetection(this.ctx, { dryRun: this.dryRun, onProgress });
  }

  async recognise(): Promise<RecogniseSummary> {
    const embedded = await runEmbedding(this.ctx, { dryRun: this.dryRun });
    const grouped = await this.withGroupingLock((lease) => runGrouping(this.ctx, { dryRun: this.dryRun, lease }));
    return { embedded, grouped, busy: grouped === null };
  }

  async recluster(onProgress?: (phase: string, done: number, total: number) => void): Promise<GroupSummary | null> {
    await runEmbedding(this.ctx, { dryRun: this.dryRun });
    return this.withGroupingLock((lease) => runRecluster(this.ctx, { dryRun: this.dryRun, lease, onProgress }));
  }

  /**
   * A recluster a user asked for: done now when it is small enough (or `now`), otherwise queued
   * for the pipeline timer (`serveReclusterRequests`), as it is when another process holds the
   * grouping lock. Queueing is deduplicated: one waiting request serves every asker.
   */
  async requestRecluster(mode: ReclusterMode): Promise<ReclusterOutcome> {
    const { repo } = this.ctx;
    const queue = async (reason: string): Promise<ReclusterOutcome> => ({
      status: 'queued',
      requestId: await repo.enqueueRequest('recluster', { dedupe: true }),
      reason,
    });
    if (mode === 'queue') return queue('queued as asked');
    if (mode === 'auto') {
      const { faces } = await repo.stats();
      if (faces > INLINE_FACE_LIMIT) return queue(`${faces} faces is more than one request should take`);
    }
    const summary = await this.recluster();
    return summary ? { status: 'done', summary } : queue('another process is grouping faces right now');
  }

  /** Embeddings, then a regroup even when nothing is new (the replaced system's `--recognize --recluster`). */
  async recogniseAndRecluster(): Promise<RecogniseSummary> {
    const embedded = await runEmbedding(this.ctx, { dryRun: this.dryRun });
    const grouped = await this.withGroupingLock(() => runRecluster(this.ctx, { dryRun: this.dryRun }));
    return { embedded, grouped, busy: grouped === null };
  }

  /** Thumbnails from their boxes for faces that have none (onlyMissing), or for every face. */
  thumbnails(onlyMissing = true): Promise<ThumbnailSummary> {
    return runThumbnails(this.ctx, { onlyMissing, dryRun: this.dryRun });
  }

  /**
   * Detection, missing thumbnails, then recognition (with `recluster`, a regroup even when
   * nothing is new: the replaced system's `--all --recluster`), plus any recluster a user asked
   * for over HTTP.
   */
  async runAll(
    onProgress?: (done: number, total: number) => void,
    opts: { recluster?: boolean } = {},
  ): Promise<RunSummary> {
    const started = Date.now();
    const reconciled = await reconcileOriginals(this.ctx, { dryRun: this.dryRun });
    const detected = await this.detect(onProgress);
    const thumbnails = await this.thumbnails();
    const recognised = opts.recluster ? await this.recogniseAndRecluster() : await this.recognise();
    const reclusterRequests = this.dryRun ? 0 : await this.serveReclusterRequests();
    if (!this.dryRun) await this.refreshFaceSearch();
    return { reconciled, detected, thumbnails, recognised, reclusterRequests, ms: Date.now() - started };
  }

  /**
   * Keeps the face index (find-similar, identify) in step after a run, so a user's search never
   * waits for it to be built or to catch up with a large import. A failure here costs only that:
   * the next search catches up itself.
   */
  private async refreshFaceSearch(): Promise<void> {
    const started = Date.now();
    try {
      const { indexed, built } = await this.ctx.repo.refreshFaceSearch(this.ctx.analyzer.embeddingModel);
      if (built)
        this.ctx.log.info(
          `face search: index built over ${indexed} face(s) in ${Date.now() - started} ms (once; kept up to date after each run)`,
        );
    } catch (err) {
      this.ctx.log.warn(
        `face search: could not bring the index up to date (the next search will): ${(err as Error).message}`,
      );
    }
  }

  /** Failed items (and faces that failed to embed) back to pending; returns how many items. */
  async retryFailed(): Promise<number> {
    if (this.dryRun) {
      const failed = (await this.ctx.repo.stats()).items.failed;
      this.ctx.log.info(`retry-failed (dry run): ${failed} failed item(s) would be put back; nothing changed`);
      return failed;
    }
    const n = await this.ctx.repo.retryFailedItems();
    this.ctx.log.info(`retry-failed: ${n} failed item(s) put back to pending`);
    return n;
  }

  /** Runs queued recluster requests (queued by the HTTP function when the work is too big for a request). */
  async serveReclusterRequests(): Promise<number> {
    let served = 0;
    for (
      let request = await this.ctx.repo.takeRequest('recluster');
      request;
      request = await this.ctx.repo.takeRequest('recluster')
    ) {
      try {
        const summary = await this.recluster();
        await this.ctx.repo.finishRequest(
          request.id,
          summary ? 'done' : 'failed',
          summary ?? { error: 'grouping lock busy' },
        );
      } catch (err) {
        await this.ctx.repo.finishRequest(request.id, 'failed', { error: (err as Error).message });
        throw err;
      }
      served++;
    }
    return served;
  }

  /** Runs fn holding the grouping lock, renewed while it runs (grouping-lock.ts); null when another process holds it. */
  private async withGroupingLock<T>(fn: (lease: GroupingLease) => Promise<T>): Promise<T | null> {
    const result = await withGroupingLock(this.ctx, fn);
    if (result === null) this.ctx.log.info('recognise: another process is grouping faces right now; skipped this time');
    return result;
  }
}
