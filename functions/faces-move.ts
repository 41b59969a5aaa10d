/** HTTP POST /api/faces/move {faceIds, personId}: the faces join the person as the user's decision. */
import { type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { z } from 'zod';
import { json } from './_shared/http.js';
import { id, idList, jsonBody, parse, withPeople } from './_shared/people.js';
import { httpRoute } from './_shared/routes.js';

const moveBody = z.object({ faceIds: idList, personId: id }).strict();

export function facesMoveHandler(request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> {
  return withPeople(async (people) => {
    const { faceIds, personId } = parse(moveBody, await jsonBody(request));
    return json(200, await people.moveFaces(faceIds, personId));
  });
}

httpRoute({ name: 'facesMove', methods: ['POST'], route: 'faces/move', handler: facesMoveHandler });
