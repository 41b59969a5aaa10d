/** `frs export --by-person DIR [--photos]`: the replaced system's ByPerson/Person_<id> folders. */
import { exportByPerson } from '../../export/by-person.js';
import { defineCommand, EXIT } from '../command.js';
import { GROUPS } from '../help.js';
import { databaseOption, jsonOption } from '../shared-options.js';
import { UsageError } from '../usage-error.js';

export default defineCommand({
  name: 'export',
  summary: 'write one folder per person with its face thumbnails (or links to its photos)',
  description:
    'Folders are named by the name a user gave the person, Person_<id> otherwise. With --photos each folder ' +
    'holds symbolic links to the photos the person is in (copies when originals are blobs). A rerun updates ' +
    'the folder: files an earlier export wrote that no longer apply are removed (listed in DIR/.frs-export.json); ' +
    'files you added are left alone.',
  group: GROUPS.library,
  options: {
    'by-person': { type: 'string', placeholder: 'DIR', description: 'the folder to write (created when missing)' },
    photos: { type: 'boolean', description: 'link the photos instead of copying face thumbnails' },
    ...jsonOption,
    ...databaseOption,
  },
  examples: ['frs export --by-person ~/ByPerson', 'frs export --by-person ~/ByPerson --photos'],
  async run(ctx) {
    const dir = ctx.values['by-person'];
    if (!dir) throw new UsageError('frs export needs --by-person DIR.', ctx.command);
    const services = await ctx.services('read');
    const pipeline = await services.pipeline();
    const photos = ctx.values.photos ?? false;
    const summary = await exportByPerson(
      {
        repo: pipeline.ctx.repo,
        thumbnails: pipeline.ctx.thumbnails,
        locateOriginal: services.locateOriginal,
        readOriginal: services.readOriginal,
      },
      dir,
      photos,
    );
    if (ctx.values.json) ctx.printJson(summary);
    else
      ctx.print(
        `export: ${summary.persons} person(s), ${summary.files} file(s) in ${dir}, ${summary.removed} stale file(s) removed, ` +
          `${summary.skipped} face(s) without ${photos ? 'a known original' : 'a thumbnail'}`,
      );
    return EXIT.OK;
  },
});
