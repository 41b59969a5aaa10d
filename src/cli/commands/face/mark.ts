/** `frs face unassign|verify|reject <face-id>...`. */
import { defineCommand } from '../../command.js';
import { parseIds, runPeople, withoutUndo } from '../../people-cli.js';
import { databaseOption, jsonOption } from '../../shared-options.js';

const mark = (name: 'unassign' | 'verify' | 'reject', summary: string, done: string) =>
  defineCommand({
    name,
    summary,
    arguments: [{ name: '<face-id>...', description: 'face ids', required: true, variadic: true }],
    options: { ...jsonOption, ...databaseOption },
    examples: [`frs face ${name} 41 42`],
    run(ctx) {
      const faceIds = parseIds(ctx.args, 'face', ctx.command);
      return runPeople(
        ctx,
        'write',
        (people) => people[`${name}Faces`](faceIds),
        (r) => [`${r.faces} face(s) ${done}`],
        withoutUndo,
      );
    },
  });

export const unassign = mark('unassign', '"not this person": take faces out of their persons for good', 'unassigned');
export const verify = mark('verify', 'confirm faces in the persons they are in', 'confirmed');
export const reject = mark('reject', 'not a face: out of every person and of grouping for good', 'rejected');
