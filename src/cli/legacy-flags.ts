/**
 * The replaced system's command line: mode flags (`--test <image>`, `--db`, `--watch`,
 * `--recognize`, `--all`, `--automate`, `--recluster`) instead of commands, `--dry-run` with any
 * of them, and `all` when no mode is given. This module rewrites such an argv into the command
 * form (`--db --images x` → `db --images x`) before anything else reads it; everything else
 * about a command (its options, help, validation) then applies unchanged.
 *
 * To accept another of the old system's forms, add it to the tables below and a case to
 * test/cli/legacy-flags.test.ts.
 */
import { didYouMean } from './suggest.js';
import { UsageError } from './usage-error.js';

/** Each old mode flag and the command it means; `takesPath` flags consume the next argument. */
export const LEGACY_MODE_FLAGS: Readonly<Record<string, { command: string; takesPath?: boolean }>> = {
  '--test': { command: 'test', takesPath: true },
  '--db': { command: 'db' },
  '--watch': { command: 'watch' },
  '--recognize': { command: 'recognize' },
  '--all': { command: 'all' },
  '--automate': { command: 'automate' },
  '--recluster': { command: 'recluster' },
};

/**
 * Several mode flags given together that the old system accepted as one mode, as in
 * `{ commands: ['db', 'recognize'], command: 'all' }`. Without an entry, two modes are refused.
 */
export const LEGACY_COMBINATIONS: ReadonlyArray<{ commands: readonly string[]; command: string }> = [];

/** What the old system did when given no mode. */
export const DEFAULT_COMMAND = 'all';

export interface LegacyContext {
  /** Names of every top-level command. */
  commands: ReadonlySet<string>;
  /** Options (without `--`) of any command that take a value, so their values are not taken for commands. */
  valueOptions: ReadonlySet<string>;
}

/** Rewrites old-style flags into `<command> ...`; argv already in command form comes back as it is. */
export function translateLegacyArgs(argv: readonly string[], known: LegacyContext): string[] {
  const first = argv[0];
  const firstIsCommand = first !== undefined && known.commands.has(first);
  const legacyCommands = new Set(Object.values(LEGACY_MODE_FLAGS).map((f) => f.command));
  if (firstIsCommand && !legacyCommands.has(first)) return [...argv];

  const modes: string[] = firstIsCommand ? [first] : [];
  const rest: string[] = [];
  let i = firstIsCommand ? 1 : 0;
  for (; i < argv.length; i++) {
    const token = argv[i];
    const flag = LEGACY_MODE_FLAGS[token];
    if (token === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (flag) {
      modes.push(flag.command);
      if (flag.takesPath) {
        const path = argv[i + 1];
        if (path === undefined || path.startsWith('-'))
          throw new UsageError(`${token} needs an image or folder path (${token} <path>).`, flag.command);
        rest.push(path);
        i++;
      }
    } else if (token.startsWith('--') && !token.includes('=') && known.valueOptions.has(token.slice(2))) {
      rest.push(token);
      if (i + 1 < argv.length) rest.push(argv[++i]);
    } else if (!token.startsWith('-') && modes.length === 0 && known.commands.has(token)) {
      // `frs --database x.db persons`: the command after leading options; the rest is its own.
      if (!legacyCommands.has(token)) return [token, ...rest, ...argv.slice(i + 1)];
      modes.push(token);
    } else if (!token.startsWith('-') && modes.length === 0) {
      throw new UsageError(`Unknown command ${token}.${didYouMean(token, known.commands)}`);
    } else {
      rest.push(token);
    }
  }
  return [chooseCommand(modes), ...rest];
}

function chooseCommand(modes: string[]): string {
  const unique = [...new Set(modes)];
  if (unique.length <= 1) return unique[0] ?? DEFAULT_COMMAND;
  const combination = LEGACY_COMBINATIONS.find(
    (c) => c.commands.length === unique.length && unique.every((m) => c.commands.includes(m)),
  );
  if (combination) return combination.command;
  throw new UsageError(`Choose one mode; got ${unique.map((m) => `--${m}`).join(', ')}.`);
}
