/**
 * HTTP GET /api/faces/{id}/similar?k=10: the k faces most similar to a face (same embedding
 * model, rejected faces left out, the face itself too), most similar first, each with its person.
 */
import { type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { z } from 'zod';
import { SIMILAR_K } from '../src/search/face-search-service.js';
import { getServices } from '../src/services.js';
import { errorResponse, json } from './_shared/http.js';
import { idParam, parse, queryOf } from './_shared/people.js';
import { httpRoute } from './_shared/routes.js';

const query = z.object({
  k: z.coerce.number().int().min(SIMILAR_K.min).max(SIMILAR_K.max).default(SIMILAR_K.default),
});

export async function faceSimilarHandler(request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> {
  try {
    const { id } = parse(idParam, request.params);
    const { k } = parse(query, queryOf(request));
    return json(200, await (await getServices().faceSearch()).similar(id, k));
  } catch (err) {
    return errorResponse(err);
  }
}

httpRoute({ name: 'faceSimilar', methods: ['GET'], route: 'faces/{id}/similar', handler: faceSimilarHandler });
