/** `frs persons`: list persons and their faces (reads only; never creates a database). */
import { defineCommand, EXIT } from '../command.js';
import { GROUPS } from '../help.js';
import { printPersons } from '../pipeline-output.js';
import { databaseOption, jsonOption } from '../shared-options.js';

export default defineCommand({
  name: 'persons',
  summary: 'list persons and their faces',
  group: GROUPS.library,
  options: { ...jsonOption, ...databaseOption },
  examples: ['frs persons', 'frs persons --json'],
  async run(ctx) {
    const services = await ctx.services('read');
    await printPersons(await services.pipeline(), ctx);
    return EXIT.OK;
  },
});
