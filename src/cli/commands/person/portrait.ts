/** `frs person portrait <id> <face-id>`: the user's portrait, kept by regroups while the face stays. */
import { defineCommand } from '../../command.js';
import { parseId, personLine, runPeople } from '../../people-cli.js';
import { databaseOption, jsonOption } from '../../shared-options.js';
import { personView } from '../../../people/people-view.js';

export default defineCommand({
  name: 'portrait',
  summary: "choose a person's portrait",
  arguments: [
    { name: '<id>', description: 'person id', required: true },
    { name: '<face-id>', description: 'one of its faces', required: true },
  ],
  options: { ...jsonOption, ...databaseOption },
  examples: ['frs person portrait 7 41'],
  run(ctx) {
    const id = parseId(ctx.args[0], 'person', ctx.command);
    const faceId = parseId(ctx.args[1], 'face', ctx.command);
    return runPeople(
      ctx,
      'write',
      (people) => people.choosePortrait(id, faceId),
      (p) => [personLine(p)],
      personView,
    );
  },
});
