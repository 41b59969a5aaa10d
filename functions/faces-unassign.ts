/** HTTP POST /api/faces/unassign {faceIds}: "not this person": the faces leave their persons and never rejoin them. */
import { type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { json } from './_shared/http.js';
import { faceIdsBody, jsonBody, parse, withPeople } from './_shared/people.js';
import { httpRoute } from './_shared/routes.js';

export function facesUnassignHandler(request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> {
  return withPeople(async (people) => {
    const { faceIds } = parse(faceIdsBody, await jsonBody(request));
    return json(200, await people.unassignFaces(faceIds));
  });
}

httpRoute({ name: 'facesUnassign', methods: ['POST'], route: 'faces/unassign', handler: facesUnassignHandler });
