/**
 * `frs serve`: one Node HTTP server with the people app and the same HTTP API as the Azure
 * Functions. It imports the function modules, which register through httpRoute
 * (functions/_shared/routes.ts), and dispatches to those very handlers; / goes to the app.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readdirSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { InvocationContext } from './azure-functions-classes.js';
import { httpRoutes, type HttpRouteSpec } from '../../functions/_shared/routes.js';
import { errorResponse } from '../../functions/_shared/http.js';
import { FrsError } from '../errors.js';
import { getServices } from '../services.js';
import { toHttpRequest, writeResponse } from './node-http.js';
import { compileRoute, type CompiledRoute } from './route-template.js';

/** The Functions host's routePrefix (host.json). */
export const API_PREFIX = '/api';
export const APP_PATH = `${API_PREFIX}/app/`;

/** Imports every function module next to this build (functions/*.ts under tsx, dist/functions/*.js compiled). */
export async function loadFunctionModules(): Promise<void> {
  const dir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'functions');
  const ext = extname(fileURLToPath(import.meta.url));
  const files = readdirSync(dir).filter((f) => extname(f) === ext && !f.endsWith('.d.ts'));
  // Outside the Functions host @azure/functions warns once per registration that it is in
  // "test mode"; expected here, so those lines (and only those) are dropped.
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (!/"@azure\/functions" package/.test(String(args[0]))) warn(...args);
  };
  try {
    for (const file of files.sort()) await import(pathToFileURL(join(dir, file)).href);
  } finally {
    console.warn = warn;
  }
}

interface Dispatch {
  spec: HttpRouteSpec;
  route: CompiledRoute;
}

let invocations = 0;

export function createFrsServer(routes: readonly HttpRouteSpec[] = httpRoutes): Server {
  const table: Dispatch[] = routes.map((spec) => ({ spec, route: compileRoute(spec.route) }));
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
    if (url.pathname === '/' || url.pathname === API_PREFIX || url.pathname === `${API_PREFIX}/`) {
      res.writeHead(302, { location: APP_PATH }).end();
      return;
    }
    if (!url.pathname.startsWith(`${API_PREFIX}/`)) return notFound(res, url.pathname);
    const path = url.pathname.slice(API_PREFIX.length);
    const method = (req.method ?? 'GET').toUpperCase();
    let allowedElsewhere = false;
    for (const { spec, route } of table) {
      const params = route.match(path);
      if (!params) continue;
      if (!spec.methods.includes(method as HttpRouteSpec['methods'][number])) {
        allowedElsewhere = true;
        continue;
      }
      const request = await toHttpRequest(req, url, params);
      const context = new InvocationContext({ functionName: spec.name, invocationId: `serve-${++invocations}` });
      await writeResponse(res, await spec.handler(request, context));
      return;
    }
    if (allowedElsewhere) {
      await writeResponse(res, {
        status: 405,
        jsonBody: { error: { code: 'METHOD_NOT_ALLOWED', message: `${method} is not allowed on ${url.pathname}.` } },
      });
      return;
    }
    return notFound(res, url.pathname);
  };
  return createServer((req, res) => {
    handle(req, res).catch(async (err: unknown) => {
      if (res.headersSent) return void res.destroy();
      await writeResponse(res, errorResponse(err)).catch(() => res.destroy());
    });
  });
}

async function notFound(res: ServerResponse, path: string): Promise<void> {
  await writeResponse(res, errorResponse(new FrsError('NOT_FOUND', `Nothing at ${path}.`)));
}

export interface ServeOptions {
  port: number;
  host: string;
}

/**
 * Loads the functions, opens the database, listens, and resolves with the server and the app's
 * URL. The database opens before the first request, so the first page does not wait for it (and
 * one that cannot be opened fails here, with its message).
 */
export async function startFrsServer(options: ServeOptions): Promise<{ server: Server; url: string }> {
  await loadFunctionModules();
  await getServices().repository();
  const server = createFrsServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return { server, url: `http://${host}:${port}${APP_PATH}` };
}
