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

export const GROUPING_LOCK = 'grouping';

export interface RecognizeSummary {
  embedded: EmbedSummary;
  grouped: GroupSummary | null;
  /** True when another process held the grouping lock; nothing was grouped. */
  busy: boolean;
}

export interface RunSummary {
  /** Blobs of the media container no item knew, registered by this run (Blob Storage only). */
  reconciled: ReconcileSummary;
  detected: DetectSummary;
  recognized: RecognizeSummary;
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

  async recognize(): Promise<RecognizeSummary> {
    const embedded = await runEmbedding(this.ctx, { dryRun: this.dryRun });
    const grouped = await this.withGroupingLock(() => runGrouping(this.ctx, { dryRun: this.dryRun }));
    return { embedded, grouped, busy: grouped === null };
  }

  async recluster(): Promise<GroupSummary | null> {
    await runEmbedding(this.ctx, { dryRun: this.dryRun });
    return this.withGroupingLock(() => runRecluster(this.ctx, { dryRun: this.dryRun }));
  }

  /** Detection then recognition, plus any recluster a user asked for over HTTP. */
  async runAll(onProgress?: (done: number, total: number) => void): Promise<RunSummary> {
    const started = Date.now();
    const reconciled = await reconcileOriginals(this.ctx, { dryRun: this.dryRun });
    const detected = await this.detect(onProgress);
    const recognized = await this.recognize();
    const reclusterRequests = this.dryRun ? 0 : await this.serveReclusterRequests();
    return { reconciled, detected, recognized, reclusterRequests, ms: Date.now() - started };
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

  private async withGroupingLock<T>(fn: () => Promise<T>): Promise<T | null> {
    const { repo, workerId, settings, log } = this.ctx;
    if (!(await repo.acquireLock(GROUPING_LOCK, workerId, settings.FRS_LEASE_SECONDS))) {
      log.info('recognise: another process is grouping faces right now; skipped this time');
      return null;
    }
    try {
      return await fn();
    } finally {
      await repo.releaseLock(GROUPING_LOCK, workerId);
    }
  }
}
