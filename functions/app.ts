/**
 * HTTP GET /api/app/{*path}: the people app (web/dist). In Azure it sits behind App Service
 * authentication (FRS_HTTP_AUTH=platform, infra/modules/app-auth.bicep); `frs serve` hosts it locally.
 */
import { type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { FrsError } from '../src/errors.js';
import { CONTENT_SECURITY_POLICY, readAsset } from '../src/server/static-assets.js';
import { errorResponse } from './_shared/http.js';
import { httpRoute } from './_shared/routes.js';

export async function appHandler(request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> {
  try {
    const path = request.params.path;
    // Relative asset links need the trailing slash: /api/app -> /api/app/.
    if (!path && !new URL(request.url).pathname.endsWith('/'))
      return { status: 308, headers: { location: new URL(request.url).pathname + '/' } };
    const asset = await readAsset(path);
    if (!asset)
      throw new FrsError(
        'NOT_FOUND',
        path ? `No app file ${path}.` : 'The people app is not built: run npm run build (it writes web/dist).',
      );
    return {
      status: 200,
      body: asset.body,
      headers: {
        'content-type': asset.contentType,
        'cache-control': 'no-cache',
        'content-security-policy': CONTENT_SECURITY_POLICY,
        'x-content-type-options': 'nosniff',
      },
    };
  } catch (err) {
    return errorResponse(err);
  }
}

httpRoute({ name: 'app', methods: ['GET'], route: 'app/{*path}', handler: appHandler });
