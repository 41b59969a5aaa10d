/** `frs all` (old: `--all`, and the default): detection, then recognition, once. */
import { defineCommand, EXIT } from '../command.js';
import { GROUPS } from '../help.js';
import { failureCount, loadPersonsSummary, printPersons, printSummary } from '../pipeline-output.js';
import { openPipeline } from '../pipeline-runs.js';
import { databaseOptions, imagesOption, jsonOption, reclusterOption } from '../shared-options.js';

export default defineCommand({
  name: 'all',
  summary: 'detection, then recognition, once (what frs does without a command)',
  description:
    'Prints a summary of the run and of the persons (counts and the largest). Exit code 1 when some photos could not be processed.',
  group: GROUPS.pipeline,
  options: { ...imagesOption, ...jsonOption, ...reclusterOption, ...databaseOptions },
  examples: ['frs all --images ~/Pictures', 'frs all --dry-run', 'frs all --recluster'],
  async run(ctx) {
    const { pipeline, register } = await openPipeline(ctx, 'write', ctx.values.images);
    const registered = await register();
    const summary = await pipeline.runAll(ctx.progress('detect'), { recluster: ctx.values.recluster ?? false });
    if (ctx.values.json) ctx.printJson({ registered, summary, ...(await loadPersonsSummary(pipeline)) });
    else {
      printSummary(summary, ctx.print, registered);
      await printPersons(pipeline, ctx);
      ctx.print('See and correct the persons in the browser: frs serve (npm run serve), then open the URL it prints.');
    }
    return failureCount(summary, registered) > 0 ? EXIT.FAILED : EXIT.OK;
  },
});
