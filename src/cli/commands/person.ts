/** `frs person <subcommand>`: show, rename, merge, split off, portrait, hide, unhide, delete. */
import { defineCommand } from '../command.js';
import { GROUPS } from '../help.js';
import del from './person/delete.js';
import { hide, unhide } from './person/hide.js';
import merge from './person/merge.js';
import create from './person/new.js';
import portrait from './person/portrait.js';
import rename from './person/rename.js';
import show from './person/show.js';

export default defineCommand({
  name: 'person',
  summary: 'show, name, merge, split and tidy one person',
  description:
    'Every change is a user decision that recognise and recluster keep (README, "How it works"). ' +
    'Exit code 1 when the action is refused (unknown id, merge into itself, name too long), 2 for a wrong call.',
  group: GROUPS.library,
  subcommands: [show, rename, merge, create, portrait, hide, unhide, del],
});
