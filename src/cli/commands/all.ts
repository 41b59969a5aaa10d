/** `frs all` (old: `--all`, and the default): detection, then recognition, once. */
import { defineCommand, EXIT } from '../command.js';
import { GROUPS } from '../help.js';
import { failureCount, loadPersonsListing, printPersons, printSummary } from '../pipeline-output.js';
import { openPipeline } from '../pipeline-runs.js';
import { databaseOptions, imagesOption, jsonOption } from '../shared-options.js';

export default defineCommand({
  name: 'all',
  summary: 'detection, then recognition, once (what frs does without a command)',
  description: 'Prints a summary and the persons. Exit code 1 when some photos could not be processed.',
  group: GROUPS.pipeline,
  options: { ...imagesOption, ...jsonOption, ...databaseOptions },
  examples: ['frs all --images ~/Pictures', 'frs all --dry-run'],
  async run(ctx) {
    const { pipeline, register } = await openPipeline(ctx, 'write', ctx.values.images);
    const registered = await register();
    const summary = await pipeline.runAll(ctx.progress('detect'));
    if (ctx.values.json) ctx.printJson({ registered, summary, ...(await loadPersonsListing(pipeline)) });
    else {
      printSummary(summary, ctx.print, registered);
      await printPersons(pipeline, ctx);
      ctx.print('See and correct the persons in the browser: frs serve (npm run serve), then open the URL it prints.');
    }
    return failureCount(summary, registered) > 0 ? EXIT.FAILED : EXIT.OK;
  },
});
