/** `frs identify <image> [--persons 5] [--json]`: the known persons most like each face of an image. */
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { defineCommand } from '../command.js';
import { GROUPS } from '../help.js';
import { runRefusable } from '../people-cli.js';
import { databaseOption, jsonOption } from '../shared-options.js';
import { UsageError } from '../usage-error.js';

const PERSONS = { min: 1, max: 20 }; // IDENTIFY_PERSONS, kept here so that `frs --help` loads no search code

export default defineCommand({
  name: 'identify',
  summary: 'which known persons an image shows; stores nothing',
  description:
    'Detects and embeds every face of the image and lists, per face, the persons whose nearest face is ' +
    'most similar, and whether that similarity reaches FRS_MATCH_THRESHOLD (the pipeline would then put ' +
    'the face into that person). Nothing is stored. Exit code 1 when the file cannot be read as an image.',
  group: GROUPS.library,
  arguments: [{ name: '<image>', description: 'an image file', required: true }],
  options: {
    ...jsonOption,
    ...databaseOption,
    persons: {
      type: 'string',
      placeholder: 'N',
      default: '5',
      description: `persons listed per face (${PERSONS.min} to ${PERSONS.max})`,
    },
  },
  examples: ['frs identify party.jpg', 'frs identify party.jpg --persons 1 --json'],
  async run(ctx) {
    const persons = Number(ctx.values.persons);
    if (!/^\d+$/.test(ctx.values.persons) || persons < PERSONS.min || persons > PERSONS.max)
      throw new UsageError(
        `--persons must be a whole number from ${PERSONS.min} to ${PERSONS.max}, not ${ctx.values.persons}.`,
        'identify',
      );
    const path = ctx.args[0];
    const services = await ctx.services('read');
    const search = await services.faceSearch();
    const { readLocalFile } = await import('../../pipeline/register-stage.js');
    const { tooLargeError } = await import('../../storage/object-store.js');
    return runRefusable(
      ctx,
      async () => {
        const maxBytes = services.settings.FRS_MAX_ORIGINAL_BYTES;
        const size = (await stat(path).catch(() => null))?.size ?? 0; // the read reports a missing file
        if (size > maxBytes) throw tooLargeError(path, size, maxBytes);
        const bytes = await readLocalFile(path);
        return search.identify(services.analyzer, basename(path), bytes, {
          maxPixels: services.settings.FRS_MAX_PIXELS,
          persons,
        });
      },
      (r) => [
        `${r.image}: ${r.faces.length} face(s) in ${r.width}x${r.height}, match at similarity >= ${r.threshold}`,
        ...r.faces.map(
          (f, i) =>
            `  face ${i + 1}  box ${f.box.map(Math.round).join(',')}: ` +
            (f.persons.length === 0
              ? 'no known person'
              : f.persons
                  .map(
                    (p) =>
                      `person ${p.personId}${p.name ? ` (${p.name})` : ''} ${p.similarity.toFixed(4)}${p.match ? ' match' : ''}`,
                  )
                  .join('; ')),
        ),
      ],
    );
  },
});
