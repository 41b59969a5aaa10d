/** HTTP GET /api/persons (persons with face counts and portrait links) and /api/persons/{id} (one person with its faces). */
import { type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { z } from 'zod';
import { FrsError } from '../src/errors.js';
import { getServices } from '../src/services.js';
import { errorResponse, invalid, json } from './_shared/http.js';
import { httpRoute } from './_shared/routes.js';

const idParam = z.object({ id: z.coerce.number().int().positive().optional() });

export async function personsHandler(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  try {
    const params = idParam.safeParse(request.params);
    if (!params.success) throw invalid(params.error);
    const services = getServices();
    const repo = await services.repository();
    const thumbnails = services.storage().thumbnails;
    const link = (key: string | null) => (key ? thumbnails.url(key) : null);
    if (params.data.id === undefined) {
      const persons = await repo.listPersons();
      return json(200, { persons: persons.map((p) => ({ ...p, portraitUrl: link(p.portraitThumbnailPath) })) });
    }
    const person = await repo.getPerson(params.data.id);
    if (!person) throw new FrsError('NOT_FOUND', `No person ${params.data.id}.`);
    return json(200, {
      ...person,
      portraitUrl: link(person.portraitThumbnailPath),
      faces: person.faces.map((f) => ({ ...f, thumbnailUrl: link(f.thumbnailPath) })),
    });
  } catch (err) {
    return errorResponse(err, context);
  }
}

httpRoute({ name: 'persons', methods: ['GET'], route: 'persons/{id?}', handler: personsHandler });
