/** `frs similar <face-id> [--k 10] [--json]`: the faces most similar to one face (reads only). */
import { defineCommand } from '../command.js';
import { GROUPS } from '../help.js';
import { parseId, runRefusable } from '../people-cli.js';
import { databaseOption, jsonOption } from '../shared-options.js';
import { UsageError } from '../usage-error.js';

const K = { min: 1, max: 100 }; // SIMILAR_K, kept here so that `frs --help` loads no search code

export default defineCommand({
  name: 'similar',
  summary: 'the faces most similar to one face',
  description:
    'Lists the k faces most similar to the given face (cosine similarity of their embeddings from the ' +
    "face's model; rejected faces and the face itself left out), most similar first, with their person. " +
    'Exit code 1 when the face does not exist or has no embedding yet.',
  group: GROUPS.library,
  arguments: [{ name: '<face-id>', description: 'the face to compare with', required: true }],
  options: {
    ...jsonOption,
    ...databaseOption,
    k: { type: 'string', placeholder: 'N', default: '10', description: `how many faces (${K.min} to ${K.max})` },
  },
  examples: ['frs similar 42', 'frs similar 42 --k 25 --json'],
  async run(ctx) {
    const faceId = parseId(ctx.args[0], 'face', 'similar');
    const k = Number(ctx.values.k);
    if (!/^\d+$/.test(ctx.values.k) || k < K.min || k > K.max)
      throw new UsageError(`--k must be a whole number from ${K.min} to ${K.max}, not ${ctx.values.k}.`, 'similar');
    const services = await ctx.services('read');
    const search = await services.faceSearch();
    return runRefusable(
      ctx,
      () => search.similar(faceId, k),
      (r) => [
        `face ${r.face}: ${r.similar.length} similar face(s)`,
        ...r.similar.map(
          (f) =>
            `  face ${f.faceId}  ${f.personId === null ? 'no person' : `person ${f.personId}`}  ${f.similarity.toFixed(4)}`,
        ),
      ],
    );
  },
});
