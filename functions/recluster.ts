/**
 * HTTP POST /api/recluster: regroups every unverified face (src/pipeline/group-stage.ts). Small libraries are
 * reclustered within the request (200 with the summary); larger ones, a busy grouping lock, or
 * `?mode=queue` record a request the timer runs (202 with where to see its status).
 * GET /api/recluster/{id} reports a queued request.
 */
import { type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { z } from 'zod';
import { FrsError } from '../src/errors.js';
import { getServices } from '../src/services.js';
import { errorResponse, invalid, json } from './_shared/http.js';
import { httpRoute } from './_shared/routes.js';
import { functionLogger } from './_shared/logger.js';

/** Above this many faces a recluster may outlive the HTTP timeout (bench/results/recluster-scale.md). */
export const INLINE_FACE_LIMIT = 50_000;

const postQuery = z.object({ mode: z.enum(['auto', 'now', 'queue']).default('auto') });
const idParam = z.object({ id: z.coerce.number().int().positive() });

export async function reclusterHandler(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  try {
    const services = getServices();
    const pipeline = await services.pipeline(functionLogger(context));
    const { repo } = pipeline.ctx;
    if (request.method === 'GET') {
      const params = idParam.safeParse(request.params);
      if (!params.success) throw invalid(params.error);
      const found = await repo.getRequest(params.data.id);
      if (!found || found.kind !== 'recluster')
        throw new FrsError('NOT_FOUND', `No recluster request ${params.data.id}.`);
      return json(200, found);
    }
    const query = postQuery.safeParse(Object.fromEntries(request.query.entries()));
    if (!query.success) throw invalid(query.error);
    const stats = await repo.stats();
    const tooBig = stats.faces > INLINE_FACE_LIMIT;
    if (query.data.mode === 'queue' || (query.data.mode === 'auto' && tooBig))
      return queued(
        await repo.enqueueRequest('recluster', { dedupe: true }),
        request,
        tooBig ? `${stats.faces} faces is more than one request should take` : 'queued as asked',
      );
    const summary = await pipeline.recluster();
    if (!summary)
      return queued(
        await repo.enqueueRequest('recluster', { dedupe: true }),
        request,
        'another process is grouping faces right now',
      );
    return json(200, { status: 'done', summary });
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
