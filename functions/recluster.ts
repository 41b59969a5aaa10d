/**
 * HTTP POST /api/recluster: asks the pipeline service for a recluster (PipelineService.requestRecluster
 * decides: done within the request, 200 with the summary; or queued for the timer, 202 with where to
 * see its status).
 * GET /api/recluster/{id} reports a queued request.
 */
import { type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { z } from 'zod';
import { FrsError } from '../src/errors.js';
import { getServices } from '../src/services.js';
import { errorResponse, invalid, json } from './_shared/http.js';
import { httpRoute } from './_shared/routes.js';
import { functionLogger } from './_shared/logger.js';

const postQuery = z.object({ mode: z.enum(['auto', 'now', 'queue']).default('auto') });
const idParam = z.object({ id: z.coerce.number().int().positive() });

export async function reclusterHandler(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  try {
    const services = getServices();
    const pipeline = await services.pipeline(functionLogger(context));
    if (request.method === 'GET') {
      const params = idParam.safeParse(request.params);
      if (!params.success) throw invalid(params.error);
      const found = await pipeline.ctx.repo.getRequest(params.data.id);
      if (!found || found.kind !== 'recluster')
        throw new FrsError('NOT_FOUND', `No recluster request ${params.data.id}.`);
      return json(200, found);
    }
    const query = postQuery.safeParse(Object.fromEntries(request.query.entries()));
    if (!query.success) throw invalid(query.error);
    const outcome = await pipeline.requestRecluster(query.data.mode);
    if (outcome.status === 'queued') return queued(outcome.requestId, request, outcome.reason);
    return json(200, outcome);
  } catch (err) {
    return errorResponse(err, context);
  }
}

function queued(id: number, request: HttpRequest, reason: string): HttpResponseInit {
  const statusUrl = new URL(`recluster/${id}`, request.url.replace(/recluster.*$/, '')).toString();
  return {
    ...json(202, { status: 'queued', requestId: id, reason, statusUrl }),
    headers: { 'content-type': 'application/json', location: statusUrl },
  };
}

httpRoute({ name: 'recluster', methods: ['POST', 'GET'], route: 'recluster/{id?}', handler: reclusterHandler });
