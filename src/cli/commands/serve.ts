/** `frs serve`: the people app and the HTTP API (the Functions' own handlers) on one local server. */
import { defineCommand, EXIT } from '../command.js';
import { GROUPS } from '../help.js';
import { databaseOption } from '../shared-options.js';
import { UsageError } from '../usage-error.js';

export const SERVE_DEFAULTS = { port: 7071, host: '127.0.0.1' } as const;

export default defineCommand({
  name: 'serve',
  summary: 'the people app and the HTTP API on http://127.0.0.1:7071/api/app/',
  description:
    'Serves the people app (web/dist, built by npm run build) and every HTTP function of the Function App with the same handlers, until Ctrl+C. No sign-in: keep the default --host 127.0.0.1 unless the network in between is yours.',
  group: GROUPS.library,
  options: {
    port: {
      type: 'string',
      placeholder: 'N',
      default: String(SERVE_DEFAULTS.port),
      description: 'TCP port (0: any free one)',
    },
    host: { type: 'string', placeholder: 'H', default: SERVE_DEFAULTS.host, description: 'address to listen on' },
    ...databaseOption,
  },
  examples: ['frs serve', 'frs serve --port 8080 --database ./library.db'],
  async run(ctx) {
    const port = Number(ctx.values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65_535)
      throw new UsageError(`--port must be a whole number from 0 to 65535 (got ${ctx.values.port}).`);
    const services = await ctx.services('write');
    const [{ setServices }, { startFrsServer }] = await Promise.all([
      import('../../services.js'),
      import('../../server/frs-server.js'),
    ]);
    setServices(services);
    const { server, url } = await startFrsServer({ port, host: ctx.values.host });
    ctx.print(`FRS people app: ${url}`);
    ctx.print(`HTTP API: ${new URL('..', url).toString()}  (Ctrl+C stops)`);
    await new Promise<void>((resolve) => {
      const stop = () => {
        server.close(() => resolve());
        server.closeAllConnections();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    setServices(undefined);
    return EXIT.OK;
  },
});
