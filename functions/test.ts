/** HTTP POST /api/test: detect (and optionally embed) faces in the posted image; changes nothing. */
import { type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { z } from 'zod';
import { FrsError } from '../src/errors.js';
import { RateLimiter } from '../src/limits/rate-limiter.js';
import { getServices } from '../src/services.js';
import { reportImage } from '../src/vision/image-report.js';
import { errorResponse, invalid, json, readBody } from './_shared/http.js';
import { httpRoute } from './_shared/routes.js';

const query = z.object({
  embeddings: z
    .enum(['true', 'false', '1', '0'])
    .optional()
    .transform((v) => v === 'true' || v === '1'),
  name: z.string().max(500).optional(),
});

const ACCEPTED_TYPES = /^(image\/[\w.+-]+|application\/octet-stream)$/i;

// Per instance; the app's instance cap (maximumInstanceCount) bounds the total.
let limiter: { perMinute: number; bucket: RateLimiter } | undefined;

function checkRate(perMinute: number): void {
  if (perMinute === 0) throw new FrsError('NOT_FOUND', 'The test endpoint is turned off (FRS_TEST_RATE_PER_MINUTE=0).');
  if (limiter?.perMinute !== perMinute) limiter = { perMinute, bucket: new RateLimiter(perMinute) };
  const waitMs = limiter.bucket.take();
  if (waitMs > 0)
    throw new FrsError(
      'RATE_LIMITED',
      `Too many test requests; try again in ${Math.ceil(waitMs / 1000)} s (FRS_TEST_RATE_PER_MINUTE).`,
    );
}

export async function testHandler(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  try {
    const params = query.safeParse(Object.fromEntries(request.query.entries()));
    if (!params.success) throw invalid(params.error);
    const type = request.headers.get('content-type')?.split(';')[0].trim();
    if (type && !ACCEPTED_TYPES.test(type))
      throw new FrsError(
        'UNSUPPORTED_FORMAT',
        `Content-Type ${type} is not an image; post the image bytes (image/* or application/octet-stream).`,
      );
    const { settings, analyzer } = getServices();
    checkRate(settings.FRS_TEST_RATE_PER_MINUTE);
    const body = await readBody(request, settings.FRS_MAX_UPLOAD_BYTES);
    if (body.byteLength === 0) throw new FrsError('EMPTY_FILE', 'The request body is empty: post the image bytes.');
    const report = await reportImage(analyzer, params.data.name ?? 'upload', body, {
      embeddings: params.data.embeddings,
      maxPixels: settings.FRS_MAX_PIXELS,
    });
    if ('error' in report) throw new FrsError(report.error.code, report.error.message);
    context.log(`test: ${report.faces.length} face(s) in ${report.width}x${report.height} image, ${report.ms} ms`);
    return json(200, report);
  } catch (err) {
    const response = errorResponse(err, context);
    context.warn(`test: rejected with ${response.status}: ${JSON.stringify(response.jsonBody)}`);
    return response;
  }
}

httpRoute({ name: 'test', methods: ['POST'], route: 'test', handler: testHandler });
