/** `frs serve`: the people app and the HTTP API on one local server (src/server/frs-server.ts). */
import { setServices, type Services } from '../services.js';
import { startFrsServer, type ServeOptions } from '../server/frs-server.js';

export const SERVE_DEFAULTS: ServeOptions = { port: 7071, host: '127.0.0.1' };

/** Serves until SIGINT / SIGTERM; returns the exit code. */
export async function runServeCommand(
  services: Services,
  options: Partial<ServeOptions>,
  print: (line: string) => void,
): Promise<number> {
  setServices(services);
  const { server, url } = await startFrsServer({ ...SERVE_DEFAULTS, ...options });
  print(`FRS people app: ${url}  (API under ${new URL('..', url).pathname}; Ctrl+C stops)`);
  await new Promise<void>((resolve) => {
    const stop = () => server.close(() => resolve());
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  setServices(undefined);
  return 0;
}
