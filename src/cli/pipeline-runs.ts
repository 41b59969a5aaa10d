/** What the database commands (db, watch, recognize, all, automate, recluster) share. */
import { statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Settings } from '../config/settings.js';
import type { PipelineService } from '../pipeline/pipeline-service.js';
import { registerFolder, type RegisterSummary } from '../pipeline/register-stage.js';
import type { Services } from '../services.js';
import type { Access, CommandContext } from './command.js';
import { UsageError } from './usage-error.js';

export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) throw new UsageError(`--interval "${text}" is not a duration like 90s, 3m or 1h.`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  return Number(m[1]) * unit;
}

/** `--images DIR` registers local files: refused at start when it cannot work. */
export function checkImagesOption(settings: Settings, images: string | undefined, command: string): void {
  if (images === undefined) return;
  if (settings.FRS_BLOB_CONNECTION_STRING || settings.FRS_BLOB_ACCOUNT_URL)
    throw new UsageError(
      `--images registers local files, but Blob Storage is configured (FRS_BLOB_CONNECTION_STRING or ` +
        `FRS_BLOB_ACCOUNT_URL), where originals are blobs in the "${settings.FRS_MEDIA_CONTAINER}" container. ` +
        'Upload the photos there instead, or unset the Blob settings to work on local folders.',
      command,
    );
  let isDir = false;
  try {
    isDir = statSync(images).isDirectory();
  } catch {
    throw new UsageError(`--images ${images}: no such folder.`, command);
  }
  if (!isDir) throw new UsageError(`--images ${images} is a file; give the folder that holds the photos.`, command);
}

export interface OpenedPipeline {
  services: Services;
  pipeline: PipelineService;
  /** Registers the `--images` folder (if any); call at the start of each cycle. */
  register(): Promise<RegisterSummary | undefined>;
}

/** Validates what can be checked before anything is opened, then opens the pipeline. */
export async function openPipeline(
  ctx: CommandContext,
  access: Access,
  images: string | undefined,
): Promise<OpenedPipeline> {
  checkImagesOption(ctx.settings(), images, ctx.command);
  const services = await ctx.services(access);
  const pipeline = await services.pipeline();
  return {
    services,
    pipeline,
    register: async () => {
      if (!images) return undefined;
      const { settings } = pipeline.ctx;
      return registerFolder(pipeline.ctx.repo, images, pipeline.ctx.log, pipeline.dryRun, {
        maxBytes: settings.FRS_MAX_ORIGINAL_BYTES,
        // FRS's own thumbnails folder may lie inside the photo folder: never register thumbnails.
        exclude: [settings.FRS_THUMBNAILS_DIR],
      });
    },
  };
}

/** Runs `cycle` every interval until Ctrl+C (finishing the cycle in progress) or once with --once. */
export async function runCycles(
  ctx: CommandContext,
  opts: { intervalMs: number; once: boolean },
  cycle: () => Promise<void>,
): Promise<void> {
  let stopping = false;
  const stop = () => {
    stopping = true;
    ctx.log.info('stopping after the current cycle (Ctrl+C again to abort)');
    process.once('SIGINT', () => process.exit(130));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    while (!stopping) {
      await cycle();
      if (opts.once) break;
      ctx.log.info(`${ctx.command}: next cycle in ${Math.round(opts.intervalMs / 1000)} s`);
      const ac = new AbortController();
      const wake = () => ac.abort();
      process.once('SIGINT', wake);
      await sleep(opts.intervalMs, undefined, { signal: ac.signal }).catch(() => {});
      process.off('SIGINT', wake);
    }
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
