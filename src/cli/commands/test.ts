/** `frs test <image|folder>...` (old: `--test <image>`): detect faces in files; no database. */
import { defineCommand, EXIT } from '../command.js';
import { GROUPS } from '../help.js';
import { jsonOption } from '../shared-options.js';
import { runTestCommand } from '../test-command.js';

export default defineCommand({
  name: 'test',
  summary: 'detect (and embed) faces in image files; no database',
  description:
    'A folder is walked recursively for image files. Prints a table per image, or one JSON object per ' +
    'image per line with --json. Exit code 1 when any file could not be read as an image.',
  group: GROUPS.pipeline,
  arguments: [
    { name: '<image|folder>', description: 'image files or folders to look at', required: true, variadic: true },
  ],
  options: {
    ...jsonOption,
    embeddings: { type: 'boolean', description: 'add each face embedding (128 numbers) to the JSON' },
    thumbnails: { type: 'string', placeholder: 'DIR', description: 'write a square JPEG per face into DIR' },
  },
  examples: ['frs test ~/Pictures/party.jpg', 'frs test ~/Pictures --json --embeddings > faces.jsonl'],
  async run(ctx) {
    const services = await ctx.services('none');
    const code = await runTestCommand(
      services.analyzer,
      ctx.settings(),
      {
        paths: ctx.args,
        json: ctx.values.json ?? false,
        embeddings: ctx.values.embeddings ?? false,
        thumbnailsDir: ctx.values.thumbnails,
      },
      ctx.print,
    );
    return code === 0 ? EXIT.OK : EXIT.FAILED;
  },
});
