/** `frs person merge <target-id> <source-id>...`: the sources' faces join the target. */
import { defineCommand } from '../../command.js';
import { parseId, parseIds, personLine, runPeople } from '../../people-cli.js';
import { databaseOption, jsonOption } from '../../shared-options.js';
import { mergeView } from '../../../people/people-view.js';

export default defineCommand({
  name: 'merge',
  summary: "merge persons into one (the target keeps its fields; empty ones take a source's)",
  description: 'The sources are deleted; every face of the merged person is confirmed, so no regroup splits it again.',
  arguments: [
    { name: '<target-id>', description: 'the person that stays', required: true },
    { name: '<source-id>...', description: 'persons merged into it', required: true, variadic: true },
  ],
  options: { ...jsonOption, ...databaseOption },
  examples: ['frs person merge 7 12 15'],
  run(ctx) {
    const target = parseId(ctx.args[0], 'person', ctx.command);
    const sources = parseIds(ctx.args.slice(1), 'person', ctx.command);
    return runPeople(
      ctx,
      'write',
      (people) => people.mergePersons(target, sources),
      (m) => [
        `merged ${m.mergedPersonIds.join(', ')} into ${m.person.id}: ${m.movedFaceIds.length} face(s) moved`,
        personLine(m.person),
      ],
      mergeView,
    );
  },
});
