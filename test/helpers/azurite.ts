/**
 * Starts an in-memory Azurite blob service on a free port for a test file, and stops it.
 * Uses the well-known development account (public, documented by Microsoft).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ACCOUNT = 'devstoreaccount1';
const KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
const BIN = resolve(import.meta.dirname, '../../node_modules/.bin/azurite-blob');

export interface AzuriteBlob {
  connectionString: string;
  /** http://127.0.0.1:<port>/devstoreaccount1 */
  endpoint: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? done(address.port) : fail(new Error('no port'))));
    });
  });
}

async function waitUntilServing(
  endpoint: string,
  child: ChildProcess,
  output: () => string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Azurite exited with code ${child.exitCode}: ${output()}`);
    try {
      await fetch(`${endpoint}?comp=list`); // any HTTP answer means it is up
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  throw new Error(`Azurite did not start within ${timeoutMs} ms: ${output()}`);
}

export async function startAzuriteBlob(timeoutMs = 30_000): Promise<AzuriteBlob> {
  const workspace = await mkdtemp(join(tmpdir(), 'frs-azurite-'));
  // A port found free can be taken before Azurite binds it; try a few.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const endpoint = `http://127.0.0.1:${port}/${ACCOUNT}`;
    const child = spawn(
      BIN,
      [
        '--blobHost',
        '127.0.0.1',
        '--blobPort',
        String(port),
        '--inMemoryPersistence',
        '--silent',
        '--skipApiVersionCheck',
        '--disableTelemetry',
      ],
      // In-memory mode refuses --location; a scratch cwd catches any file it writes anyway.
      { cwd: workspace, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let log = '';
    child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
    try {
      await waitUntilServing(endpoint, child, () => log.slice(-2000), timeoutMs);
    } catch (err) {
      child.kill('SIGKILL');
      if (attempt < 3 && /EADDRINUSE/.test(log)) continue;
      await rm(workspace, { recursive: true, force: true });
      throw err;
    }
    return {
      endpoint,
      connectionString: `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${KEY};BlobEndpoint=${endpoint};`,
      stop: async () => {
        if (child.exitCode === null) {
          const exited = new Promise((r) => child.once('exit', r));
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
          await exited;
          clearTimeout(timer);
        }
        await rm(workspace, { recursive: true, force: true });
      },
    };
  }
}
