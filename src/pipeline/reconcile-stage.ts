/**
 * Reconcile: the blob trigger can miss a photo (an Event Grid delivery that never came, or
 * a blob moved to the poison queue after its retries failed, e.g. while the database was
 * unavailable). The timer therefore lists the media container and registers blobs no item
 * knows, at most FRS_RECONCILE_LIMIT per run; the detect stage of the same run picks them up.
 */
import { asFrsError } from '../errors.js';
import { isImagePath } from '../storage/walk-images.js';
import type { PipelineContext } from './context.js';
import { count, registerFile, type RegisterSummary } from './register-stage.js';

export interface ReconcileSummary extends RegisterSummary {
  /** More unknown blobs than the limit: the next run goes on. */
  more: boolean;
}

const CHECK_BATCH = 200;

export async function reconcileOriginals(
  ctx: PipelineContext,
  opts: { dryRun?: boolean } = {},
): Promise<ReconcileSummary> {
  const { repo, settings, log } = ctx;
  const summary: ReconcileSummary = {
    found: 0,
    registered: 0,
    alreadyKnown: 0,
    changed: 0,
    moved: 0,
    copies: 0,
    failed: 0,
    more: false,
  };
  const limit = settings.FRS_RECONCILE_LIMIT;
  if (!ctx.listOriginals || limit === 0) return summary;
  const deps = { repo, maxBytes: settings.FRS_MAX_ORIGINAL_BYTES, stillExists: ctx.originalExists };
  let handled = 0;
  let batch: string[] = [];
  const flush = async (): Promise<boolean> => {
    const unknown = await repo.unknownPaths(batch);
    batch = [];
    for (const name of unknown) {
      if (handled >= limit) return false;
      handled++;
      summary.found++;
      if (opts.dryRun) continue;
      try {
        const result = await registerFile(deps, {
          path: name,
          size: null,
          modifiedMs: null,
          read: () => ctx.readOriginal(name),
        });
        count(summary, result.outcome);
      } catch (err) {
        const e = asFrsError(err);
        summary.failed++;
        log.warn(`reconcile: ${name} not registered: ${e.code}: ${e.message}`);
      }
    }
    return true;
  };
  for await (const name of ctx.listOriginals()) {
    if (!isImagePath(name)) continue;
    batch.push(name);
    if (batch.length >= CHECK_BATCH && !(await flush())) {
      summary.more = true;
      break;
    }
  }
  if (!summary.more && batch.length > 0 && !(await flush())) summary.more = true;
  if (summary.found > 0)
    log.info(
      `reconcile: ${summary.found} blob(s) no item knew${opts.dryRun ? ' (dry run: nothing registered)' : `: ${summary.registered} registered, ${summary.copies} copies, ${summary.moved} moved, ${summary.failed} failed`}` +
        (summary.more ? `; more remain for the next run (FRS_RECONCILE_LIMIT ${limit})` : ''),
    );
  return summary;
}
