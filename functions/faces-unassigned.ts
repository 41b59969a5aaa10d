/** HTTP GET /api/faces/unassigned?page=&pageSize=: faces in no person, each with its top 3 suggested persons. */
import { type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { pagedView, unassignedFaceView } from '../src/people/people-view.js';
import { json } from './_shared/http.js';
import { pageQuery, parse, queryOf, withPeople } from './_shared/people.js';
import { httpRoute } from './_shared/routes.js';

export function facesUnassignedHandler(request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> {
  return withPeople(async (people) => {
    const page = parse(pageQuery, queryOf(request));
    return json(200, pagedView(await people.unassignedFaces(page), unassignedFaceView));
  });
}

httpRoute({ name: 'facesUnassigned', methods: ['GET'], route: 'faces/unassigned', handler: facesUnassignedHandler });
