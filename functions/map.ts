/** HTTP GET /api/map: persons laid out in 2-D by UMAP over their centroids (src/library/map-service.ts). */
import { type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { z } from 'zod';
import { personMap } from '../src/library/map-service.js';
import { getServices } from '../src/services.js';
import { errorResponse, invalid, json } from './_shared/http.js';
import { httpRoute } from './_shared/routes.js';

const query = z.object({ limit: z.coerce.number().int().min(1).max(5000).optional() });

export async function mapHandler(request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> {
  try {
    const parsed = query.safeParse(Object.fromEntries(request.query.entries()));
    if (!parsed.success) throw invalid(parsed.error);
    const services = getServices();
    const options = parsed.data.limit ? { maxPersons: parsed.data.limit } : {};
    return json(200, await personMap(await services.repository(), services.analyzer.embeddingModel, options));
  } catch (err) {
    return errorResponse(err);
  }
}

httpRoute({ name: 'map', methods: ['GET'], route: 'map', handler: mapHandler });
