/**
 * HTTP GET /api/faces/{id}/thumbnail: the face's thumbnail bytes (image/jpeg) with an ETag and
 * cache headers, so clients need no access to a private thumbnails container.
 */
import { type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { FrsError } from '../src/errors.js';
import { cachedResponse } from './_shared/image-response.js';
import { idParam, parse, withPeople } from './_shared/people.js';
import { httpRoute } from './_shared/routes.js';

export function faceThumbnailHandler(request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> {
  return withPeople(async (people, services) => {
    const { id } = parse(idParam, request.params);
    const face = await people.face(id);
    if (!face.thumbnailPath) throw new FrsError('NOT_FOUND', `Face ${id} has no thumbnail yet.`);
    const bytes = await services.storage().thumbnails.get(face.thumbnailPath);
    return cachedResponse(request, bytes, 'image/jpeg');
  });
}

httpRoute({ name: 'faceThumbnail', methods: ['GET'], route: 'faces/{id}/thumbnail', handler: faceThumbnailHandler });
