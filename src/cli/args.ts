/**
 * Command-line parsing for `frs`. Accepts the seed tool's flags (`--test <image>`, `--db`,
 * `--watch`, `--recognize`, `--all`, `--automate`, `--recluster`, `--dry-run`) and the same
 * modes as subcommands (`frs all`, `frs test <path>`).
 */
import { parseArgs } from 'node:util';
import { FrsError } from '../errors.js';

export const MODES = [
  'test',
  'db',
  'watch',
  'recognize',
  'all',
  'automate',
  'recluster',
  'persons',
  'thumbnails',
  'reprocess',
  'export',
  'old-embeddings',
] as const;
export type Mode = (typeof MODES)[number];

export interface CliArgs {
  mode: Mode;
  paths: string[];
  json: boolean;
  embeddings: boolean;
  thumbnailsDir?: string;
  images?: string;
  database?: string;
  dryRun: boolean;
  intervalMs: number;
  once: boolean;
  help: boolean;
  /** Regroup even when nothing is new: the replaced system's `--recluster` with another mode, or alone in its loop. */
  recluster: boolean;
  /** thumbnails: only faces without one. */
  missing: boolean;
  /** reprocess: items marked extracted that have no face. */
  noFaces: boolean;
  /** export: the folder to write one sub-folder per person into. */
  byPerson?: string;
  /** export: link the photos instead of copying face thumbnails. */
  photos: boolean;
  /** old-embeddings: delete them (of --model only, when given). */
  remove: boolean;
  model?: string;
}

export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) throw new FrsError('INVALID_INPUT', `--interval "${text}" is not a duration like 90s, 3m or 1h.`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  return Number(m[1]) * unit;
}

function parseOptions(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      test: { type: 'string', multiple: true },
      db: { type: 'boolean' },
      watch: { type: 'boolean' },
      recognize: { type: 'boolean' },
      all: { type: 'boolean' },
      automate: { type: 'boolean' },
      recluster: { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      json: { type: 'boolean' },
      embeddings: { type: 'boolean' },
      thumbnails: { type: 'string' },
      images: { type: 'string' },
      database: { type: 'string' },
      interval: { type: 'string', default: '3m' },
      once: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      missing: { type: 'boolean' },
      'no-faces': { type: 'boolean' },
      'by-person': { type: 'string' },
      photos: { type: 'boolean' },
      remove: { type: 'boolean' },
      model: { type: 'string' },
    },
  });
}

export function parseCli(argv: string[]): CliArgs {
  let parsed;
  try {
    parsed = parseOptions(argv);
  } catch (err) {
    throw new FrsError('INVALID_INPUT', `${(err as Error).message}. Run frs --help for usage.`);
  }
  const { values, positionals } = parsed;

  // --recluster is a modifier (legacyMode); the `recluster` subcommand is a mode.
  const flagged = (['db', 'watch', 'recognize', 'all', 'automate'] as const).filter((m) => values[m]);
  const modes: Mode[] = [...(values.test ? (['test'] as const) : []), ...flagged];
  let paths = [...(values.test ?? [])];
  let rest = positionals;
  if (rest.length && (MODES as readonly string[]).includes(rest[0])) {
    modes.push(rest[0] as Mode);
    rest = rest.slice(1);
  }
  paths = [...paths, ...rest];
  const { mode, recluster } = legacyMode([...new Set(modes)], values.recluster === true);
  if (mode === 'test' && paths.length === 0 && !values.help)
    throw new FrsError('INVALID_INPUT', '`frs test` needs an image or folder path.');
  if (mode === 'reprocess' && paths.length === 0 && !values['no-faces'] && !values.help)
    throw new FrsError('INVALID_INPUT', '`frs reprocess` needs item ids or file paths, or --no-faces.');
  if (mode === 'export' && !values['by-person'] && !values.help)
    throw new FrsError('INVALID_INPUT', '`frs export` needs --by-person DIR.');
  if (mode !== 'test' && mode !== 'reprocess' && paths.length > 0)
    throw new FrsError(
      'INVALID_INPUT',
      `Unexpected argument(s) for ${mode}: ${paths.join(' ')} (use --images DIR to register a folder).`,
    );

  return {
    mode,
    paths,
    json: values.json ?? false,
    embeddings: values.embeddings ?? false,
    thumbnailsDir: values.thumbnails,
    images: values.images,
    database: values.database,
    dryRun: values['dry-run'] ?? false,
    intervalMs: parseDuration(values.interval ?? '3m'),
    once: values.once ?? false,
    help: values.help ?? false,
    recluster,
    missing: values.missing ?? false,
    noFaces: values['no-faces'] ?? false,
    byPerson: values['by-person'],
    photos: values.photos ?? false,
    remove: values.remove ?? false,
    model: values.model,
  };
}

/**
 * The replaced system's mode flags combined as it combined them: `--recluster` with
 * `--recognize` or `--all` is that mode with a regroup even when nothing is new, and
 * `--recluster` alone is its automated loop with a regroup every cycle. The `frs recluster`
 * subcommand stays one regroup (it is counted in `modes` but not as the flag).
 */
export function legacyMode(modes: Mode[], reclusterFlag: boolean): { mode: Mode; recluster: boolean } {
  if (modes.length > 1)
    throw new FrsError('INVALID_INPUT', `Choose one mode; got ${modes.map((m) => `--${m}`).join(', ')}.`);
  const mode = modes[0];
  if (!reclusterFlag) return { mode: mode ?? 'all', recluster: false };
  if (mode === undefined) return { mode: 'automate', recluster: true };
  if (mode === 'recluster') return { mode, recluster: false };
  if (mode === 'all' || mode === 'recognize' || mode === 'automate') return { mode, recluster: true };
  throw new FrsError(
    'INVALID_INPUT',
    `--recluster combines with --all, --recognize or --automate, or runs alone (the automated loop); got --${mode}.`,
  );
}

export const USAGE = `Usage: frs <mode> [options]

Modes (the seed tool's flags work too: --test <image>, --db, --watch, ...):
  test <image|folder>...   detect faces in files, no database   [--json] [--embeddings] [--thumbnails DIR]
  db                       detect faces on all unprocessed media items once
  watch                    keep detecting new items (every --interval)
  recognize                embed faces and group them into persons
  all                      detection then recognition, once (default)
  automate                 the full pipeline every --interval (default 3m)
  recluster                regroup every unverified face now, even when nothing is new
  persons                  list persons and their faces
  thumbnails [--missing]   thumbnails from the stored boxes (only faces without one with --missing)
  reprocess <id|path>...   queue items again and run the pipeline; --no-faces: items extracted without faces
  export --by-person DIR   one folder per person with its face thumbnails [--photos: links to the photos]
  old-embeddings           embeddings of other models kept by FRS [--remove [--model M]]

The replaced system's combinations: --all --recluster and --recognize --recluster regroup even
when nothing is new; --recluster alone is its automated loop (every --interval) with a regroup.

Options:
  --images DIR      register the image files under DIR as media items first
  --database X      SQLite file or SQL Server connection string (FRS_DATABASE)
  --dry-run         log what would change, change nothing
  --interval T      for watch/automate: 90s, 3m, 1h
  --json            machine-readable output
`;
