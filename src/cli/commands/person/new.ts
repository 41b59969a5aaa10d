/** `frs person new [--name N] --faces <face-id>...`: split faces off into a new person. */
import { defineCommand } from '../../command.js';
import { parseIds, personLine, runPeople } from '../../people-cli.js';
import { databaseOption, jsonOption } from '../../shared-options.js';
import { personView } from '../../../people/people-view.js';

export default defineCommand({
  name: 'new',
  summary: 'a new person from faces (split)',
  arguments: [{ name: '[face-id...]', description: 'more face ids after --faces', variadic: true }],
  options: {
    ...jsonOption,
    ...databaseOption,
    name: { type: 'string', placeholder: 'N', description: 'name of the new person' },
    faces: { type: 'string', placeholder: 'ID', multiple: true, description: 'face ids (--faces 4 5 6)' },
  },
  examples: ['frs person new --name "Ada" --faces 41 42 57'],
  run(ctx) {
    const faceIds = parseIds([...(ctx.values.faces ?? []), ...ctx.args], 'face', ctx.command);
    return runPeople(
      ctx,
      'write',
      (people) => people.createPerson({ name: ctx.values.name, faceIds }),
      (p) => [`created ${personLine(p)}`],
      personView,
    );
  },
});
