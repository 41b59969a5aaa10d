/**
 * Parses one command's arguments with `node:util` parseArgs (strict), turning its errors into
 * usage errors that name the command and suggest the nearest option for a misspelt one.
 */
import { parseArgs } from 'node:util';
import type { CommandSpec, OptionSpecs } from './command.js';
import { didYouMean } from './suggest.js';
import { UsageError } from './usage-error.js';

/** Every command has this option; the framework answers it. */
export const HELP_OPTION = { help: { type: 'boolean', short: 'h', description: 'show this help' } } as const;

export interface ParsedCommand {
  values: Record<string, unknown>;
  args: string[];
  help: boolean;
}

function optionsOf(spec: CommandSpec): OptionSpecs {
  return { ...spec.options, ...HELP_OPTION };
}

export function parseCommandArgs(spec: CommandSpec, fullName: string, argv: string[]): ParsedCommand {
  const options = optionsOf(spec);
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: Object.fromEntries(
        // parseArgs rejects keys present with an undefined value
        Object.entries(options).map(([name, { description: _d, placeholder: _p, ...config }]) => [name, config]),
      ),
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    throw new UsageError(explainParseError(err, options, fullName), fullName);
  }
  const { help, ...values } = parsed.values;
  if (help) return { values, args: parsed.positionals, help: true };
  checkArguments(spec, fullName, parsed.positionals);
  return { values, args: parsed.positionals, help: false };
}

function explainParseError(err: unknown, options: OptionSpecs, command: string): string {
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: string }).code;
  const named = /'(-[^' ]*)/.exec(message)?.[1] ?? '';
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const names = Object.keys(options).map((n) => `--${n}`);
    return `Unknown option ${named} for frs ${command}.${didYouMean(named.replace(/=.*$/, ''), names)}`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const spec = options[named.replace(/^--/, '')];
    if (spec?.type === 'string') return `Option ${named} needs a value (${named} <${spec.placeholder ?? 'value'}>).`;
    return `Option ${named} takes no value.`;
  }
  return message;
}

function checkArguments(spec: CommandSpec, command: string, args: string[]): void {
  const declared = spec.arguments ?? [];
  const required = declared.filter((a) => a.required).length;
  const variadic = declared.at(-1)?.variadic ?? false;
  if (args.length < required) {
    const missing = declared.filter((a) => a.required)[args.length];
    throw new UsageError(`frs ${command} needs ${missing.name} (${missing.description}).`, command);
  }
  if (!variadic && args.length > declared.length) {
    const extra = args.slice(declared.length);
    const hint = spec.options?.images ? ' (use --images DIR to register a folder)' : '';
    throw new UsageError(
      declared.length === 0
        ? `frs ${command} takes no arguments; got ${extra.join(' ')}${hint}.`
        : `Unexpected argument(s) for frs ${command}: ${extra.join(' ')}${hint}.`,
      command,
    );
  }
}
