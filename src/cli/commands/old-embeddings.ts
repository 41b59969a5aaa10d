/** `frs old-embeddings [--remove [--model M]]`: embeddings of other models FRS kept in FrsOldEmbeddings. */
import { defineCommand, EXIT } from '../command.js';
import { GROUPS } from '../help.js';
import { databaseOptions, jsonOption } from '../shared-options.js';

export default defineCommand({
  name: 'old-embeddings',
  summary: 'list (or remove) the embeddings of other models FRS kept when it re-embedded faces',
  description:
    "When FRS re-embeds or re-detects a face whose embedding came from another model (the replaced system's " +
    '512-d ones are listed as "replaced-system"), the old one is kept in FrsOldEmbeddings with its model name, ' +
    'face, item and box. They stay until removed here.',
  group: GROUPS.library,
  options: {
    remove: { type: 'boolean', description: 'delete them' },
    model: { type: 'string', placeholder: 'M', description: 'with --remove: only those of this model' },
    ...jsonOption,
    ...databaseOptions,
  },
  examples: ['frs old-embeddings', 'frs old-embeddings --remove --model replaced-system'],
  async run(ctx) {
    const services = await ctx.services('read');
    const { repo } = (await services.pipeline()).ctx;
    if (ctx.values.remove) {
      if (ctx.settings().FRS_DRY_RUN) {
        ctx.print('old-embeddings (dry run): nothing removed');
        return EXIT.OK;
      }
      const removed = await repo.removeOldEmbeddings(ctx.values.model);
      ctx.print(`old-embeddings: ${removed} removed${ctx.values.model ? ` (model ${ctx.values.model})` : ''}`);
      return EXIT.OK;
    }
    const counts = await repo.oldEmbeddingCounts();
    if (ctx.values.json) ctx.printJson(counts);
    else {
      ctx.print(`${counts.length} kept model(s)`);
      for (const c of counts) ctx.print(`  ${c.model}: ${c.faces} face(s), ${c.dimensions}-d`);
    }
    return EXIT.OK;
  },
});
