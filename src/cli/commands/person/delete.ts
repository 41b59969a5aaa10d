/** `frs person delete <id>`: the person goes; its faces become unassigned. */
import { defineCommand } from '../../command.js';
import { parseId, runPeople, withoutUndo } from '../../people-cli.js';
import { databaseOption, jsonOption } from '../../shared-options.js';

export default defineCommand({
  name: 'delete',
  summary: 'delete a person (its faces become unassigned)',
  arguments: [{ name: '<id>', description: 'person id', required: true }],
  options: { ...jsonOption, ...databaseOption },
  examples: ['frs person delete 7'],
  run(ctx) {
    const id = parseId(ctx.args[0], 'person', ctx.command);
    return runPeople(
      ctx,
      'write',
      (people) => people.deletePerson(id),
      (r) => [`deleted person ${r.personId}; ${r.facesUnassigned} face(s) unassigned`],
      withoutUndo,
    );
  },
});
