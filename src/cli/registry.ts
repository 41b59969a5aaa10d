/**
 * The commands of `frs`: every module in `src/cli/commands/` whose default export is a command
 * spec, named like its file (`commands/retry-failed.ts` → `frs retry-failed`). Adding a command
 * is adding a file; nothing else lists them. Command modules import heavy parts (models,
 * database drivers) only inside `run`, so `frs --help` stays fast.
 */
import { readdirSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { CommandSpec } from './command.js';

const commandsDir = fileURLToPath(new URL('./commands/', import.meta.url));

/** Source (tsx, vitest) or compiled (dist) command modules; not declarations or source maps. */
function isCommandModule(file: string): boolean {
  return /\.(ts|js)$/.test(file) && !/\.d\.ts$/.test(file) && !/\.test\.(ts|js)$/.test(file);
}

export async function loadCommands(dir = commandsDir): Promise<CommandSpec[]> {
  const files = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && isCommandModule(e.name))
    .map((e) => e.name)
    .sort();
  const commands: CommandSpec[] = [];
  for (const file of files) {
    const module = (await import(pathToFileURL(join(dir, file)).href)) as { default?: CommandSpec };
    const spec = module.default;
    const expected = basename(file, extname(file));
    if (!spec || typeof spec.name !== 'string')
      throw new Error(`${file} in src/cli/commands must default-export defineCommand({...}).`);
    if (spec.name !== expected) throw new Error(`${file} defines command "${spec.name}"; name it ${expected}.`);
    commands.push(spec);
  }
  return commands;
}

/** Names of options that take a value, in any command or subcommand. */
export function valueOptionNames(commands: readonly CommandSpec[]): Set<string> {
  const names = new Set<string>();
  const visit = (spec: CommandSpec) => {
    for (const [name, o] of Object.entries(spec.options ?? {})) if (o.type === 'string') names.add(name);
    spec.subcommands?.forEach(visit);
  };
  commands.forEach(visit);
  return names;
}
