/**
 * Options several commands share, so they are spelt and described once. A command spreads the
 * ones it supports into its `options`; `--database` and `--dry-run` are applied to the settings
 * by the framework (`ctx.settings()`), the others are read by the command.
 */
import type { OptionSpec } from './command.js';

export const jsonOption = {
  json: { type: 'boolean', description: 'machine-readable output on stdout (logs stay on stderr)' },
} as const satisfies Record<string, OptionSpec>;

export const databaseOption = {
  database: {
    type: 'string',
    placeholder: 'X',
    description: 'SQLite file or SQL Server connection string (overrides FRS_DATABASE)',
  },
} as const satisfies Record<string, OptionSpec>;

export const dryRunOption = {
  'dry-run': { type: 'boolean', description: 'log what would change, change nothing' },
} as const satisfies Record<string, OptionSpec>;

export const imagesOption = {
  images: {
    type: 'string',
    placeholder: 'DIR',
    description: 'register the image files under DIR as media items first (local storage only)',
  },
} as const satisfies Record<string, OptionSpec>;

export const loopOptions = {
  interval: {
    type: 'string',
    placeholder: 'T',
    default: '3m',
    description: 'time between cycles: 90s, 3m, 1h',
  },
  once: { type: 'boolean', description: 'run one cycle and exit' },
} as const satisfies Record<string, OptionSpec>;

/** Every database command takes these. */
export const databaseOptions = { ...databaseOption, ...dryRunOption } as const;
