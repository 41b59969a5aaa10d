/**
 * HTTP POST /api/items/retry-failed: puts every failed media item back to pending (attempts
 * reset) and forgets faces that failed to embed, so the next pipeline run tries them again;
 * the same as `frs retry-failed`. Answers 200 {"retried": <items put back>}.
 */
import { type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { getServices } from '../src/services.js';
import { errorResponse, json } from './_shared/http.js';
import { functionLogger } from './_shared/logger.js';
import { httpRoute } from './_shared/routes.js';

export async function retryFailedHandler(_request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  try {
    const pipeline = await getServices().pipeline(functionLogger(context));
    return json(200, { retried: await pipeline.retryFailed() });
  } catch (err) {
    return errorResponse(err, context);
  }
}

httpRoute({ name: 'retryFailed', methods: ['POST'], route: 'items/retry-failed', handler: retryFailedHandler });
