#!/usr/bin/env node
/**
 * `frs`: the seed tool's command line over FRS's services. Runs on the embedded default
 * (SQLite file + local folders) unless FRS_DATABASE / the Blob settings say otherwise.
 */
import { asFrsError } from '../errors.js';
import { loadSettings } from '../config/settings.js';
import { Services } from '../services.js';
import { consoleLogger } from '../pipeline/context.js';
import { parseCli, USAGE, type CliArgs } from './args.js';
import { runTestCommand } from './test-command.js';
import { runPipelineCommand } from './pipeline-command.js';

async function main(argv: string[]): Promise<number> {
  const args: CliArgs = parseCli(argv);
  if (args.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const settings = loadSettings(process.env, {
    ...(args.database ? { FRS_DATABASE: args.database } : {}),
    ...(args.dryRun ? { FRS_DRY_RUN: true } : {}),
  });
  const services = new Services(settings, consoleLogger);
  try {
    if (args.mode === 'test') {
      return await runTestCommand(services.analyzer, settings, args, (line) => process.stdout.write(line + '\n'));
    }
    return await runPipelineCommand(services, args, (line) => process.stdout.write(line + '\n'));
  } finally {
    await services.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    const e = asFrsError(err);
    process.stderr.write(`frs: ${e.code}: ${e.message}\n`);
    if (e.code === 'INTERNAL' && err instanceof Error && err.stack) process.stderr.write(err.stack + '\n');
    process.exit(2);
  },
);
