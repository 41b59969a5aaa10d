/** `frs recognize` (old: `--recognize`): embeddings, then grouping into persons. */
import { defineCommand, EXIT } from '../command.js';
import { GROUPS } from '../help.js';
import { printPersons } from '../pipeline-output.js';
import { openPipeline } from '../pipeline-runs.js';
import { databaseOptions, jsonOption, reclusterOption } from '../shared-options.js';

export default defineCommand({
  name: 'recognize',
  summary: 'embed faces and group them into persons',
  description:
    'Regroups only when some face is new to grouping (always with --recluster); then prints the counts and the largest persons.',
  group: GROUPS.pipeline,
  options: { ...jsonOption, ...reclusterOption, ...databaseOptions },
  async run(ctx) {
    const { pipeline } = await openPipeline(ctx, 'write', undefined);
    if (ctx.values.recluster) await pipeline.recogniseAndRecluster();
    else await pipeline.recognise();
    await printPersons(pipeline, ctx);
    return EXIT.OK;
  },
});
