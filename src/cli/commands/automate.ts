/** `frs automate` (old: `--automate`): the full pipeline every interval. */
import { defineCommand, EXIT } from '../command.js';
import { GROUPS } from '../help.js';
import { failureCount, printSummary } from '../pipeline-output.js';
import { openPipeline, parseDuration, runCycles } from '../pipeline-runs.js';
import { databaseOptions, imagesOption, loopOptions } from '../shared-options.js';

export default defineCommand({
  name: 'automate',
  summary: 'the full pipeline (as "all") every --interval',
  description: 'Stops after the current cycle on Ctrl+C. Exit code 1 when some photos failed in any cycle.',
  group: GROUPS.pipeline,
  options: { ...imagesOption, ...loopOptions, ...databaseOptions },
  examples: ['frs automate --images ~/Pictures --interval 10m'],
  async run(ctx) {
    const intervalMs = parseDuration(ctx.values.interval);
    const { pipeline, register } = await openPipeline(ctx, 'write', ctx.values.images);
    let failed = 0;
    await runCycles(ctx, { intervalMs, once: ctx.values.once ?? false }, async () => {
      const registered = await register();
      const summary = await pipeline.runAll(ctx.progress('detect'));
      failed += failureCount(summary, registered);
      printSummary(summary, ctx.print, registered);
    });
    return failed > 0 ? EXIT.FAILED : EXIT.OK;
  },
});
