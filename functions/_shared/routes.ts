/**
 * The one way HTTP functions register: `httpRoute` hands the function to the Functions host
 * (app.http) and records it in `httpRoutes`, so `frs serve` can host the very same handlers
 * on a plain Node HTTP server without a second implementation.
 *
 * Who may call them in Azure is FRS_HTTP_AUTH: 'key' (default) asks for a function key;
 * 'platform' leaves the key out because App Service authentication (Easy Auth, README "People
 * app") signs users in before a request reaches the host, and then refuses any request that
 * lacks the principal Easy Auth adds, so switching the setting without Easy Auth exposes nothing.
 */
import { app, type HttpFunctionOptions, type HttpMethod, type HttpRequest } from '@azure/functions';
import { settingsSchema } from '../../src/config/settings.js';
import { json } from './http.js';

export interface HttpRouteSpec {
  name: string;
  methods: HttpMethod[];
  /** The Functions route template below /api, e.g. 'persons/{id?}'. */
  route: string;
  handler: HttpFunctionOptions['handler'];
}

/** Every HTTP function registered in this process, in registration order. */
export const httpRoutes: HttpRouteSpec[] = [];

/** Set by App Service authentication on signed-in requests (and stripped from client requests). */
export const PRINCIPAL_HEADER = 'x-ms-client-principal-id';

export function httpAuthMode(env: Record<string, string | undefined> = process.env): 'key' | 'platform' {
  return settingsSchema.shape.FRS_HTTP_AUTH.parse(env.FRS_HTTP_AUTH || undefined);
}

/** The handler as the Functions host gets it in 'platform' mode: no principal, no access. */
export function requirePrincipal(handler: HttpFunctionOptions['handler']): HttpFunctionOptions['handler'] {
  return (request: HttpRequest, context) =>
    (request as HttpRequest).headers.get(PRINCIPAL_HEADER)
      ? handler(request, context)
      : json(401, {
          error: {
            code: 'UNAUTHENTICATED',
            message: 'Sign in first: FRS_HTTP_AUTH=platform expects App Service authentication in front of the app.',
          },
        });
}

export function httpRoute(spec: HttpRouteSpec): void {
  httpRoutes.push(spec);
  const platform = httpAuthMode() === 'platform';
  app.http(spec.name, {
    methods: spec.methods,
    authLevel: platform ? 'anonymous' : 'function',
    route: spec.route,
    handler: platform ? requirePrincipal(spec.handler) : spec.handler,
  });
}
