/** `frs persons [--search TEXT] [--hidden] [--json]`: the persons, largest first (reads only). */
import { defineCommand } from '../command.js';
import { GROUPS } from '../help.js';
import { personLine, runPeople } from '../people-cli.js';
import { databaseOption, jsonOption } from '../shared-options.js';
import { personView } from '../../people/people-view.js';
import type { PersonSummary } from '../../data/repository.js';
import { MAX_PAGE_SIZE } from '../../people/people-service.js';

export default defineCommand({
  name: 'persons',
  summary: 'list persons, largest first',
  description:
    'Lists every person with its face count, name and portrait (hidden persons only with --hidden). ' +
    'Details and faces of one person: frs person show <id>.',
  group: GROUPS.library,
  options: {
    ...jsonOption,
    ...databaseOption,
    search: { type: 'string', placeholder: 'TEXT', description: 'only persons whose name contains TEXT' },
    hidden: { type: 'boolean', description: 'list the hidden persons instead' },
  },
  examples: ['frs persons', 'frs persons --search ada --json', 'frs persons --hidden'],
  run(ctx) {
    return runPeople(
      ctx,
      'read',
      async (people) => {
        const all: PersonSummary[] = [];
        for (let page = 1; ; page++) {
          const list = await people.listPersons({
            search: ctx.values.search,
            hidden: ctx.values.hidden ?? false,
            page,
            pageSize: MAX_PAGE_SIZE,
          });
          all.push(...list.items);
          if (all.length >= list.total || list.items.length === 0) return all;
        }
      },
      (persons) => [`${persons.length} person(s)`, ...persons.map(personLine)],
      (persons) => persons.map(personView),
    );
  },
});
