/**
 * The pipeline as one service: the seed's modes (db, recognize, all, recluster) on top of the
 * stages, with the grouping lock that keeps two processes (timer, CLI, HTTP) from creating
 * the same persons twice. Detection needs no lock: item leases already keep workers apart.
 */
import type { PipelineContext } from './context.js';
import { runDetection, type DetectSummary } from './detect-stage.js';
import { runEmbedding, type EmbedSummary } from './embed-stage.js';
import { runGrouping, runRecluster, type GroupSummary } from './group-stage.js';
import { type GroupingLease, withGroupingLock } from './grouping-lock.js';

export { GROUPING_LOCK } from './grouping-lock.js';

export interface RecognizeSummary {
  embedded: EmbedSummary;
  grouped: GroupSummary | null;
  /** True when another process held the grouping lock; nothing was grouped. */
  busy: boolean;
}

export interface RunSummary {
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
    const grouped = await this.withGroupingLock((lease) => runGrouping(this.ctx, { dryRun: this.dryRun, lease }));
    return { embedded, grouped, busy: grouped === null };
  }

  async recluster(): Promise<GroupSummary | null> {
    await runEmbedding(this.ctx, { dryRun: this.dryRun });
    return this.withGroupingLock((lease) => runRecluster(this.ctx, { dryRun: this.dryRun, lease }));
  }

  /** Detection then recognition, plus any recluster a user asked for over HTTP. */
  async runAll(onProgress?: (done: number, total: number) => void): Promise<RunSummary> {
    const started = Date.now();
    const detected = await this.detect(onProgress);
    const recognized = await this.recognize();
    const reclusterRequests = this.dryRun ? 0 : await this.serveReclusterRequests();
    return { detected, recognized, reclusterRequests, ms: Date.now() - started };
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
