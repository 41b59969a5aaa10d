/**
 * HTTP POST /api/identify?persons=5&name=: detect and embed every face of the posted image and
 * list, per face, the persons most like it (similarity to the person's nearest face, and whether
 * it reaches FRS_MATCH_THRESHOLD). Stores nothing; shares the test endpoint's checks and rate limit.
 */
import { type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { z } from 'zod';
import { IDENTIFY_PERSONS } from '../src/search/face-search-service.js';
import { getServices } from '../src/services.js';
import { errorResponse, json } from './_shared/http.js';
import { parse, queryOf } from './_shared/people.js';
import { readPostedImage } from './_shared/posted-image.js';
import { httpRoute } from './_shared/routes.js';

const query = z.object({
  persons: z.coerce
    .number()
    .int()
    .min(IDENTIFY_PERSONS.min)
    .max(IDENTIFY_PERSONS.max)
    .default(IDENTIFY_PERSONS.default),
  name: z.string().max(500).optional(),
});

export async function identifyHandler(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  try {
    const params = parse(query, queryOf(request));
    const services = getServices();
    const { settings, analyzer } = services;
    const body = await readPostedImage(request, settings, 'identify');
    const result = await (
      await services.faceSearch()
    ).identify(analyzer, params.name ?? 'upload', body, {
      maxPixels: settings.FRS_MAX_PIXELS,
      persons: params.persons,
    });
    context.log(`identify: ${result.faces.length} face(s) in ${result.width}x${result.height} image, ${result.ms} ms`);
    return json(200, result);
  } catch (err) {
    const response = errorResponse(err, context);
    context.warn(`identify: rejected with ${response.status}: ${JSON.stringify(response.jsonBody)}`);
    return response;
  }
}

httpRoute({ name: 'identify', methods: ['POST'], route: 'identify', handler: identifyHandler });
