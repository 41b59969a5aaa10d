/** Printing pipeline results: the run summary and the persons listing. */
import type { GroupSummary } from '../pipeline/group-stage.js';
import type { PipelineService, RunSummary } from '../pipeline/pipeline-service.js';
import type { CommandContext } from './command.js';

export function printSummary(s: RunSummary, print: (line: string) => void): void {
  const g = s.recognized.grouped;
  print(
    `summary: ${s.detected.items} item(s) processed, ${s.detected.faces} face(s) found, ${s.detected.failed} failed; ` +
      (g ? groupingLine(g) : 'grouping skipped (busy); ') +
      `${(s.ms / 1000).toFixed(1)} s`,
  );
}

function groupingLine(g: GroupSummary): string {
  if (!g.regrouped) return 'no new faces to group; ';
  return (
    `${g.faces} face(s) grouped (${g.newFaces} new): ${g.personsKept} person(s) kept, ${g.personsCreated} created, ` +
    `${g.personsDeleted} deleted, ${g.facesMoved} face(s) changed person, ${g.noise} unassigned; `
  );
}

export async function personsJson(pipeline: PipelineService): Promise<unknown[]> {
  const { repo } = pipeline.ctx;
  const persons = await repo.listPersons();
  const detailed = await Promise.all(persons.map((p) => repo.getPerson(p.id)));
  return detailed
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
    }));
}

export async function printPersons(pipeline: PipelineService, ctx: CommandContext): Promise<void> {
  const { repo } = pipeline.ctx;
  if (ctx.values.json) {
    ctx.printJson(await personsJson(pipeline));
    return;
  }
  const persons = await repo.listPersons();
  ctx.print(`${persons.length} person(s)`);
  for (const p of persons) {
    const detail = await repo.getPerson(p.id);
    const files = new Set(detail?.faces.map((f) => f.mediaItemId));
    ctx.print(
      `  person ${p.id}${p.name ? ` (${p.name})` : ''}: ${p.faceCount} face(s) in ${files.size} item(s), portrait ${p.portraitThumbnailPath ?? '-'}`,
    );
    for (const f of detail?.faces ?? [])
      ctx.print(
        `      face ${f.id}  item ${f.mediaItemId}  box ${f.boundingBox?.map((v) => Math.round(v)).join(',')}  ${f.thumbnailPath ?? ''}`,
      );
  }
}
