/** The database modes of `frs`: db, watch, recognize, all, automate, recluster, persons. */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Services } from '../services.js';
import type { GroupSummary } from '../pipeline/group-stage.js';
import type { PipelineService, RunSummary } from '../pipeline/pipeline-service.js';
import { registerFolder, type RegisterSummary } from '../pipeline/register-stage.js';
import { failuresLine } from '../pipeline/run-health.js';
import type { CliArgs } from './args.js';
import { progressPrinter } from './progress.js';

export async function runPipelineCommand(
  services: Services,
  args: CliArgs,
  out: (line: string) => void,
): Promise<number> {
  const pipeline = await services.pipeline();
  const { repo, log } = pipeline.ctx;
  const { settings } = pipeline.ctx;
  let registered: RegisterSummary | undefined;
  const register = async () => {
    if (args.images)
      registered = await registerFolder(repo, args.images, log, pipeline.dryRun, {
        maxBytes: settings.FRS_MAX_ORIGINAL_BYTES,
        // FRS's own thumbnails folder may lie inside the photo folder: never register thumbnails.
        exclude: services.usesBlobStorage ? [] : [settings.FRS_THUMBNAILS_DIR],
      });
  };
  const progress = progressPrinter('detect');

  switch (args.mode) {
    case 'db':
      await register();
      await pipeline.detect(progress);
      break;
    case 'recognize':
      await pipeline.recognize();
      break;
    case 'all': {
      await register();
      printSummary(await pipeline.runAll(progress), out, registered);
      break;
    }
    case 'recluster':
      await pipeline.recluster();
      break;
    case 'watch':
    case 'automate':
      await loop(args, log.info, async () => {
        await register();
        if (args.mode === 'watch') await pipeline.detect(progress);
        else printSummary(await pipeline.runAll(progress), out, registered);
      });
      break;
    case 'persons':
      break;
    case 'retry-failed':
      out(`${await pipeline.retryFailed()} failed item(s) put back to pending`);
      break;
    case 'test':
      throw new Error('test mode is handled by the test command');
  }
  if (args.mode === 'all' || args.mode === 'recognize' || args.mode === 'recluster' || args.mode === 'persons')
    await printPersons(pipeline, args, out);
  return 0;
}

async function loop(args: CliArgs, info: (m: string) => void, cycle: () => Promise<void>): Promise<void> {
  let stopping = false;
  const stop = () => {
    stopping = true;
    info('stopping after the current cycle (Ctrl+C again to abort)');
    process.once('SIGINT', () => process.exit(130));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    while (!stopping) {
      await cycle();
      if (args.once) break;
      info(`${args.mode}: next cycle in ${Math.round(args.intervalMs / 1000)} s`);
      const ac = new AbortController();
      const wake = () => ac.abort();
      process.once('SIGINT', wake);
      await sleep(args.intervalMs, undefined, { signal: ac.signal }).catch(() => {});
      process.off('SIGINT', wake);
    }
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

function printSummary(s: RunSummary, out: (line: string) => void, registered?: RegisterSummary): void {
  const g = s.recognized.grouped;
  out(
    `summary: ${s.detected.items} item(s) processed, ${s.detected.faces} face(s) found, ${failuresLine(s, registered)}; ` +
      (g ? groupingLine(g) : 'grouping skipped (busy); ') +
      `${(s.ms / 1000).toFixed(1)} s`,
  );
}

function groupingLine(g: GroupSummary): string {
  if (!g.regrouped) return 'no new faces to group; ';
  return (
    `${g.faces} face(s) grouped (${g.newFaces} new): ${g.personsKept} person(s) kept, ${g.personsCreated} created, ${g.personsDeleted} deleted, ` +
    `${g.facesMoved} face(s) changed person, ${g.noise} unassigned; `
  );
}

async function printPersons(pipeline: PipelineService, args: CliArgs, out: (line: string) => void): Promise<void> {
  const { repo } = pipeline.ctx;
  const persons = await repo.listPersons();
  if (args.json) {
    const detailed = await Promise.all(persons.map((p) => repo.getPerson(p.id)));
    out(
      JSON.stringify(
        detailed
          .filter((p) => p !== null)
          .map((p) => ({
            ...p,
            faces: p.faces.map((f) => ({
              id: f.id,
              mediaItemId: f.mediaItemId,
              box: f.boundingBox,
              thumbnail: f.thumbnailPath,
              verified: f.isUserVerified,
            })),
          })),
      ),
    );
    return;
  }
  out(`${persons.length} person(s)`);
  for (const p of persons) {
    const detail = await repo.getPerson(p.id);
    const files = new Set(detail?.faces.map((f) => f.mediaItemId));
    out(
      `  person ${p.id}${p.name ? ` (${p.name})` : ''}: ${p.faceCount} face(s) in ${files.size} item(s), portrait ${p.portraitThumbnailPath ?? '-'}`,
    );
    for (const f of detail?.faces ?? [])
      out(
        `      face ${f.id}  item ${f.mediaItemId}  box ${f.boundingBox?.map((v) => Math.round(v)).join(',')}  ${f.thumbnailPath ?? ''}`,
      );
  }
}
