/** HTTP POST /api/test: detect (and optionally embed) faces in the posted image; changes nothing. */
import { type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { z } from 'zod';
import { FrsError } from '../src/errors.js';
import { getServices } from '../src/services.js';
import { reportImage } from '../src/vision/image-report.js';
import { errorResponse, invalid, json } from './_shared/http.js';
import { readPostedImage } from './_shared/posted-image.js';
import { httpRoute } from './_shared/routes.js';

const query = z.object({
  embeddings: z
    .enum(['true', 'false', '1', '0'])
    .optional()
    .transform((v) => v === 'true' || v === '1'),
  name: z.string().max(500).optional(),
});

export async function testHandler(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  try {
    const params = query.safeParse(Object.fromEntries(request.query.entries()));
    if (!params.success) throw invalid(params.error);
    const { settings, analyzer } = getServices();
    const body = await readPostedImage(request, settings, 'test');
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
