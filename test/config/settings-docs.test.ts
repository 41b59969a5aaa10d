/**
 * local.settings.example.json and the README settings table list exactly the schema's settings
 * with the schema's defaults, and equal what tools/settings-docs.ts renders (so a schema change
 * without `npx tsx tools/settings-docs.ts` fails here).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeSettings } from '../../src/config/describe-settings.js';
import { loadSettings, settingNames, settingsSchema } from '../../src/config/settings.js';
import {
  BLOB_TRIGGER_CONNECTION,
  README_END,
  README_START,
  renderLocalSettingsExample,
  renderReadme,
  renderSettingsTable,
  repoRoot,
} from '../../tools/settings-docs.js';

const examplePath = join(repoRoot, 'local.settings.example.json');
const readmePath = join(repoRoot, 'README.md');
const regenerate = 'out of date: run npx tsx tools/settings-docs.ts';

/** Schema defaults as app-setting strings, computed without describe-settings. */
const schemaDefaults: Record<string, string | undefined> = Object.fromEntries(
  Object.entries(settingsSchema.parse({})).map(([k, v]) => [k, v === undefined ? undefined : String(v)]),
);

function isFrsSetting(name: string): boolean {
  return name.startsWith('FRS_') && !name.includes('__') && name !== BLOB_TRIGGER_CONNECTION;
}

describe('local.settings.example.json', () => {
  const text = readFileSync(examplePath, 'utf8');
  const example = JSON.parse(text) as { IsEncrypted: boolean; Values: Record<string, string> };

  it('is what tools/settings-docs.ts renders', () => {
    expect(text, `local.settings.example.json is ${regenerate}`).toBe(renderLocalSettingsExample());
  });

  it("puts the host storage, the uploads and FRS's originals and thumbnails all in Azurite", () => {
    expect(example.IsEncrypted).toBe(false);
    expect(example.Values.FUNCTIONS_WORKER_RUNTIME).toBe('node');
    expect(example.Values.AzureWebJobsStorage).toBe('UseDevelopmentStorage=true');
    expect(example.Values[BLOB_TRIGGER_CONNECTION]).toBe('UseDevelopmentStorage=true');
    expect(example.Values.FRS_BLOB_CONNECTION_STRING).toBe('UseDevelopmentStorage=true');
    for (const v of Object.values(example.Values)) expect(typeof v).toBe('string');
  });

  it('lists exactly the schema settings, each at its default (unset ones empty) but the Blob connection', () => {
    const names = Object.keys(example.Values).filter(isFrsSetting);
    expect(names).toEqual(settingNames);
    for (const name of settingNames.filter((n) => n !== 'FRS_BLOB_CONNECTION_STRING')) {
      expect(example.Values[name], name).toBe(schemaDefaults[name] ?? '');
    }
  });

  it('loads as valid settings equal to the defaults but the Blob connection', () => {
    expect(loadSettings(example.Values)).toEqual(
      loadSettings({ FRS_BLOB_CONNECTION_STRING: 'UseDevelopmentStorage=true' }),
    );
  });
});

describe('README settings table', () => {
  const readme = readFileSync(readmePath, 'utf8');

  function tableRows(text: string): Map<string, string[]> {
    const start = text.indexOf(README_START);
    const end = text.indexOf(README_END);
    expect(start, 'settings:start marker').toBeGreaterThanOrEqual(0);
    expect(end, 'settings:end marker').toBeGreaterThan(start);
    const rows = new Map<string, string[]>();
    for (const line of text.slice(start, end).split('\n')) {
      const m = /^\| `([A-Z0-9_]+)` \|(.*)\|$/.exec(line);
      if (!m) continue;
      expect(rows.has(m[1]), `${m[1]} listed twice`).toBe(false);
      rows.set(
        m[1],
        m[2].split(/(?<!\\)\|/).map((c) => c.trim()),
      );
    }
    return rows;
  }

  it('is what tools/settings-docs.ts renders', () => {
    expect(readme, `README.md settings table is ${regenerate}`).toBe(renderReadme(readme));
  });

  it('sits in a "## Configuration" section', () => {
    const section = readme.lastIndexOf('\n## ', readme.indexOf(README_START));
    expect(readme.slice(section + 1, readme.indexOf('\n', section + 1))).toBe('## Configuration');
  });

  it('lists exactly the schema settings with their defaults and descriptions', () => {
    const rows = tableRows(readme);
    expect([...rows.keys()]).toEqual(settingNames);
    for (const name of settingNames) {
      const [, def, description] = rows.get(name)!;
      const expected = schemaDefaults[name];
      expect(def, name).toBe(expected === undefined ? '*(unset)*' : `\`${expected}\``);
      const described = settingsSchema.shape[name].description!.replace(/</g, '&lt;').replace(/>/g, '&gt;');
      expect(description, name).toBe(described);
    }
  });

  it('escapes table syntax and HTML in rendered cells', () => {
    const table = renderSettingsTable([
      {
        name: 'FRS_DATABASE',
        type: 'string',
        default: 'a|b',
        description: 'x | y <z>',
        required: false,
        range: undefined,
      },
      {
        name: 'FRS_BATCH_SIZE',
        type: 'integer',
        default: undefined,
        description: 'must be set',
        required: true,
        range: '1 to 2',
      },
    ]);
    expect(table).toContain('| `FRS_DATABASE` | string | `a\\|b` | x \\| y &lt;z&gt; |');
    expect(table).toContain('| `FRS_BATCH_SIZE` | integer, 1 to 2 | **required** | must be set |');
  });

  it('replaces only the text between the markers', () => {
    const before = `# T\n\n## Configuration\n\n${README_START}\nstale\n${README_END}\n\n## Next\nkeep\n`;
    const after = renderReadme(before);
    expect(after.startsWith('# T\n\n## Configuration\n\n<!-- settings:start -->\n')).toBe(true);
    expect(after.endsWith(`${README_END}\n\n## Next\nkeep\n`)).toBe(true);
    expect(after).not.toContain('stale');
    expect(tableRows(after).size).toBe(describeSettings().length);
    expect(renderReadme(after)).toBe(after);
    expect(() => renderReadme('# no markers\n')).toThrow(/markers/);
  });
});
