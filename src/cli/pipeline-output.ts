/** Printing pipeline results: the run summary and the persons summary (human and --json). */
import type { PipelineService, RunSummary } from '../pipeline/pipeline-service.js';
import type { RegisterSummary } from '../pipeline/register-stage.js';
import { describeRun } from '../pipeline/run-summary.js';
import type { CommandContext } from './command.js';

/** Every failure of a run: unreadable files at registration included. */
export function failureCount(s: RunSummary, registered?: RegisterSummary): number {
  return (registered?.failed ?? 0) + s.reconciled.failed + s.detected.failed + s.recognised.embedded.failed;
}

export function printSummary(s: RunSummary, print: (line: string) => void, registered?: RegisterSummary): void {
  print(`summary: ${describeRun(s, registered)}`);
}

/** How many persons the summary after a run names: the largest ones. */
export const LARGEST_PERSONS = 10;

/**
 * What a run leaves, in a size that does not grow with the library: counts and the largest
 * persons (two queries: the first page of the persons listing and the library counts).
 */
export interface PersonsSummary {
  persons: number;
  /** Faces that are in a person, and faces in none (too unlike every other face, or seen once). */
  facesInPersons: number;
  unassignedFaces: number;
  /** The largest persons, largest first. */
  largest: Array<{ id: number; name: string | null; faceCount: number; portrait: string | null }>;
  /** Where the thumbnail keys are: a local folder or a container URL. */
  thumbnails: string;
}

export async function loadPersonsSummary(pipeline: PipelineService): Promise<PersonsSummary> {
  const { repo, thumbnails } = pipeline.ctx;
  const page = await repo.searchPersons({ offset: 0, limit: LARGEST_PERSONS, hidden: 'all' });
  const stats = await repo.stats();
  return {
    persons: page.total,
    facesInPersons: stats.faces - stats.unassignedFaces,
    unassignedFaces: stats.unassignedFaces,
    largest: page.items.map((p) => ({
      id: p.id,
      name: p.nameIsGenerated ? null : p.name,
      faceCount: p.faceCount,
      portrait: p.portraitThumbnailPath,
    })),
    thumbnails: thumbnails.location,
  };
}

export function formatPersonsSummary(summary: PersonsSummary): string[] {
  const lines = [
    `${summary.persons} person(s), ${summary.facesInPersons} face(s) in a person, ` +
      `${summary.unassignedFaces} face(s) in no person; thumbnails in ${summary.thumbnails}`,
  ];
  if (summary.largest.length > 0) {
    lines.push(summary.persons > summary.largest.length ? `largest ${summary.largest.length}:` : 'persons:');
    for (const p of summary.largest)
      lines.push(
        `  person ${p.id}${p.name ? `  ${p.name}` : ''}  ${p.faceCount} face(s)  portrait ${p.portrait ?? '-'}`,
      );
  }
  if (summary.persons > summary.largest.length)
    lines.push('All persons page by page: frs persons --page N; one person and its faces: frs person show <id>.');
  return lines;
}

export async function printPersons(pipeline: PipelineService, ctx: CommandContext): Promise<void> {
  const summary = await loadPersonsSummary(pipeline);
  if (ctx.values.json) ctx.printJson(summary);
  else for (const line of formatPersonsSummary(summary)) ctx.print(line);
}
