#!/usr/bin/env node
/**
 * `frs`: FRS's command line. Runs on the embedded default (SQLite file + local folders) unless
 * FRS_DATABASE / the Blob settings say otherwise. Commands live in src/cli/commands/.
 */
import { runCli } from './run-cli.js';

// exit() rather than exitCode: native thread pools (ONNX Runtime, database drivers) may keep the loop alive.
process.exit(await runCli(process.argv.slice(2)));
