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
  'retry-failed',
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

  const flagged = (['db', 'watch', 'recognize', 'all', 'automate', 'recluster'] as const).filter((m) => values[m]);
  const modes: Mode[] = [...(values.test ? (['test'] as const) : []), ...flagged];
  let paths = [...(values.test ?? [])];
  let rest = positionals;
  if (rest.length && (MODES as readonly string[]).includes(rest[0])) {
    modes.push(rest[0] as Mode);
    rest = rest.slice(1);
  }
  paths = [...paths, ...rest];
  const unique = [...new Set(modes)];
  if (unique.length > 1)
    throw new FrsError('INVALID_INPUT', `Choose one mode; got ${unique.map((m) => `--${m}`).join(', ')}.`);
  const mode = unique[0] ?? 'all';
  if (mode === 'test' && paths.length === 0 && !values.help)
    throw new FrsError('INVALID_INPUT', '`frs test` needs an image or folder path.');
  if (mode !== 'test' && paths.length > 0)
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
  };
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
  retry-failed             put failed items (and faces that failed to embed) back, to be tried again

Options:
  --images DIR      register the image files under DIR as media items first
  --database X      SQLite file or SQL Server connection string (FRS_DATABASE)
  --dry-run         log what would change, change nothing
  --interval T      for watch/automate: 90s, 3m, 1h
  --json            machine-readable output
`;
