/**
 * HTTP GET /api/media/{id} or /api/media?path=...: one photo with its faces and their persons
 * (what the replaced system's Portrait.sql showed), with links to the image and thumbnails.
 */
import { type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { z } from 'zod';
import { FrsError } from '../src/errors.js';
import { photoView } from '../src/people/people-view.js';
import { json } from './_shared/http.js';
import { id, parse, queryOf, withPeople } from './_shared/people.js';
import { httpRoute } from './_shared/routes.js';

const mediaParams = z.object({ id: id.optional() });
const mediaQuery = z.object({ path: z.string().min(1).optional() });

export function mediaHandler(request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> {
  return withPeople(async (people) => {
    const params = parse(mediaParams, request.params);
    const { path } = parse(mediaQuery, queryOf(request));
    if (params.id === undefined && path === undefined)
      throw new FrsError('INVALID_INPUT', 'Give a media item id (/api/media/{id}) or ?path=<file path>.');
    const photo = await people.photo(params.id !== undefined ? { itemId: params.id } : { filePath: path! });
    return json(200, photoView(photo));
  });
}

httpRoute({ name: 'media', methods: ['GET'], route: 'media/{id?}', handler: mediaHandler });
