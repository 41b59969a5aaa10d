/** `frs person show <id>`: one person and its faces. */
import { defineCommand } from '../../command.js';
import { faceLine, parseId, personLine, runPeople } from '../../people-cli.js';
import { databaseOption, jsonOption } from '../../shared-options.js';
import { faceView, pagedView, personView } from '../../../people/people-view.js';
import { MAX_PAGE_SIZE } from '../../../people/people-service.js';

export default defineCommand({
  name: 'show',
  summary: 'one person with its faces',
  arguments: [{ name: '<id>', description: 'person id', required: true }],
  options: {
    ...jsonOption,
    ...databaseOption,
    page: { type: 'string', placeholder: 'N', default: '1', description: `page of ${MAX_PAGE_SIZE} faces` },
  },
  examples: ['frs person show 7', 'frs person show 7 --json'],
  run(ctx) {
    const id = parseId(ctx.args[0], 'person', ctx.command);
    const page = parseId(String(ctx.values.page), 'page', ctx.command);
    return runPeople(
      ctx,
      'read',
      (people) => people.person(id, { page, pageSize: MAX_PAGE_SIZE }),
      ({ person, faces }) => [
        personLine(person),
        `${faces.total} face(s)${faces.total > faces.items.length ? `, page ${faces.page}` : ''}:`,
        ...faces.items.map(faceLine),
      ],
      ({ person, faces }) => ({ person: personView(person), faces: pagedView(faces, faceView) }),
    );
  },
});
