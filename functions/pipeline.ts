/**
 * Timer (every 2 hours by default, FRS_PIPELINE_SCHEDULE, so that a serverless database can pause
 * in between; uploads are detected at once by detectOnUpload): the full pipeline once —
 * reconciliation (media blobs no item knows, e.g. uploads whose events were lost), detection
 * of pending items, embeddings, grouping, queued recluster requests. The log line counts every
 * failure and the leases found stuck. Detection is
 * safe next to other workers (item leases); when another run holds the grouping lock, the
 * grouping step returns quietly and the next tick picks the work up.
 */
import { app, type InvocationContext, type Timer } from '@azure/functions';
import { getServices } from '../src/services.js';
import { describeRun } from '../src/pipeline/run-summary.js';
import { functionLogger } from './_shared/logger.js';

export async function pipelineHandler(timer: Timer, context: InvocationContext) {
  const services = getServices();
  const pipeline = await services.pipeline(functionLogger(context));
  if (timer.isPastDue) context.log('pipeline: timer is past due; running now');
  const summary = await pipeline.runAll();
  context.log(`pipeline: ${describeRun(summary)}`);
  return summary;
}

// A failed run (e.g. the database briefly unreachable) is retried with backoff rather than
// waiting for the next tick; timer triggers support runtime retry policies, blob triggers do not.
app.timer('pipeline', {
  schedule: '%FRS_PIPELINE_SCHEDULE%',
  retry: { strategy: 'exponentialBackoff', maxRetryCount: 3, minimumInterval: 10_000, maximumInterval: 120_000 },
  handler: pipelineHandler,
});
