/** HTTP GET /api/media/{id}/image: the original's bytes, so a client can draw face boxes over it without storage access. */
import { type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { contentTypeOf, cachedResponse } from './_shared/image-response.js';
import { idParam, parse, withPeople } from './_shared/people.js';
import { httpRoute } from './_shared/routes.js';

export function mediaImageHandler(request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> {
  return withPeople(async (people, services) => {
    const { id } = parse(idParam, request.params);
    const photo = await people.photo({ itemId: id });
    const bytes = await services.readOriginal(photo.filePath);
    return cachedResponse(request, bytes, contentTypeOf(photo.filePath));
  });
}

httpRoute({ name: 'mediaImage', methods: ['GET'], route: 'media/{id}/image', handler: mediaImageHandler });
