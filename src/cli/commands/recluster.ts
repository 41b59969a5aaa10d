/** `frs recluster` (old: `--recluster`): regroup every unverified face now. */
import { defineCommand, EXIT } from '../command.js';
import { GROUPS } from '../help.js';
import { printPersons } from '../pipeline-output.js';
import { openPipeline } from '../pipeline-runs.js';
import { databaseOptions, jsonOption } from '../shared-options.js';

export default defineCommand({
  name: 'recluster',
  summary: 'regroup every unverified face now, even when nothing is new',
  description:
    'Ids of persons whose faces stay together survive; user-verified faces never move. Exit code 1 when ' +
    'another process is grouping right now (nothing was changed; try again).',
  group: GROUPS.pipeline,
  options: { ...jsonOption, ...databaseOptions },
  async run(ctx) {
    const { pipeline } = await openPipeline(ctx, 'read', undefined);
    // One progress line per phase of a streamed recluster (reading faces, components, deciding, writing).
    const printers = new Map<string, (done: number, total: number) => void>();
    const summary = await pipeline.recluster((phase, done, total) => {
      let print = printers.get(phase);
      if (!print) printers.set(phase, (print = ctx.progress(`recluster: ${phase}`)));
      print(done, total);
    });
    if (!summary) {
      ctx.log.warn('recluster: another process is grouping faces right now; nothing changed, try again later');
      return EXIT.FAILED;
    }
    await printPersons(pipeline, ctx);
    return EXIT.OK;
  },
});
