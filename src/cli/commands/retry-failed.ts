/** `frs retry-failed`: failed photos (and faces that failed to embed) back in the queue. */
import { defineCommand, EXIT } from '../command.js';
import { GROUPS } from '../help.js';
import { openPipeline } from '../pipeline-runs.js';
import { databaseOptions, jsonOption } from '../shared-options.js';

export default defineCommand({
  name: 'retry-failed',
  summary: 'put failed photos (and faces that failed to embed) back, to be tried again',
  description:
    'Failed media items go back to pending with their attempts reset; the next db, all, watch or automate ' +
    'run (or the pipeline timer) tries them again. Same as POST /api/items/retry-failed.',
  group: GROUPS.pipeline,
  options: { ...jsonOption, ...databaseOptions },
  examples: ['frs retry-failed', 'frs retry-failed --json'],
  async run(ctx) {
    const { pipeline } = await openPipeline(ctx, 'read', undefined);
    const retried = await pipeline.retryFailed();
    if (ctx.values.json) ctx.printJson({ retried, dryRun: pipeline.dryRun });
    else ctx.print(`${retried} failed item(s) ${pipeline.dryRun ? 'would be put' : 'put'} back to pending`);
    return EXIT.OK;
  },
});
