/**
 * Commands for a database taken over from the replaced system: make missing thumbnails, queue
 * items again (by id or path, or those marked extracted without faces), list or remove the
 * embeddings of other models FRS kept, and export faces by person.
 */
import { resolve } from 'node:path';
import { exportByPerson } from '../export/by-person.js';
import type { PipelineService } from '../pipeline/pipeline-service.js';
import type { Services } from '../services.js';
import { unmapPath } from '../storage/path-map.js';
import type { CliArgs } from './args.js';

type Out = (line: string) => void;

/** `frs thumbnails [--missing]`: thumbnails from the stored boxes, for every face or only those without one. */
export async function runThumbnailsCommand(pipeline: PipelineService, args: CliArgs, out: Out): Promise<number> {
  const s = await pipeline.thumbnails(args.missing);
  out(`thumbnails: ${s.faces} face(s) ${pipeline.dryRun ? 'would get' : 'got'} a thumbnail, ${s.skipped} skipped`);
  return s.skipped > 0 ? 1 : 0;
}

/**
 * `frs reprocess <item-id|path>... | --no-faces`: queue items again (attempts reset,
 * IsFacesExtracted = 0), then run the pipeline once. A path is matched as registered, and as
 * the registered form of a local file under FRS_PATH_MAP.
 */
export async function runReprocessCommand(
  services: Services,
  pipeline: PipelineService,
  args: CliArgs,
  out: Out,
): Promise<number> {
  const { repo } = pipeline.ctx;
  const ids = args.paths.filter((p) => /^\d+$/.test(p)).map(Number);
  const paths = args.paths
    .filter((p) => !/^\d+$/.test(p))
    .flatMap((p) => [p, resolve(p), unmapPath(resolve(p), services.pathMap)]);
  if (pipeline.dryRun) {
    out(`reprocess (dry run): nothing queued`);
    return 0;
  }
  const queued = [
    ...(ids.length || paths.length ? await repo.requeueItems(ids, [...new Set(paths)]) : []),
    ...(args.noFaces ? await repo.requeueItemsWithoutFaces() : []),
  ];
  out(`reprocess: ${queued.length} item(s) queued again${queued.length ? ` (${queued.join(', ')})` : ''}`);
  if (queued.length === 0 && args.paths.length > 0) {
    out('reprocess: no item matched (ids, or paths as registered); items being processed right now are left alone');
    return 1;
  }
  if (queued.length > 0) await pipeline.runAll();
  return 0;
}

/** `frs old-embeddings [--remove [--model M]]`: the embeddings of other models kept by FRS. */
export async function runOldEmbeddingsCommand(pipeline: PipelineService, args: CliArgs, out: Out): Promise<number> {
  const { repo } = pipeline.ctx;
  if (args.remove) {
    if (pipeline.dryRun) {
      out('old-embeddings (dry run): nothing removed');
      return 0;
    }
    const removed = await repo.removeOldEmbeddings(args.model);
    out(`old-embeddings: ${removed} removed${args.model ? ` (model ${args.model})` : ''}`);
    return 0;
  }
  const counts = await repo.oldEmbeddingCounts();
  if (args.json) out(JSON.stringify(counts));
  else {
    out(`${counts.length} kept model(s)`);
    for (const c of counts) out(`  ${c.model}: ${c.faces} face(s), ${c.dimensions}-d`);
  }
  return 0;
}

/** `frs export --by-person DIR [--photos]`. */
export async function runExportCommand(
  services: Services,
  pipeline: PipelineService,
  args: CliArgs,
  out: Out,
): Promise<number> {
  const s = await exportByPerson(
    {
      repo: pipeline.ctx.repo,
      thumbnails: pipeline.ctx.thumbnails,
      locateOriginal: services.locateOriginal,
      readOriginal: services.readOriginal,
    },
    args.byPerson!,
    args.photos,
  );
  out(
    `export: ${s.persons} person(s), ${s.files} file(s) in ${args.byPerson}, ${s.removed} stale file(s) removed, ${s.skipped} face(s) without ${args.photos ? 'a known original' : 'a thumbnail'}`,
  );
  return 0;
}
