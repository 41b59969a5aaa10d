/** `frs face move <face-id>... --to <person-id>`. */
import { defineCommand } from '../../command.js';
import { UsageError } from '../../usage-error.js';
import { parseId, parseIds, runPeople, withoutUndo } from '../../people-cli.js';
import { databaseOption, jsonOption } from '../../shared-options.js';

export default defineCommand({
  name: 'move',
  summary: 'put faces into a person (confirmed)',
  arguments: [{ name: '<face-id>...', description: 'faces to move', required: true, variadic: true }],
  options: {
    ...jsonOption,
    ...databaseOption,
    to: { type: 'string', placeholder: 'PERSON', description: 'the person the faces join (required)' },
  },
  examples: ['frs face move 41 42 --to 7'],
  run(ctx) {
    if (ctx.values.to === undefined) throw new UsageError('frs face move needs --to <person-id>.', ctx.command);
    const personId = parseId(ctx.values.to, 'person', ctx.command);
    const faceIds = parseIds(ctx.args, 'face', ctx.command);
    return runPeople(
      ctx,
      'write',
      (people) => people.moveFaces(faceIds, personId),
      (r) => [`${r.faces} face(s) moved to person ${r.personId}`],
      withoutUndo,
    );
  },
});
