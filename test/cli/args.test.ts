/** `frs` argument parsing: the seed tool's flags and the subcommands must mean the same thing. */
import { describe, expect, it } from 'vitest';
import { parseCli, parseDuration } from '../../src/cli/args.js';
import { FrsError } from '../../src/errors.js';

const parseError = (argv: string[]): FrsError => {
  try {
    parseCli(argv);
  } catch (err) {
    return err as FrsError;
  }
  throw new Error(`parseCli(${argv.join(' ')}) did not throw`);
};

describe('parseCli', () => {
  it.each([
    [
      ['--test', 'x.jpg'],
      ['test', 'x.jpg'],
    ],
    [['--db'], ['db']],
    [['--watch'], ['watch']],
    [['--recognize'], ['recognize']],
    [['--all'], ['all']],
    [['--recluster'], ['automate', '--recluster']],
    [['--dry-run'], ['all', '--dry-run']],
    [
      ['--automate', '--interval', '90s'],
      ['automate', '--interval', '90s'],
    ],
  ])('seed flags %j mean the same as %j', (flags, subcommand) => {
    expect(parseCli(flags)).toEqual(parseCli(subcommand));
  });

  it('maps each seed flag to its mode and options', () => {
    expect(parseCli(['--test', 'x.jpg'])).toMatchObject({ mode: 'test', paths: ['x.jpg'] });
    expect(parseCli(['--db']).mode).toBe('db');
    expect(parseCli(['--all']).mode).toBe('all');
    expect(parseCli(['--dry-run'])).toMatchObject({ mode: 'all', dryRun: true });
    expect(parseCli(['--automate', '--interval', '90s'])).toMatchObject({ mode: 'automate', intervalMs: 90_000 });
  });

  it('combines --recluster as the replaced system did; the recluster subcommand stays one regroup', () => {
    expect(parseCli(['--all', '--recluster'])).toMatchObject({ mode: 'all', recluster: true });
    expect(parseCli(['--recluster', '--recognize'])).toMatchObject({ mode: 'recognize', recluster: true });
    expect(parseCli(['--recluster'])).toMatchObject({ mode: 'automate', recluster: true, intervalMs: 180_000 });
    expect(parseCli(['--recluster', '--interval', '90s'])).toMatchObject({ mode: 'automate', intervalMs: 90_000 });
    expect(parseCli(['recluster'])).toMatchObject({ mode: 'recluster', recluster: false });
    expect(parseCli(['--dry-run'])).toMatchObject({ mode: 'all', recluster: false, dryRun: true });
    expect(parseError(['--db', '--recluster']).message).toMatch(/--recluster combines with --all, --recognize/);
    expect(parseError(['--all', '--recognize', '--recluster']).message).toMatch(/Choose one mode/);
  });

  it('parses the drop-in commands', () => {
    expect(parseCli(['thumbnails', '--missing'])).toMatchObject({ mode: 'thumbnails', missing: true });
    expect(parseCli(['reprocess', '12', 'C:/x/a.jpg'])).toMatchObject({
      mode: 'reprocess',
      paths: ['12', 'C:/x/a.jpg'],
    });
    expect(parseCli(['reprocess', '--no-faces'])).toMatchObject({ mode: 'reprocess', noFaces: true, paths: [] });
    expect(parseCli(['export', '--by-person', 'out', '--photos'])).toMatchObject({ byPerson: 'out', photos: true });
    expect(parseCli(['old-embeddings', '--remove', '--model', 'x'])).toMatchObject({ remove: true, model: 'x' });
    expect(parseError(['reprocess']).message).toMatch(/needs item ids or file paths, or --no-faces/);
    expect(parseError(['export']).message).toMatch(/needs --by-person DIR/);
  });

  it('runs everything once when no mode is given, every 3 minutes when automated', () => {
    expect(parseCli([])).toMatchObject({
      mode: 'all',
      dryRun: false,
      intervalMs: 180_000,
      json: false,
      embeddings: false,
    });
    expect(parseCli(['automate']).intervalMs).toBe(180_000);
  });

  it('collects test paths from repeated --test flags and positionals', () => {
    expect(parseCli(['--test', 'a.jpg', '--test', 'b.png']).paths).toEqual(['a.jpg', 'b.png']);
    expect(parseCli(['test', 'photos', 'c.jpg', '--json', '--embeddings', '--thumbnails', 'out'])).toMatchObject({
      mode: 'test',
      paths: ['photos', 'c.jpg'],
      json: true,
      embeddings: true,
      thumbnailsDir: 'out',
    });
    // The flag and the subcommand together are one mode, not a conflict.
    expect(parseCli(['test', '--test', 'a.jpg', 'b.jpg'])).toMatchObject({ mode: 'test', paths: ['a.jpg', 'b.jpg'] });
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
  ])('rejects conflicting modes %j, naming them', (argv, named) => {
    const err = parseError(argv);
    expect(err).toBeInstanceOf(FrsError);
    expect(err.code).toBe('INVALID_INPUT');
    expect(err.message).toMatch(/^Choose one mode/);
    for (const flag of named) expect(err.message).toContain(flag);
  });

  it('rejects a test without a path and stray arguments for other modes', () => {
    expect(parseError(['test']).message).toContain('needs an image or folder path');
    const stray = parseError(['db', 'photos']);
    expect(stray.code).toBe('INVALID_INPUT');
    expect(stray.message).toContain('photos');
    expect(stray.message).toContain('--images');
  });

  it('rejects an unknown option, naming it', () => {
    expect(() => parseCli(['--bogus'])).toThrow(/--bogus/);
    expect(() => parseCli(['--bogus'])).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => parseCli(['--test'])).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['90', 90_000],
    ['3m', 180_000],
    ['1h', 3_600_000],
    ['250ms', 250],
    ['1.5m', 90_000],
  ])('%s is %i ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it('rejects text that is not a duration, quoting it', () => {
    expect(() => parseCli(['automate', '--interval', 'soon'])).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringContaining('"soon"') }),
    );
  });
});
