/** `frs person hide <id>` / `frs person unhide <id>`: out of (back into) the default listing. */
import { defineCommand } from '../../command.js';
import { parseId, personLine, runPeople } from '../../people-cli.js';
import { databaseOption, jsonOption } from '../../shared-options.js';
import { personView } from '../../../people/people-view.js';

const visibility = (hidden: boolean) =>
  defineCommand({
    name: hidden ? 'hide' : 'unhide',
    summary: hidden ? 'hide a person from the listing (e.g. a passer-by)' : 'show a hidden person again',
    arguments: [{ name: '<id>', description: 'person id', required: true }],
    options: { ...jsonOption, ...databaseOption },
    examples: [`frs person ${hidden ? 'hide' : 'unhide'} 7`],
    run(ctx) {
      const id = parseId(ctx.args[0], 'person', ctx.command);
      return runPeople(
        ctx,
        'write',
        (people) => people.updatePerson(id, { hidden }),
        (p) => [personLine(p)],
        personView,
      );
    },
  });

export const hide = visibility(true);
export const unhide = visibility(false);
