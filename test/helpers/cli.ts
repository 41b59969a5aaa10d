/** Runs the frs CLI in process, as a user's shell would, capturing what it prints. */
import type { CommandSpec } from '../../src/cli/command.js';
import { runCli } from '../../src/cli/run-cli.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runFrs(
  argv: string[],
  env: Record<string, string | undefined>,
  commands?: CommandSpec[],
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io = { stdout: (t: string) => (stdout += t), stderr: (t: string) => (stderr += t), env, interactive: false };
  const code = await runCli(argv, io, commands);
  return { code, stdout, stderr };
}
