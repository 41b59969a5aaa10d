/** Printing pipeline results: the run summary and the persons listing (human and --json). */
import type { FaceDetail } from '../data/aggregates/faces.js';
import type { PipelineService, RunSummary } from '../pipeline/pipeline-service.js';
import type { RegisterSummary } from '../pipeline/register-stage.js';
import { describeRun } from '../pipeline/run-summary.js';
import { roundBox } from '../vision/round-box.js';
import type { CommandContext } from './command.js';

/** Every failure of a run: unreadable files at registration included. */
export function failureCount(s: RunSummary, registered?: RegisterSummary): number {
  return (registered?.failed ?? 0) + s.reconciled.failed + s.detected.failed + s.recognised.embedded.failed;
}

export function printSummary(s: RunSummary, print: (line: string) => void, registered?: RegisterSummary): void {
  print(`summary: ${describeRun(s, registered)}`);
}

interface ListedFace {
  id: number;
  mediaItemId: number;
  /** The photo, as registered (a local path or a blob name). */
  file: string;
  /** [x1, y1, x2, y2] rounded to whole pixels of the original. */
  box: number[] | null;
  /** The thumbnail's key in the thumbnail store (relative to `thumbnails`). */
  thumbnail: string | null;
  verified: boolean;
}

export interface PersonsListing {
  persons: Array<{ id: number; name: string | null; faceCount: number; portrait: string | null; faces: ListedFace[] }>;
  /** Faces in no person (too unlike every other face, or seen once). */
  unassignedFaces: number;
  /** Where the thumbnail keys are: a local folder or a container URL. */
  thumbnails: string;
}

const listedFace = (f: FaceDetail): ListedFace => ({
  id: f.id,
  mediaItemId: f.mediaItemId,
  file: f.filePath,
  box: roundBox(f.boundingBox),
  thumbnail: f.thumbnailPath,
  verified: f.isUserVerified,
});

export async function loadPersonsListing(pipeline: PipelineService): Promise<PersonsListing> {
  const { repo, thumbnails } = pipeline.ctx;
  const persons = await repo.listPersons();
  return {
    persons: await Promise.all(
      persons.map(async (p) => ({
        id: p.id,
        name: p.name,
        faceCount: p.faceCount,
        portrait: p.portraitThumbnailPath,
        faces: (await repo.personFaces(p.id, { offset: 0, limit: Math.max(1, p.faceCount) })).items.map(listedFace),
      })),
    ),
    unassignedFaces: (await repo.stats()).unassignedFaces,
    thumbnails: thumbnails.location,
  };
}

export function formatPersonsListing(listing: PersonsListing): string[] {
  const lines = [
    `${listing.persons.length} person(s), ${listing.unassignedFaces} face(s) in no person; ` +
      `thumbnails in ${listing.thumbnails}`,
  ];
  for (const p of listing.persons) {
    const photos = new Set(p.faces.map((f) => f.mediaItemId));
    lines.push(
      `  person ${p.id}${p.name ? ` (${p.name})` : ''}: ${p.faceCount} face(s) in ${photos.size} photo(s), portrait ${p.portrait ?? '-'}`,
    );
    for (const f of p.faces)
      lines.push(
        `      face ${f.id}  ${f.file}  box ${f.box?.join(',') ?? '-'}  thumbnail ${f.thumbnail ?? '-'}${f.verified ? '  (verified)' : ''}`,
      );
  }
  return lines;
}

export async function printPersons(pipeline: PipelineService, ctx: CommandContext): Promise<void> {
  const listing = await loadPersonsListing(pipeline);
  if (ctx.values.json) ctx.printJson(listing);
  else for (const line of formatPersonsListing(listing)) ctx.print(line);
}
