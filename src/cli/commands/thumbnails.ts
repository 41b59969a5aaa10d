/** `frs thumbnails [--missing]`: thumbnails made from the stored boxes (the replaced system's check_thumbnails). */
import { defineCommand, EXIT } from '../command.js';
import { GROUPS } from '../help.js';
import { openPipeline } from '../pipeline-runs.js';
import { databaseOptions, jsonOption } from '../shared-options.js';

export default defineCommand({
  name: 'thumbnails',
  summary: 'make face thumbnails from the stored boxes',
  description:
    'For every face with a box (only those without a thumbnail with --missing), reads its original ' +
    '(FRS_PATH_MAP applied) and writes a square JPEG as detection does. Every full run (all, automate, ' +
    'the timer) already does --missing. Exit code 1 when some originals could not be read.',
  group: GROUPS.library,
  options: {
    missing: { type: 'boolean', description: 'only faces that have no thumbnail yet' },
    ...jsonOption,
    ...databaseOptions,
  },
  examples: ['frs thumbnails --missing', 'frs thumbnails'],
  async run(ctx) {
    const { pipeline } = await openPipeline(ctx, 'read', undefined);
    const summary = await pipeline.thumbnails(ctx.values.missing ?? false);
    if (ctx.values.json) ctx.printJson(summary);
    else
      ctx.print(
        `thumbnails: ${summary.faces} face(s) ${pipeline.dryRun ? 'would get' : 'got'} a thumbnail, ${summary.skipped} skipped`,
      );
    return summary.skipped > 0 ? EXIT.FAILED : EXIT.OK;
  },
});
