/** HTTP plumbing shared by the HTTP functions: JSON errors with a code, status per error code. */
import { randomUUID } from 'node:crypto';
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import type { ZodError } from 'zod';
import { asFrsError, FrsError, type FrsErrorCode } from '../../src/errors.js';

const STATUS: Partial<Record<FrsErrorCode, number>> = {
  EMPTY_FILE: 400,
  INVALID_INPUT: 400,
  CORRUPT_IMAGE: 400,
  FILE_TOO_LARGE: 413,
  IMAGE_TOO_LARGE: 413,
  UNSUPPORTED_FORMAT: 415,
  NOT_FOUND: 404,
  LOCKED: 409,
  RATE_LIMITED: 429,
};

export function json(status: number, body: unknown): HttpResponseInit {
  return { status, jsonBody: body, headers: { 'content-type': 'application/json' } };
}

/** Where a 500's details go; an InvocationContext (Application Insights ties them to the request) or the console. */
export interface ErrorLog {
  error(...args: unknown[]): void;
}

/**
 * The answer to a failed request. Errors a client can act on (4xx) say what was wrong. Anything
 * else answers 500 "internal error" with an id: driver messages name files, servers and
 * tables, so the details (and the stack) go only to the log, under the same id.
 */
export function errorResponse(err: unknown, log: ErrorLog = console): HttpResponseInit {
  const e = asFrsError(err);
  const status = STATUS[e.code];
  if (status !== undefined) return json(status, { error: e.toJSON() });
  const id = randomUUID();
  log.error(
    `internal error ${id}: ${e.code}: ${e.message}${err instanceof Error && err.stack ? `\n${err.stack}` : ''}`,
  );
  return json(500, {
    error: { code: 'INTERNAL', message: `internal error (id ${id}); the details are in the log`, id },
  });
}

export function invalid(error: ZodError): FrsError {
  const detail = error.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; ');
  return new FrsError('INVALID_INPUT', detail);
}

/** Reads the body, stopping as soon as it passes `limit` bytes (a lying Content-Length can't get past). */
export async function readBody(request: HttpRequest, limit: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (declared > limit)
    throw new FrsError('FILE_TOO_LARGE', `Body is ${declared} bytes; the limit is ${limit} (FRS_MAX_UPLOAD_BYTES).`);
  if (!request.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of request.body as AsyncIterable<Uint8Array>) {
    total += chunk.byteLength;
    if (total > limit) throw new FrsError('FILE_TOO_LARGE', `Body exceeds ${limit} bytes (FRS_MAX_UPLOAD_BYTES).`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
