/** `frs demo` (what `npm start` runs): FRS on a small album of photos npm installed, explained. */
import { resolve } from 'node:path';
import { defineCommand, EXIT } from '../command.js';
import { formatDemoSummary } from '../demo-summary.js';
import { GROUPS } from '../help.js';
import { printSummary } from '../pipeline-output.js';
import { openPipeline } from '../pipeline-runs.js';
import { databaseOption } from '../shared-options.js';

export default defineCommand({
  name: 'demo',
  summary: 'run FRS on a demo album of photos npm installed and explain what it found (npm start)',
  description:
    "The album (written to --photos) holds face-api's six demo photos and two more shots made from each, so " +
    'every person appears in several photos. It is registered, detected and grouped like any folder; running ' +
    'the demo again changes nothing.',
  group: GROUPS.tools,
  options: {
    photos: {
      type: 'string',
      placeholder: 'DIR',
      default: '.frs/demo-photos',
      description: 'where to write the demo album',
    },
    ...databaseOption,
  },
  async run(ctx) {
    const photosDir = resolve(ctx.values.photos);
    const { writeDemoAlbum } = await import('../../demo/demo-album.js');
    const { registerOriginal } = await import('../../pipeline/register-stage.js');
    const { readFile } = await import('node:fs/promises');
    const { pipeline } = await openPipeline(ctx, 'write', undefined);
    const { repo, thumbnails } = pipeline.ctx;
    const files = new Map<number, string>();
    for (const file of await writeDemoAlbum(photosDir))
      files.set((await registerOriginal(repo, file, await readFile(file))).mediaItemId, file);
    const run = await pipeline.runAll(ctx.progress('detect'));
    printSummary(run, ctx.print);
    const persons = (await Promise.all((await repo.listPersons()).map((p) => repo.getPerson(p.id)))).filter(
      (p) => p !== null,
    );
    const lines = formatDemoSummary({
      photosDir,
      photos: files.size,
      files,
      persons,
      unassignedFaces: (await repo.stats()).unassignedFaces,
      thumbnailsDir: thumbnails.location,
      run,
    });
    for (const line of lines) ctx.print(line);
    return run.detected.failed > 0 ? EXIT.FAILED : EXIT.OK;
  },
});
