/**
 * HTTP GET /api/faces/thumbnails?ids=1,2,3: up to 100 face thumbnails in one JSON answer
 * (base64), with an ETag and the same private cache headers as a single thumbnail. The people
 * grid loads its portraits this way: one request instead of one per card.
 */
import { type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { z } from 'zod';
import { MAX_THUMBNAIL_BATCH, thumbnailBatch } from '../src/people/thumbnail-batch.js';
import { cachedResponse } from './_shared/image-response.js';
import { id, parse, queryOf, withPeople } from './_shared/people.js';
import { httpRoute } from './_shared/routes.js';

const batchQuery = z.object({
  ids: z
    .string({ required_error: 'ids is required: face ids separated by commas' })
    .transform((text) => text.split(','))
    .pipe(z.array(id).min(1).max(MAX_THUMBNAIL_BATCH)),
});

export function faceThumbnailsHandler(request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> {
  return withPeople(async (people, services) => {
    const { ids } = parse(batchQuery, queryOf(request));
    const batch = await thumbnailBatch(people, services.storage().thumbnails, ids);
    return cachedResponse(request, Buffer.from(JSON.stringify(batch)), 'application/json');
  });
}

httpRoute({ name: 'faceThumbnails', methods: ['GET'], route: 'faces/thumbnails', handler: faceThumbnailsHandler });
