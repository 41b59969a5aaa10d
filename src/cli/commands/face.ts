/** `frs face <subcommand>`: move, unassign, verify, reject faces. */
import { defineCommand } from '../command.js';
import { GROUPS } from '../help.js';
import { reject, unassign, verify } from './face/mark.js';
import move from './face/move.js';

export default defineCommand({
  name: 'face',
  summary: 'move, unassign, confirm or reject faces',
  description:
    'Every change is a user decision that recognise and recluster keep (README, "How it works"). ' +
    'Exit code 1 when the action is refused (unknown ids, faces of another model), 2 for a wrong call.',
  group: GROUPS.library,
  subcommands: [move, unassign, verify, reject],
});
