/**
 * Image bytes posted to the analysis endpoints (`test`, `identify`): the content type must be an
 * image (or octet-stream), the body at most FRS_MAX_UPLOAD_BYTES and not empty, and requests share
 * one rate limit per instance (FRS_TEST_RATE_PER_MINUTE; 0 turns the endpoints off).
 */
import type { HttpRequest } from '@azure/functions';
import type { Settings } from '../../src/config/settings.js';
import { FrsError } from '../../src/errors.js';
import { RateLimiter } from '../../src/limits/rate-limiter.js';
import { readBody } from './http.js';

const ACCEPTED_TYPES = /^(image\/[\w.+-]+|application\/octet-stream)$/i;

// Per instance; the app's instance cap (maximumInstanceCount) bounds the total.
let limiter: { perMinute: number; bucket: RateLimiter } | undefined;

function checkRate(endpoint: string, perMinute: number): void {
  if (perMinute === 0)
    throw new FrsError('NOT_FOUND', `The ${endpoint} endpoint is turned off (FRS_TEST_RATE_PER_MINUTE=0).`);
  if (limiter?.perMinute !== perMinute) limiter = { perMinute, bucket: new RateLimiter(perMinute) };
  const waitMs = limiter.bucket.take();
  if (waitMs > 0)
    throw new FrsError(
      'RATE_LIMITED',
      `Too many ${endpoint} requests; try again in ${Math.ceil(waitMs / 1000)} s (FRS_TEST_RATE_PER_MINUTE).`,
    );
}

/** The posted image's bytes, after the type, rate and size checks (in that order). */
export async function readPostedImage(request: HttpRequest, settings: Settings, endpoint: string): Promise<Uint8Array> {
  const type = request.headers.get('content-type')?.split(';')[0].trim();
  if (type && !ACCEPTED_TYPES.test(type))
    throw new FrsError(
      'UNSUPPORTED_FORMAT',
      `Content-Type ${type} is not an image; post the image bytes (image/* or application/octet-stream).`,
    );
  checkRate(endpoint, settings.FRS_TEST_RATE_PER_MINUTE);
  const body = await readBody(request, settings.FRS_MAX_UPLOAD_BYTES);
  if (body.byteLength === 0) throw new FrsError('EMPTY_FILE', 'The request body is empty: post the image bytes.');
  return body;
}
