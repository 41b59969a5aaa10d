/** `frs person rename <id> <name> [--rank R] [--appointment A] [--type T]`. */
import { defineCommand } from '../../command.js';
import { parseId, personLine, runPeople } from '../../people-cli.js';
import { databaseOption, jsonOption } from '../../shared-options.js';
import { personView } from '../../../people/people-view.js';

export default defineCommand({
  name: 'rename',
  summary: 'name a person (and its rank, appointment, type)',
  description:
    'The replaced system\'s limits apply: name 255 characters, rank 50, appointment 100, type 50. An empty "" clears.',
  arguments: [
    { name: '<id>', description: 'person id', required: true },
    { name: '<name>', description: 'the name (quote it when it has spaces)', required: true },
  ],
  options: {
    ...jsonOption,
    ...databaseOption,
    rank: { type: 'string', placeholder: 'R', description: 'rank' },
    appointment: { type: 'string', placeholder: 'A', description: 'appointment' },
    type: { type: 'string', placeholder: 'T', description: 'type (e.g. staff, visitor)' },
  },
  examples: ['frs person rename 7 "Ada Lovelace" --rank Capt --appointment Pilot'],
  run(ctx) {
    const id = parseId(ctx.args[0], 'person', ctx.command);
    const { rank, appointment, type } = ctx.values;
    return runPeople(
      ctx,
      'write',
      (people) => people.updatePerson(id, { name: ctx.args[1], rank, appointment, type }),
      (p) => [personLine(p)],
      personView,
    );
  },
});
