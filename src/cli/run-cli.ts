/**
 * The `frs` dispatcher: `--version`, help screens, the replaced system's flags, then one command
 * from the registry with its parsed options and a context that opens services only when asked.
 * Returns the exit code (command.ts, EXIT); main.ts only wires it to the process.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { appRoot } from '../config/app-root.js';
import { loadSettings, type Settings } from '../config/settings.js';
import { asFrsError, FrsError } from '../errors.js';
import type { Logger } from '../pipeline/context.js';
import type { Services } from '../services.js';
import { EXIT, type Access, type CommandContext, type CommandSpec, type OptionValues } from './command.js';
import { commandHelp, generalHelp } from './help.js';
import { translateLegacyArgs } from './legacy-flags.js';
import { parseCommandArgs } from './parse.js';
import { progressPrinter } from './progress.js';
import { loadCommands, valueOptionNames } from './registry.js';
import { didYouMean } from './suggest.js';
import { UsageError } from './usage-error.js';

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Record<string, string | undefined>;
  /** stderr is a terminal: progress may redraw one line in place. */
  interactive: boolean;
}

export const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  interactive: Boolean(process.stderr.isTTY),
};

export function frsVersion(): string {
  return (JSON.parse(readFileSync(join(appRoot, 'package.json'), 'utf8')) as { version: string }).version;
}

function timestampedLogger(write: (text: string) => void): Logger {
  const line = (prefix: string) => (m: string) => write(`${new Date().toISOString()} ${prefix}${m}\n`);
  return { info: line(''), warn: line('WARN '), error: line('ERROR ') };
}

/** Finds the command (and subcommand) named at the start of argv; the rest are its arguments. */
function resolveCommand(
  commands: readonly CommandSpec[],
  argv: readonly string[],
): { spec: CommandSpec; fullName: string; rest: string[] } {
  let list = commands;
  let spec: CommandSpec | undefined;
  const names: string[] = [];
  let i = 0;
  for (; i < argv.length; i++) {
    const found = list.find((c) => c.name === argv[i]);
    if (!found) {
      if (spec && !argv[i].startsWith('-') && spec.subcommands?.length) {
        const full = names.join(' ');
        throw new UsageError(
          `Unknown subcommand ${argv[i]} for frs ${full}.${didYouMean(
            argv[i],
            spec.subcommands.map((s) => s.name),
          )}`,
          full,
        );
      }
      if (!spec)
        throw new UsageError(
          `Unknown command ${argv[i]}.${didYouMean(
            argv[i],
            commands.map((c) => c.name),
          )}`,
        );
      break;
    }
    spec = found;
    names.push(found.name);
    if (!found.subcommands?.length) {
      i++;
      break;
    }
    list = found.subcommands;
  }
  if (!spec) throw new UsageError('No command given.');
  return { spec, fullName: names.join(' '), rest: argv.slice(i) };
}

/** A read-only command must not leave an empty SQLite file behind. */
async function assertDatabaseExists(database: string): Promise<void> {
  const { isSqlServerConnectionString } = await import('../data/open-repository.js');
  if (database === ':memory:' || isSqlServerConnectionString(database)) return;
  if (!existsSync(resolve(database)))
    throw new FrsError(
      'CONFIG_INVALID',
      `No FRS database at ${database} (FRS_DATABASE or --database): nothing has been processed here yet. ` +
        'Run "frs all --images <folder>" first, or point --database at an existing database.',
    );
}

export async function runCli(
  argv: readonly string[],
  io: CliIo = processIo,
  commands?: readonly CommandSpec[],
): Promise<number> {
  let services: Services | undefined;
  let commandName = '';
  try {
    const all = commands ?? (await loadCommands());
    if (argv[0] === '--version' || argv[0] === '-v') {
      io.stdout(`${frsVersion()}\n`);
      return EXIT.OK;
    }
    if (argv[0] === '--help' || argv[0] === '-h' || (argv[0] === 'help' && argv.length === 1)) {
      io.stdout(generalHelp(all, frsVersion()));
      return EXIT.OK;
    }
    if (argv[0] === 'help') {
      const { spec, fullName, rest } = resolveCommand(all, argv.slice(1));
      if (rest.length) throw new UsageError(`Unknown subcommand ${rest[0]} for frs ${fullName}.`, fullName);
      io.stdout(commandHelp(spec, fullName));
      return EXIT.OK;
    }

    const translated = translateLegacyArgs(argv, {
      commands: new Set(all.map((c) => c.name)),
      valueOptions: valueOptionNames(all),
    });
    const { spec, fullName, rest } = resolveCommand(all, translated);
    commandName = fullName;
    const parsed = parseCommandArgs(spec, fullName, rest);
    if (parsed.help || !spec.run) {
      if (!spec.run && !parsed.help) {
        io.stderr(commandHelp(spec, fullName));
        return EXIT.USAGE;
      }
      io.stdout(commandHelp(spec, fullName));
      return EXIT.OK;
    }

    let settings: Settings | undefined;
    const values = parsed.values;
    const getSettings = () =>
      (settings ??= loadSettings(io.env, {
        ...(typeof values.database === 'string' ? { FRS_DATABASE: values.database } : {}),
        ...(values['dry-run'] === true ? { FRS_DRY_RUN: true } : {}),
      }));
    const log = timestampedLogger(io.stderr);
    const ctx: CommandContext = {
      values: values as OptionValues<Record<string, never>>,
      args: parsed.args,
      command: fullName,
      print: (line) => io.stdout(`${line}\n`),
      printJson: (value) => io.stdout(`${JSON.stringify(value)}\n`),
      log,
      interactive: io.interactive,
      progress: (label) => progressPrinter(label, io.stderr, { interactive: io.interactive }),
      settings: getSettings,
      services: async (access: Access) => {
        const s = getSettings();
        if (access === 'read') await assertDatabaseExists(s.FRS_DATABASE);
        if (!services) {
          const { Services } = await import('../services.js');
          services = new Services(s, log);
        }
        return services;
      },
    };
    return await spec.run(ctx);
  } catch (err) {
    return reportError(err, io, commandName);
  } finally {
    await services?.close();
  }
}

function reportError(err: unknown, io: CliIo, command: string): number {
  if (err instanceof UsageError) {
    const about = err.command || command;
    io.stderr(`frs: ${err.message}\nRun "frs help${about ? ` ${about}` : ''}" for usage.\n`);
    return EXIT.USAGE;
  }
  const e = asFrsError(err);
  io.stderr(`frs: ${e.code}: ${e.message}\n`);
  if (e.code === 'INTERNAL' && err instanceof Error && err.stack) io.stderr(err.stack + '\n');
  return e.code === 'CONFIG_INVALID' || e.code === 'INVALID_INPUT' ? EXIT.USAGE : EXIT.FAILED;
}
