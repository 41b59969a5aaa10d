/** `frs watch` (old: `--watch`): keep detecting new items every interval. */
import { defineCommand, EXIT } from '../command.js';
import { GROUPS } from '../help.js';
import { openPipeline, parseDuration, runCycles } from '../pipeline-runs.js';
import { databaseOptions, imagesOption, loopOptions } from '../shared-options.js';

export default defineCommand({
  name: 'watch',
  summary: 'keep detecting new items (and new files under --images) every --interval',
  description: 'Stops after the current cycle on Ctrl+C. Exit code 1 when some photos failed in any cycle.',
  group: GROUPS.pipeline,
  options: { ...imagesOption, ...loopOptions, ...databaseOptions },
  examples: ['frs watch --images ~/Pictures --interval 1m'],
  async run(ctx) {
    const intervalMs = parseDuration(ctx.values.interval);
    const { pipeline, register } = await openPipeline(ctx, 'write', ctx.values.images);
    let failed = 0;
    await runCycles(ctx, { intervalMs, once: ctx.values.once ?? false }, async () => {
      await register();
      failed += (await pipeline.detect(ctx.progress('detect'))).failed;
    });
    return failed > 0 ? EXIT.FAILED : EXIT.OK;
  },
});
