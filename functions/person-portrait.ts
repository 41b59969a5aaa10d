/** HTTP PUT /api/persons/{id}/portrait {faceId}: the user's portrait, kept by regroups while the face is the person's. */
import { type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { z } from 'zod';
import { personView } from '../src/people/people-view.js';
import { json } from './_shared/http.js';
import { id, idParam, jsonBody, parse, withPeople } from './_shared/people.js';
import { httpRoute } from './_shared/routes.js';

const portraitBody = z.object({ faceId: id }).strict();

export function personPortraitHandler(request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> {
  return withPeople(async (people) => {
    const params = parse(idParam, request.params);
    const { faceId } = parse(portraitBody, await jsonBody(request));
    return json(200, personView(await people.choosePortrait(params.id, faceId)));
  });
}

httpRoute({ name: 'personPortrait', methods: ['PUT'], route: 'persons/{id}/portrait', handler: personPortraitHandler });
