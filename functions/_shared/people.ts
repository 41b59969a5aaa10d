/** What the people functions share: the service, body and query parsing with zod, errors. */
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { z, type ZodType, type ZodTypeDef } from 'zod';
import { FrsError } from '../../src/errors.js';
import { MAX_IDS, MAX_PAGE_SIZE, type PeopleService } from '../../src/people/people-service.js';
import { getServices, type Services } from '../../src/services.js';
import { errorResponse, invalid } from './http.js';

/** Runs an action with the people service; every failure becomes the usual error response. */
export async function withPeople(
  action: (people: PeopleService, services: Services) => Promise<HttpResponseInit>,
): Promise<HttpResponseInit> {
  try {
    const services = getServices();
    return await action(await services.people(), services);
  } catch (err) {
    return errorResponse(err);
  }
}

export function parse<T>(schema: ZodType<T, ZodTypeDef, unknown>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) throw invalid(result.error);
  return result.data;
}

export const queryOf = (request: HttpRequest): Record<string, string> => Object.fromEntries(request.query.entries());

/** The JSON body; a missing or malformed one is INVALID_INPUT. */
export async function jsonBody(request: HttpRequest): Promise<unknown> {
  const text = await request.text();
  if (text.trim() === '') throw new FrsError('INVALID_INPUT', 'The request needs a JSON body.');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new FrsError('INVALID_INPUT', 'The request body is not valid JSON.');
  }
}

export const id = z.coerce.number().int().positive();
export const idParam = z.object({ id });
export const idList = z.array(z.number().int().positive()).min(1).max(MAX_IDS);
export const faceIdsBody = z.object({ faceIds: idList }).strict();
export const pageQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(50),
});
