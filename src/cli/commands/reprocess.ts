/**
 * `frs reprocess <item-id|path>... | --no-faces`: queue media items again and run the pipeline
 * once, as the replaced system's users did by setting IsFacesExtracted = 0 (which FRS honours
 * too) or with its reprocess_media_missing_faces.
 */
import { resolve } from 'node:path';
import { unmapPath } from '../../storage/path-map.js';
import { defineCommand, EXIT } from '../command.js';
import { GROUPS } from '../help.js';
import { printSummary } from '../pipeline-output.js';
import { openPipeline } from '../pipeline-runs.js';
import { databaseOptions } from '../shared-options.js';
import { UsageError } from '../usage-error.js';

const isId = (arg: string) => /^\d+$/.test(arg);

export default defineCommand({
  name: 'reprocess',
  summary: 'detect faces again on given items, or on items marked extracted without faces',
  description:
    'Each argument is a media item id or a file path: as registered (MediaFile.FilePath, e.g. the replaced ' +
    "system's C:/... paths), or a local file under FRS_PATH_MAP's target. The items go back to pending " +
    '(attempts reset, IsFacesExtracted = 0), then the pipeline runs once. Items being processed right now ' +
    'are left alone. Exit code 1 when nothing matched.',
  group: GROUPS.library,
  arguments: [{ name: '<item-id|path>', description: 'media item ids or file paths', variadic: true }],
  options: {
    'no-faces': { type: 'boolean', description: 'also every item marked extracted that has no face' },
    ...databaseOptions,
  },
  examples: ['frs reprocess 12 15', 'frs reprocess "C:/Users/ADMIN/Images/hamidMir.jpg"', 'frs reprocess --no-faces'],
  async run(ctx) {
    if (ctx.args.length === 0 && !ctx.values['no-faces'])
      throw new UsageError('Give item ids or file paths, or --no-faces.', ctx.command);
    const { services, pipeline } = await openPipeline(ctx, 'read', undefined);
    const ids = ctx.args.filter(isId).map(Number);
    const paths = ctx.args
      .filter((a) => !isId(a))
      .flatMap((a) => [a, resolve(a), unmapPath(resolve(a), services.pathMap)]);
    if (pipeline.dryRun) {
      ctx.print('reprocess (dry run): nothing queued');
      return EXIT.OK;
    }
    const { repo } = pipeline.ctx;
    const queued = [
      ...(ctx.args.length ? await repo.requeueItems(ids, [...new Set(paths)]) : []),
      ...(ctx.values['no-faces'] ? await repo.requeueItemsWithoutFaces() : []),
    ];
    ctx.print(`reprocess: ${queued.length} item(s) queued again${queued.length ? ` (${queued.join(', ')})` : ''}`);
    if (queued.length === 0) {
      if (ctx.args.length) ctx.log.warn('reprocess: no item matched (ids, or paths as registered or mapped)');
      return ctx.args.length ? EXIT.FAILED : EXIT.OK;
    }
    const summary = await pipeline.runAll(ctx.progress('detect'));
    printSummary(summary, ctx.print);
    return summary.detected.failed > 0 ? EXIT.FAILED : EXIT.OK;
  },
});
