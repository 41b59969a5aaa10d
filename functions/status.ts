/** HTTP GET /api/status: the library at a glance (photos by state, faces, persons, last run, queued reclusters). */
import { type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { libraryStatus } from '../src/library/status-service.js';
import { getServices } from '../src/services.js';
import { errorResponse, json } from './_shared/http.js';
import { httpRoute } from './_shared/routes.js';

export async function statusHandler(_request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> {
  try {
    return json(200, await libraryStatus(await getServices().repository()));
  } catch (err) {
    return errorResponse(err);
  }
}

httpRoute({ name: 'status', methods: ['GET'], route: 'status', handler: statusHandler });
