/**
 * The one way HTTP functions register: `httpRoute` hands the function to the Functions host
 * (app.http) and records it in `httpRoutes`, so `frs serve` can host the very same handlers
 * on a plain Node HTTP server without a second implementation.
 */
import { app, type HttpFunctionOptions, type HttpMethod } from '@azure/functions';

export interface HttpRouteSpec {
  name: string;
  methods: HttpMethod[];
  /** The Functions route template below /api, e.g. 'persons/{id?}'. */
  route: string;
  handler: HttpFunctionOptions['handler'];
}

/** Every HTTP function registered in this process, in registration order. */
export const httpRoutes: HttpRouteSpec[] = [];

export function httpRoute(spec: HttpRouteSpec): void {
  httpRoutes.push(spec);
  app.http(spec.name, { methods: spec.methods, authLevel: 'function', route: spec.route, handler: spec.handler });
}
