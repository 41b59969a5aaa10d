/** HTTP POST /api/persons/{id}/merge {personIds}: their faces join person {id}; they are deleted. */
import { type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { z } from 'zod';
import { mergeView } from '../src/people/people-view.js';
import { json } from './_shared/http.js';
import { idList, idParam, jsonBody, parse, withPeople } from './_shared/people.js';
import { httpRoute } from './_shared/routes.js';

const mergeBody = z.object({ personIds: idList }).strict();

export function personMergeHandler(request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> {
  return withPeople(async (people) => {
    const { id } = parse(idParam, request.params);
    const { personIds } = parse(mergeBody, await jsonBody(request));
    const merged = await people.mergePersons(id, personIds);
    return json(200, { ...mergeView(merged), undo: merged.undo });
  });
}

httpRoute({ name: 'personMerge', methods: ['POST'], route: 'persons/{id}/merge', handler: personMergeHandler });
