/**
 * One uploaded original, as the blob trigger delivers it: register it (by path and content:
 * an overwritten blob is detected again, a copy of known content is recorded as a copy), then
 * detect it right away if it is claimable. A second delivery of the same blob finds the item
 * done (or leased by the timer) and changes nothing.
 */
import type { PipelineContext } from './context.js';
import { processClaimedItem } from './detect-stage.js';
import { registerFile } from './register-stage.js';

export type UploadOutcome =
  | { status: 'done'; itemId: number; faces: number }
  | { status: 'failed'; itemId: number; error: string }
  | { status: 'skipped'; itemId: number; reason: string };

export async function detectUpload(ctx: PipelineContext, blobName: string, bytes: Uint8Array): Promise<UploadOutcome> {
  const { repo, settings, workerId } = ctx;
  const registered = await registerFile(
    { repo, maxBytes: settings.FRS_MAX_ORIGINAL_BYTES, stillExists: ctx.originalExists },
    { path: blobName, size: bytes.byteLength, modifiedMs: null, read: async () => bytes },
  );
  const itemId = registered.mediaItemId;
  if (registered.outcome === 'failed') return { status: 'failed', itemId, error: registered.error ?? 'unreadable' };
  const [item] = await repo.claimPendingItems(
    workerId,
    1,
    settings.FRS_LEASE_SECONDS,
    settings.FRS_MAX_ATTEMPTS,
    itemId,
  );
  if (!item) {
    const state = await repo.getMediaItem(itemId);
    const why = registered.outcome === 'copy' || registered.outcome === 'moved' ? `${registered.outcome}; ` : '';
    return {
      status: 'skipped',
      itemId,
      reason: `${why}item is ${state?.status ?? 'unknown'}${state?.leaseOwner ? ` (leased by ${state.leaseOwner})` : ''}`,
    };
  }
  // The trigger already holds the bytes: no second download.
  const outcome = await processClaimedItem({ ...ctx, readOriginal: async () => bytes }, item);
  if (outcome.status === 'done') return { status: 'done', itemId, faces: outcome.faces };
  if (outcome.status === 'failed') return { status: 'failed', itemId, error: outcome.error };
  return { status: 'skipped', itemId, reason: 'lease lost to another worker' };
}
