/** `frs recognize` (old: `--recognize`): embeddings, then grouping into persons. */
import { defineCommand, EXIT } from '../command.js';
import { GROUPS } from '../help.js';
import { printPersons } from '../pipeline-output.js';
import { openPipeline } from '../pipeline-runs.js';
import { databaseOptions, jsonOption } from '../shared-options.js';

export default defineCommand({
  name: 'recognize',
  summary: 'embed faces and group them into persons',
  description: 'Regroups only when some face is new to grouping; then lists the persons.',
  group: GROUPS.pipeline,
  options: { ...jsonOption, ...databaseOptions },
  async run(ctx) {
    const { pipeline } = await openPipeline(ctx, 'write', undefined);
    await pipeline.recognise();
    await printPersons(pipeline, ctx);
    return EXIT.OK;
  },
});
