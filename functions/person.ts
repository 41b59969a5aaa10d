/**
 * HTTP /api/persons/{id}: GET one person with a page of its faces (?page=&pageSize=), PATCH its
 * fields {name?, rank?, appointment?, type?, hidden?}, DELETE it (its faces become unassigned).
 */
import { type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { z } from 'zod';
import { faceView, pagedView, personView } from '../src/people/people-view.js';
import { json } from './_shared/http.js';
import { idParam, jsonBody, pageQuery, parse, queryOf, withPeople } from './_shared/people.js';
import { httpRoute } from './_shared/routes.js';

const text = z.string().nullable().optional();
const updateBody = z
  .object({ name: text, rank: text, appointment: text, type: text, hidden: z.boolean().optional() })
  .strict();

export function personHandler(request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> {
  return withPeople(async (people) => {
    const { id } = parse(idParam, request.params);
    if (request.method === 'PATCH') {
      return json(200, personView(await people.updatePerson(id, parse(updateBody, await jsonBody(request)))));
    }
    if (request.method === 'DELETE') return json(200, await people.deletePerson(id));
    const { person, faces } = await people.person(id, parse(pageQuery, queryOf(request)));
    return json(200, { person: personView(person), faces: pagedView(faces, faceView) });
  });
}

httpRoute({ name: 'person', methods: ['GET', 'PATCH', 'DELETE'], route: 'persons/{id}', handler: personHandler });
