/**
 * `npm run func`: builds (dist/ cleaned first) and starts the Functions host locally with
 * `func start`, after checking what it needs, so a missing piece is named instead of failing
 * somewhere inside the host:
 *   - Azure Functions Core Tools v4 (`func` on the PATH, or the optional npm dependency);
 *   - local.settings.json (copied from local.settings.example.json when missing);
 *   - Azurite on 127.0.0.1:10000 for host storage, uploads and thumbnails (a warning only).
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const windows = process.platform === 'win32';

export const INSTALL_CORE_TOOLS = `Azure Functions Core Tools v4 (the "func" command) is not installed.
Install it one of these ways, then run npm run func again:
  npm:     npm install -g azure-functions-core-tools@4   (its install script downloads the host: needs internet)
  macOS:   brew tap azure/functions && brew install azure-functions-core-tools@4
  Ubuntu/Debian: add the Microsoft package repository (https://learn.microsoft.com/azure/azure-functions/functions-run-local),
           then sudo apt-get install azure-functions-core-tools-4
  Windows: winget install Microsoft.Azure.FunctionsCoreTools
FRS itself does not need it: npm start and npm run frs run the same services without the host.`;

/** The Core Tools version, or null when `func` cannot be run. */
export function coreToolsVersion(env: NodeJS.ProcessEnv = process.env): string | null {
  const result = spawnSync('func', ['--version'], { env, encoding: 'utf8', shell: windows, timeout: 30_000 });
  return result.status === 0 ? result.stdout.trim() : null;
}

function azuriteListening(port = 10000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(1000);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

async function main(): Promise<number> {
  const version = coreToolsVersion();
  if (!version) {
    console.error(INSTALL_CORE_TOOLS);
    return 1;
  }
  console.error(`Azure Functions Core Tools ${version}`);
  const settings = join(root, 'local.settings.json');
  if (!existsSync(settings)) {
    copyFileSync(join(root, 'local.settings.example.json'), settings);
    console.error('Created local.settings.json from local.settings.example.json (edit it to change settings).');
  }
  if (!(await azuriteListening()))
    console.error(
      'Azurite is not running on 127.0.0.1:10000; the host needs it for its storage, uploads and thumbnails.\n' +
        'Start it in another terminal: npx azurite --disableTelemetry --silent --location .azurite',
    );
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit', shell: windows });
  if (build.status !== 0) return build.status ?? 1;
  const host = spawn('func', ['start', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit', shell: windows });
  return new Promise((resolve) => host.on('exit', (code) => resolve(code ?? 1)));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = await main();
