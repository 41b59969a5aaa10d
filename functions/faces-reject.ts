/** HTTP POST /api/faces/reject {faceIds}: not a face: the faces leave their persons and never return to grouping. */
import { type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { json } from './_shared/http.js';
import { faceIdsBody, jsonBody, parse, withPeople } from './_shared/people.js';
import { httpRoute } from './_shared/routes.js';

export function facesRejectHandler(request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> {
  return withPeople(async (people) => {
    const { faceIds } = parse(faceIdsBody, await jsonBody(request));
    return json(200, await people.rejectFaces(faceIds));
  });
}

httpRoute({ name: 'facesReject', methods: ['POST'], route: 'faces/reject', handler: facesRejectHandler });
