/**
 * HTTP POST /api/faces/restore {faces, portraits, persons?}: undo. The body is the `undo` record
 * an action answered (faces/move, faces/unassign, faces/verify, faces/reject, POST persons,
 * persons/{id}/merge, DELETE persons/{id}): the faces go back where they stood, with the persons' portraits.
 */
import { type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { z } from 'zod';
import { MAX_UNDO_FACES } from '../src/people/undo.js';
import { json } from './_shared/http.js';
import { id, jsonBody, parse, withPeople } from './_shared/people.js';
import { httpRoute } from './_shared/routes.js';

const text = z.string().nullable();
const undoBody = z
  .object({
    faces: z
      .array(
        z
          .object({ faceId: id, personId: id.nullable(), isUserVerified: z.boolean(), isRejected: z.boolean() })
          .strict(),
      )
      .max(MAX_UNDO_FACES),
    portraits: z
      .array(z.object({ personId: id, faceId: id, mediaFileId: id.nullable(), chosen: z.boolean() }).strict())
      .max(MAX_UNDO_FACES),
    persons: z
      .array(
        z
          .object({
            id,
            name: text,
            nameIsGenerated: z.boolean(),
            rank: text,
            appointment: text,
            type: text,
            hidden: z.boolean(),
          })
          .strict(),
      )
      .max(1000)
      .optional(),
  })
  .strict();

export function facesRestoreHandler(request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> {
  return withPeople(async (people) => {
    const undo = parse(undoBody, await jsonBody(request));
    return json(200, await people.restoreFaces(undo));
  });
}

httpRoute({ name: 'facesRestore', methods: ['POST'], route: 'faces/restore', handler: facesRestoreHandler });
