/** Every file in src/cli/commands is a well-formed command, found by the registry. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CommandSpec } from '../../src/cli/command.js';
import { loadCommands, valueOptionNames } from '../../src/cli/registry.js';

function* walk(spec: CommandSpec, prefix = ''): Generator<[string, CommandSpec]> {
  const name = `${prefix}${spec.name}`;
  yield [name, spec];
  for (const sub of spec.subcommands ?? []) yield* walk(sub, `${name} `);
}

describe('the command registry', () => {
  it('finds the replaced system modes and persons, each with a summary, described options and run', async () => {
    const commands = await loadCommands();
    const names = commands.map((c) => c.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'all',
        'automate',
        'db',
        'face',
        'identify',
        'person',
        'persons',
        'photo',
        'recluster',
        'recognize',
        'serve',
        'similar',
        'test',
        'watch',
      ]),
    );
    expect(new Set(names).size).toBe(names.length);
    for (const command of commands)
      for (const [name, spec] of walk(command)) {
        expect(spec.summary, name).toMatch(/\S/);
        expect(Boolean(spec.run) !== Boolean(spec.subcommands?.length), `${name}: run or subcommands`).toBe(true);
        for (const [option, o] of Object.entries(spec.options ?? {})) {
          expect(o.description, `${name} --${option}`).toMatch(/\S/);
          expect(option, `${name} --${option}`).toMatch(/^[a-z][a-z0-9-]*$/);
          if (option !== 'help') expect(o.short, `${name} --${option}: -h is help`).not.toBe('h');
        }
      }
    const valued = valueOptionNames(commands);
    for (const name of [
      'database',
      'images',
      'interval',
      'thumbnails',
      'port',
      'host',
      'by-person',
      'model',
      'k',
      'persons',
    ])
      expect(valued.has(name), name).toBe(true);
    for (const name of ['json', 'dry-run', 'once']) expect(valued.has(name), name).toBe(false);
  });

  it('refuses a module whose command is named unlike its file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'frs-cli-registry-'));
    try {
      writeFileSync(join(dir, 'people.js'), "export default { name: 'persons', summary: 'x', run: async () => 0 };\n");
      await expect(loadCommands(dir)).rejects.toThrow('people.js defines command "persons"; name it people.');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
