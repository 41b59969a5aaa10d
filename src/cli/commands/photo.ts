/** `frs photo <media-item-id|file-path>`: the faces and persons in one photo. */
import { defineCommand } from '../command.js';
import { GROUPS } from '../help.js';
import { parseId, photoLines, runPeople } from '../people-cli.js';
import { databaseOption, jsonOption } from '../shared-options.js';
import { photoView } from '../../people/people-view.js';

export default defineCommand({
  name: 'photo',
  summary: 'the faces and persons in one photo',
  description: 'A number is a media item id; anything else is the file path as registered (MediaFile.FilePath).',
  group: GROUPS.library,
  arguments: [{ name: '<media-item-id|file-path>', description: 'which photo', required: true }],
  options: { ...jsonOption, ...databaseOption },
  examples: ['frs photo 12', 'frs photo "D:\\\\Photos\\\\2023\\\\party.jpg" --json'],
  run(ctx) {
    const ref = /^\d+$/.test(ctx.args[0])
      ? { itemId: parseId(ctx.args[0], 'media item', ctx.command) }
      : { filePath: ctx.args[0] };
    return runPeople(ctx, 'read', (people) => people.photo(ref), photoLines, photoView);
  },
});
