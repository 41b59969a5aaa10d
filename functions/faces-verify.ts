/** HTTP POST /api/faces/verify {faceIds}: confirms the faces in the persons they are in. */
import { type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { json } from './_shared/http.js';
import { faceIdsBody, jsonBody, parse, withPeople } from './_shared/people.js';
import { httpRoute } from './_shared/routes.js';

export function facesVerifyHandler(request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> {
  return withPeople(async (people) => {
    const { faceIds } = parse(faceIdsBody, await jsonBody(request));
    return json(200, await people.verifyFaces(faceIds));
  });
}

httpRoute({ name: 'facesVerify', methods: ['POST'], route: 'faces/verify', handler: facesVerifyHandler });
