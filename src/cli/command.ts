/**
 * What a command of `frs` is: a name, a one-line summary, its options in `node:util` parseArgs
 * form (plus a description for the help screen), its arguments, and `run`. A command lives in
 * one file under `src/cli/commands/`; the registry finds it there (see DEVELOPERS.md, "Adding a
 * command"). Groups such as `frs person <subcommand>` list `subcommands` instead of `run`.
 */
import type { Settings } from '../config/settings.js';
import type { Logger } from '../pipeline/context.js';
import type { Services } from '../services.js';

/** Exit codes, the same for every command (README, "Command line"). */
export const EXIT = {
  /** Everything worked. */
  OK: 0,
  /** Some items failed, or an action was refused (e.g. a lock held elsewhere); the rest was done. */
  FAILED: 1,
  /** Usage or configuration error: nothing was done. */
  USAGE: 2,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  default?: string | boolean | string[];
  /** One line for the help screen. */
  description: string;
  /** The value's name on the help screen (`--interval <T>`); string options only. */
  placeholder?: string;
}
export type OptionSpecs = Record<string, OptionSpec>;

type OptionValue<O extends OptionSpec> = O['type'] extends 'string'
  ? O['multiple'] extends true
    ? string[]
    : string
  : O['multiple'] extends true
    ? boolean[]
    : boolean;

/** The parsed values of a command's options: options with a default are always present. */
export type OptionValues<O extends OptionSpecs> = {
  [K in keyof O]: O[K] extends { default: unknown } ? OptionValue<O[K]> : OptionValue<O[K]> | undefined;
};

export interface ArgumentSpec {
  name: string;
  description: string;
  required?: boolean;
  /** Takes every remaining argument (only the last one). */
  variadic?: boolean;
}

/**
 * What a command needs of the database: 'none' (models only), 'read' (an existing database; refused
 * when the SQLite file does not exist, so nothing empty is created), 'write' (created when missing).
 */
export type Access = 'none' | 'read' | 'write';

export interface CommandContext<O extends OptionSpecs = OptionSpecs> {
  values: OptionValues<O>;
  /** Arguments after the command's name (validated against `arguments`). */
  args: string[];
  /** The full command name, e.g. "person rename". */
  command: string;
  /** Human output: one line to stdout. */
  print(line: string): void;
  /** `--json` output: one JSON document (or one line of JSON Lines) to stdout. */
  printJson(value: unknown): void;
  /** Timestamped log lines to stderr (stdout stays for results). */
  log: Logger;
  /** True when stderr is a terminal (progress redraws in place there). */
  interactive: boolean;
  /** A progress reporter for `label` on stderr: redrawn in place on a terminal, a line per interval otherwise. */
  progress(label: string): (done: number, total: number) => void;
  /** The validated settings, with `--database` and `--dry-run` applied when the command has them. */
  settings(): Settings;
  /**
   * The services, opened on first use (the models and database load only then). 'read'
   * refuses with a clear message (exit 2) when the SQLite database does not exist, so a
   * read-only command never creates an empty one.
   */
  services(access: Access): Promise<Services>;
}

export interface CommandSpec<O extends OptionSpecs = OptionSpecs> {
  name: string;
  /** One line in `frs --help`. */
  summary: string;
  /** Paragraphs shown by `frs help <command>`, after the usage line. */
  description?: string;
  /** Help-screen heading this command is listed under. */
  group?: string;
  options?: O;
  arguments?: ArgumentSpec[];
  examples?: string[];
  subcommands?: CommandSpec[];
  /** Not listed in `frs --help` (still runs, still has its own help). */
  hidden?: boolean;
  run?(ctx: CommandContext<O>): Promise<number>;
}

/** Declares a command with its option values typed from its options. */
export function defineCommand<const O extends OptionSpecs>(spec: CommandSpec<O>): CommandSpec {
  return spec as unknown as CommandSpec;
}
