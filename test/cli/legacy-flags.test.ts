/** The replaced system's flags mean the same as FRS's commands, and conflicting modes are refused. */
import { describe, expect, it } from 'vitest';
import { translateLegacyArgs } from '../../src/cli/legacy-flags.js';
import { UsageError } from '../../src/cli/usage-error.js';

const known = {
  commands: new Set(['test', 'db', 'watch', 'recognize', 'all', 'automate', 'recluster', 'persons', 'retry-failed']),
  valueOptions: new Set(['database', 'images', 'interval', 'thumbnails']),
};
const translate = (argv: string[]) => translateLegacyArgs(argv, known);
const refusal = (argv: string[]): UsageError => {
  try {
    translate(argv);
  } catch (err) {
    return err as UsageError;
  }
  throw new Error(`${argv.join(' ')} was accepted`);
};

describe('translateLegacyArgs', () => {
  it.each([
    [
      ['--test', 'x.jpg'],
      ['test', 'x.jpg'],
    ],
    [
      ['--test', 'a.jpg', '--test', 'b.png', '--json'],
      ['test', 'a.jpg', 'b.png', '--json'],
    ],
    [['--db'], ['db']],
    [['--watch'], ['watch']],
    [['--recognize'], ['recognize']],
    [['--all'], ['all']],
    [['--recluster'], ['recluster']],
    [['--dry-run'], ['all', '--dry-run']],
    [[], ['all']],
    [
      ['--automate', '--interval', '90s'],
      ['automate', '--interval', '90s'],
    ],
    [
      ['--images', 'photos', '--db'],
      ['db', '--images', 'photos'],
    ],
    [
      ['--database', 'x.db', 'persons', '--json'],
      ['persons', '--database', 'x.db', '--json'],
    ],
  ])('%j means %j', (flags, command) => {
    expect(translate(flags)).toEqual(command);
  });

  it('leaves the command form as it is', () => {
    expect(translate(['all', '--images', 'photos'])).toEqual(['all', '--images', 'photos']);
    expect(translate(['test', 'a.jpg', '--test', 'b.jpg'])).toEqual(['test', 'a.jpg', 'b.jpg']);
  });

  it('does not read old mode flags as modes after a newer command (they may be its own options)', () => {
    expect(translate(['retry-failed', '--all'])).toEqual(['retry-failed', '--all']);
  });

  it.each([
    [
      ['--db', '--all'],
      ['--db', '--all'],
    ],
    [
      ['--test', 'x.jpg', '--db'],
      ['--test', '--db'],
    ],
    [
      ['db', '--all'],
      ['--all', '--db'],
    ],
    [
      ['--automate', '--watch', '--interval', '90s'],
      ['--watch', '--automate'],
    ],
  ])('refuses conflicting modes %j, naming them', (argv, named) => {
    const err = refusal(argv);
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toMatch(/^Choose one mode/);
    for (const flag of named) expect(err.message).toContain(flag);
  });

  it('refuses --test without a path and an unknown command, suggesting the nearest', () => {
    expect(refusal(['--test']).message).toContain('--test needs an image or folder path');
    expect(refusal(['--test', '--json']).message).toContain('--test needs an image or folder path');
    expect(refusal(['--dry-run', 'recluser']).message).toBe('Unknown command recluser. Did you mean recluster?');
  });
});
