/**
 * Blob trigger (Event Grid source, as Flex Consumption requires) on the media container:
 * registers the new photo, detects its faces and writes thumbnails. A photo that cannot be
 * read is recorded as failed on its media item and the invocation succeeds, so the host does
 * not retry a hopeless file; errors reaching the database or storage are thrown, so the host
 * retries the delivery (host.json: up to 3 times, then the blob lands in the poison queue).
 */
import { app, type InvocationContext } from '@azure/functions';
import { z } from 'zod';
import { FrsError } from '../src/errors.js';
import { detectUpload } from '../src/pipeline/upload-stage.js';
import { getServices } from '../src/services.js';
import { functionLogger } from './_shared/logger.js';

const metadata = z.object({ name: z.string().min(1) });

export async function detectOnUploadHandler(blob: unknown, context: InvocationContext) {
  const parsed = metadata.safeParse(context.triggerMetadata);
  if (!parsed.success) throw new FrsError('INVALID_INPUT', 'Blob trigger metadata has no blob name.');
  const bytes = blob instanceof Uint8Array ? blob : new Uint8Array(0);
  const services = getServices();
  const ctx = await services.pipelineContext(functionLogger(context));
  const outcome = await detectUpload(ctx, parsed.data.name, bytes);
  context.log(
    `detectOnUpload: ${parsed.data.name} → item ${outcome.itemId} ${outcome.status}` +
      (outcome.status === 'done'
        ? `, ${outcome.faces} face(s)`
        : outcome.status === 'failed'
          ? `: ${outcome.error}`
          : ` (${outcome.reason})`),
  );
  return outcome;
}

app.storageBlob('detectOnUpload', {
  path: '%FRS_MEDIA_CONTAINER%/{name}',
  connection: 'FRS_STORAGE',
  source: 'EventGrid',
  handler: detectOnUploadHandler,
});
