/**
 * `frs persons [--page N] [--page-size N] [--search TEXT] [--hidden] [--json]`: one page of the
 * persons, largest first (reads only; one query per page, whatever the library's size).
 */
import { defineCommand } from '../command.js';
import { GROUPS } from '../help.js';
import { personLine, runPeople } from '../people-cli.js';
import { databaseOption, jsonOption } from '../shared-options.js';
import { UsageError } from '../usage-error.js';
import { pagedView, personView } from '../../people/people-view.js';
import { MAX_PAGE_SIZE } from '../../people/people-service.js';

function wholeNumber(text: string, option: string, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 1 || value > max)
    throw new UsageError(`--${option} must be a whole number from 1 to ${max}, not ${text}.`, 'persons');
  return value;
}

export default defineCommand({
  name: 'persons',
  summary: 'list persons, largest first, one page at a time',
  description:
    'Lists one page of persons with their face count, name and portrait (hidden persons only with --hidden), ' +
    'largest first, and how many there are in all. --json prints the HTTP API shape ({items, page, pageSize, ' +
    'total}). Details and faces of one person: frs person show <id>.',
  group: GROUPS.library,
  options: {
    ...jsonOption,
    ...databaseOption,
    page: { type: 'string', placeholder: 'N', default: '1', description: 'which page (from 1)' },
    'page-size': {
      type: 'string',
      placeholder: 'N',
      default: '50',
      description: `persons per page (1 to ${MAX_PAGE_SIZE})`,
    },
    search: { type: 'string', placeholder: 'TEXT', description: 'only persons whose name contains TEXT' },
    hidden: { type: 'boolean', description: 'list the hidden persons instead' },
  },
  examples: ['frs persons', 'frs persons --page 2 --page-size 100', 'frs persons --search ada --json'],
  run(ctx) {
    const page = wholeNumber(ctx.values.page, 'page', Number.MAX_SAFE_INTEGER);
    const pageSize = wholeNumber(ctx.values['page-size'], 'page-size', MAX_PAGE_SIZE);
    return runPeople(
      ctx,
      'read',
      (people) => people.listPersons({ search: ctx.values.search, hidden: ctx.values.hidden ?? false, page, pageSize }),
      (list) => {
        const first = (list.page - 1) * list.pageSize;
        const pages = Math.max(1, Math.ceil(list.total / list.pageSize));
        return [
          list.items.length === 0
            ? `no person on page ${list.page} (${list.total} person(s), ${pages} page(s))`
            : `persons ${first + 1}-${first + list.items.length} of ${list.total} (page ${list.page} of ${pages})`,
          ...list.items.map(personLine),
          ...(list.page < pages ? [`next: frs persons --page ${list.page + 1} --page-size ${list.pageSize}`] : []),
        ];
      },
      (list) => pagedView(list, personView),
    );
  },
});
