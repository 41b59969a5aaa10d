/** The help screens: `frs --help` lists the commands, `frs help <command>` shows one command. */
import type { CommandSpec, OptionSpec } from './command.js';
import { HELP_OPTION } from './parse.js';

/** Headings in the order `frs --help` shows them; a command's `group` names one (or adds its own). */
export const GROUPS = {
  pipeline: "Pipeline (the replaced system's modes; its flags --test, --db, --watch, ... work too)",
  library: 'Library',
  tools: 'Tools',
} as const;

/** Breaks prose into lines of at most `width` characters. */
export function wrap(text: string, width = 100, indent = ''): string {
  const lines: string[] = [];
  for (const paragraph of text.trim().split(/\n\s*\n/)) {
    let line = '';
    for (const word of paragraph.split(/\s+/)) {
      if (line && line.length + 1 + word.length > width - indent.length) {
        lines.push(indent + line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    lines.push(indent + line, '');
  }
  return lines.slice(0, -1).join('\n');
}

const pad = (text: string, width: number) => (text.length >= width ? `${text}  ` : text.padEnd(width));

function argumentsText(spec: CommandSpec): string {
  return (spec.arguments ?? [])
    .map((a) => {
      const name = `${a.name}${a.variadic ? '...' : ''}`;
      return a.required ? name : `[${name}]`;
    })
    .join(' ');
}

function usageLine(spec: CommandSpec, fullName: string): string {
  const parts = [`frs ${fullName}`];
  if (spec.subcommands?.length) parts.push('<subcommand>');
  const args = argumentsText(spec);
  if (args) parts.push(args);
  parts.push('[options]');
  return parts.join(' ');
}

function optionLabel(name: string, o: OptionSpec): string {
  const long = `--${name}${o.type === 'string' ? ` <${o.placeholder ?? 'value'}>` : ''}`;
  return o.short ? `-${o.short}, ${long}` : `    ${long}`;
}

function optionLines(options: Record<string, OptionSpec>): string[] {
  const labels = Object.entries(options).map(([name, o]) => [optionLabel(name, o), o] as const);
  const width = Math.max(...labels.map(([l]) => l.length)) + 2;
  return labels.map(([label, o]) => {
    const def = o.default !== undefined && o.default !== false ? ` (default: ${String(o.default)})` : '';
    const multiple = o.multiple ? ' (repeatable)' : '';
    return `  ${pad(label, width)}${o.description}${def}${multiple}`;
  });
}

export function commandHelp(spec: CommandSpec, fullName: string): string {
  const lines = [`Usage: ${usageLine(spec, fullName)}`, '', spec.summary];
  if (spec.description) lines.push('', wrap(spec.description));
  if (spec.arguments?.length) {
    lines.push('', 'Arguments:');
    const width = Math.max(...spec.arguments.map((a) => a.name.length + 3)) + 2;
    for (const a of spec.arguments)
      lines.push(`  ${pad(`${a.name}${a.variadic ? '...' : ''}`, width)}${a.description}`);
  }
  if (spec.subcommands?.length) {
    lines.push('', 'Subcommands:');
    const width = Math.max(...spec.subcommands.map((s) => s.name.length)) + 2;
    for (const s of spec.subcommands) lines.push(`  ${pad(s.name, width)}${s.summary}`);
    lines.push('', `Run "frs help ${fullName} <subcommand>" for a subcommand's options.`);
  }
  lines.push('', 'Options:', ...optionLines({ ...spec.options, ...HELP_OPTION }));
  if (spec.examples?.length) lines.push('', 'Examples:', ...spec.examples.map((e) => `  ${e}`));
  return lines.join('\n') + '\n';
}

export function generalHelp(commands: readonly CommandSpec[], version: string): string {
  const listed = commands.filter((c) => !c.hidden);
  const headings = [...new Set([...Object.values(GROUPS), ...listed.map((c) => c.group ?? GROUPS.tools)])];
  const width = Math.max(...listed.map((c) => c.name.length + 1 + argumentsText(c).length)) + 3;
  const lines = [
    `frs ${version}: find the faces in your photos and group them into persons.`,
    '',
    'Usage: frs <command> [options]',
    '       frs help <command>      options and examples of one command (or: frs <command> --help)',
  ];
  for (const heading of headings) {
    const inGroup = listed.filter((c) => (c.group ?? GROUPS.tools) === heading);
    if (inGroup.length === 0) continue;
    lines.push('', `${heading}:`);
    for (const c of inGroup) {
      const args = argumentsText(c);
      lines.push(`  ${pad(args ? `${c.name} ${args}` : c.name, width)}${c.summary}`);
    }
  }
  lines.push(
    '',
    'Common options: --json (machine-readable output), --database X (overrides FRS_DATABASE),',
    '  --dry-run (change nothing), -h/--help, and frs --version.',
    'Exit codes: 0 all good; 1 some items failed or an action was refused; 2 usage or configuration error.',
    'Settings are FRS_* environment variables (README.md, "Settings"). Without a command, frs runs "all".',
  );
  return lines.join('\n') + '\n';
}
