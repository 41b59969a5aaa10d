/**
 * The `frs` dispatcher in-process: help screens, --version, suggestions, exit codes, the
 * read-only refusal, the --images refusal, nested subcommands and the shared context.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defineCommand, EXIT, type CommandSpec } from '../../src/cli/command.js';
import { loadCommands } from '../../src/cli/registry.js';
import { runFrs } from '../helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'frs-cli-run-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const frs = (argv: string[], env: Record<string, string> = {}, commands?: CommandSpec[]) =>
  runFrs(argv, { FRS_DATABASE: join(tmp, 'none', 'frs.db'), FRS_INTRA_OP_THREADS: '1', ...env }, commands);

describe('help and version', () => {
  it('prints the version from package.json', async () => {
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    for (const flag of ['--version', '-v'])
      expect(await frs([flag])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('lists every command with its summary, and the exit codes', async () => {
    const { code, stdout } = await frs(['--help']);
    expect(code).toBe(EXIT.OK);
    for (const command of await loadCommands()) expect(stdout).toContain(`  ${command.name}`);
    expect(stdout).toContain('2 usage or configuration error');
    expect((await frs(['help'])).stdout).toBe(stdout);
  });

  it('shows one command with its options for "help <command>" and "<command> --help"', async () => {
    const help = await frs(['help', 'test']);
    expect(help.code).toBe(EXIT.OK);
    expect(help.stdout).toMatch(/^Usage: frs test <image\|folder>\.\.\. \[options\]/);
    expect(help.stdout).toContain('--thumbnails <DIR>');
    expect(help.stdout).toContain('--embeddings');
    expect((await frs(['test', '--help'])).stdout).toBe(help.stdout);
    expect((await frs(['--test', 'x.jpg', '-h'])).stdout).toBe(help.stdout);
    expect((await frs(['help', 'automate'])).stdout).toContain(
      '--interval <T>  time between cycles: 90s, 3m, 1h (default: 3m)',
    );
  });
});

describe('mistakes', () => {
  it.each([
    [['tset'], 'Unknown command tset. Did you mean test?'],
    [['help', 'persns'], 'Unknown command persns. Did you mean persons or person?'],
    [['persons', '--jsn'], 'Unknown option --jsn for frs persons. Did you mean --json?'],
    [['all', '--image', 'x'], 'Unknown option --image for frs all. Did you mean --images?'],
    [['db', 'photos'], 'frs db takes no arguments; got photos (use --images DIR to register a folder).'],
    [['test'], 'frs test needs <image|folder>'],
    [['test', 'x.jpg', '--thumbnails'], 'Option --thumbnails needs a value (--thumbnails <DIR>).'],
    [['--db', '--all'], 'Choose one mode; got --db, --all.'],
    [['automate', '--interval', 'soon'], '--interval "soon" is not a duration like 90s, 3m or 1h.'],
  ])('%j exits 2 and says what was wrong', async (argv, message) => {
    const { code, stdout, stderr } = await frs(argv);
    expect(code).toBe(EXIT.USAGE);
    expect(stdout).toBe('');
    expect(stderr).toContain(`frs: ${message}`);
    expect(stderr).toMatch(/Run "frs help( [a-z]+)?" for usage\.\n$/);
  });

  it('reports invalid settings as a configuration error (exit 2) naming the setting', async () => {
    const { code, stderr } = await frs(['persons'], { FRS_MATCH_THRESHOLD: 'high' });
    expect(code).toBe(EXIT.USAGE);
    expect(stderr).toContain('FRS_MATCH_THRESHOLD');
  });
});

describe('opening the database', () => {
  it('refuses a read-only command when the database does not exist, and creates nothing', async () => {
    const database = join(tmp, 'fresh', 'frs.db');
    const { code, stdout, stderr } = await frs(['persons'], { FRS_DATABASE: database });
    expect(code).toBe(EXIT.USAGE);
    expect(stdout).toBe('');
    expect(stderr).toContain(`No FRS database at ${database}`);
    expect(existsSync(join(tmp, 'fresh'))).toBe(false);
  });

  it('refuses --images when Blob Storage is configured, before opening anything', async () => {
    const database = join(tmp, 'blob', 'frs.db');
    const { code, stderr } = await frs(['all', '--images', tmp], {
      FRS_DATABASE: database,
      FRS_BLOB_CONNECTION_STRING: 'UseDevelopmentStorage=true',
    });
    expect(code).toBe(EXIT.USAGE);
    expect(stderr).toContain('--images registers local files, but Blob Storage is configured');
    expect(existsSync(join(tmp, 'blob'))).toBe(false);
  });

  it('refuses --images naming a folder that does not exist', async () => {
    const { code, stderr } = await frs(['db', '--images', join(tmp, 'missing')]);
    expect(code).toBe(EXIT.USAGE);
    expect(stderr).toContain('no such folder');
  });

  it('lets --database override FRS_DATABASE', async () => {
    const { stderr } = await frs(['persons', '--database', join(tmp, 'other.db')]);
    expect(stderr).toContain(`No FRS database at ${join(tmp, 'other.db')}`);
  });
});

describe('nested subcommands and the command context', () => {
  const seen: unknown[] = [];
  const rename = defineCommand({
    name: 'rename',
    summary: 'rename a person',
    arguments: [
      { name: '<id>', description: 'person id', required: true },
      { name: '<name>', description: 'new name', required: true },
    ],
    options: { json: { type: 'boolean', description: 'JSON' } },
    async run(ctx) {
      seen.push({ command: ctx.command, args: ctx.args, json: ctx.values.json });
      ctx.printJson({ ok: true });
      return EXIT.FAILED;
    },
  });
  const person = defineCommand({ name: 'person', summary: 'persons', subcommands: [rename] });
  const commands = [person];

  it('runs the subcommand with its arguments and options, and returns its exit code', async () => {
    const { code, stdout } = await frs(['person', 'rename', '7', 'Ada', '--json'], {}, commands);
    expect(code).toBe(EXIT.FAILED);
    expect(stdout).toBe('{"ok":true}\n');
    expect(seen).toEqual([{ command: 'person rename', args: ['7', 'Ada'], json: true }]);
  });

  it('shows help for the group and the subcommand, and suggests misspelt subcommands', async () => {
    expect((await frs(['help', 'person'], {}, commands)).stdout).toContain('  rename  rename a person');
    expect((await frs(['person', 'rename', '--help'], {}, commands)).stdout).toMatch(
      /^Usage: frs person rename <id> <name> \[options\]/,
    );
    const group = await frs(['person'], {}, commands);
    expect(group.code).toBe(EXIT.USAGE);
    expect(group.stderr).toContain('Subcommands:');
    const typo = await frs(['person', 'renme', '7', 'Ada'], {}, commands);
    expect(typo.code).toBe(EXIT.USAGE);
    expect(typo.stderr).toContain('Unknown subcommand renme for frs person. Did you mean rename?');
    expect((await frs(['person', 'rename', '7'], {}, commands)).stderr).toContain('needs <name>');
  });

  it('maps a failure inside a command to exit 1 with its code', async () => {
    const failing = defineCommand({
      name: 'boom',
      summary: 'fails',
      async run(ctx) {
        await ctx.services('read');
        return EXIT.OK;
      },
    });
    const database = join(tmp, 'x.db');
    const broken = await frs(['boom'], { FRS_DATABASE: database }, [failing]);
    expect(broken.code).toBe(EXIT.USAGE);
    const thrower = defineCommand({
      name: 'boom',
      summary: 'fails',
      run: () => Promise.reject(new Error('disk on fire')),
    });
    const internal = await frs(['boom'], {}, [thrower]);
    expect(internal.code).toBe(EXIT.FAILED);
    expect(internal.stderr).toContain('frs: INTERNAL: disk on fire');
  });
});
