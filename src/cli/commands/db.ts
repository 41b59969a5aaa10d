/** `frs db` (old: `--db`): detect faces on every unprocessed media item, once. */
import { defineCommand, EXIT } from '../command.js';
import { GROUPS } from '../help.js';
import { openPipeline } from '../pipeline-runs.js';
import { databaseOptions, imagesOption } from '../shared-options.js';

export default defineCommand({
  name: 'db',
  summary: 'detect faces on all unprocessed media items once',
  description: 'Exit code 1 when some photos could not be processed (they are retried on a later run).',
  group: GROUPS.pipeline,
  options: { ...imagesOption, ...databaseOptions },
  examples: ['frs db --images ~/Pictures'],
  async run(ctx) {
    const { pipeline, register } = await openPipeline(ctx, 'write', ctx.values.images);
    await register();
    const detected = await pipeline.detect(ctx.progress('detect'));
    return detected.failed > 0 ? EXIT.FAILED : EXIT.OK;
  },
});
