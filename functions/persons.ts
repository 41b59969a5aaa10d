/**
 * HTTP GET /api/persons?search=&page=&pageSize=&hidden=false|true|all: persons, largest first,
 * one page with the total. POST /api/persons {name?, faceIds}: a new person from faces (split).
 */
import { type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { z } from 'zod';
import { pagedView, personView } from '../src/people/people-view.js';
import { json } from './_shared/http.js';
import { idList, jsonBody, pageQuery, parse, queryOf, withPeople } from './_shared/people.js';
import { httpRoute } from './_shared/routes.js';

const listQuery = pageQuery.extend({
  search: z.string().max(255).optional(),
  hidden: z
    .enum(['false', 'true', 'all'])
    .default('false')
    .transform((h) => (h === 'all' ? 'all' : h === 'true')),
});
const createBody = z.object({ name: z.string().nullable().optional(), faceIds: idList }).strict();

export function personsHandler(request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> {
  return withPeople(async (people) => {
    if (request.method === 'POST') {
      const body = parse(createBody, await jsonBody(request));
      const created = await people.createPerson(body);
      return json(201, { ...personView(created), undo: created.undo });
    }
    const query = parse(listQuery, queryOf(request));
    return json(200, pagedView(await people.listPersons(query), personView));
  });
}

httpRoute({ name: 'persons', methods: ['GET', 'POST'], route: 'persons', handler: personsHandler });
