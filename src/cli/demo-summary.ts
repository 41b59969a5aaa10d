/** The end of `npm start`: what FRS found in the demo album, in words, and where to look next. */
import { basename } from 'node:path';
import type { PersonDetail } from '../data/aggregates/persons.js';
import type { RunSummary } from '../pipeline/pipeline-service.js';

export interface DemoResult {
  photosDir: string;
  photos: number;
  /** Media item id → the photo's file path, for the photos of this album. */
  files: ReadonlyMap<number, string>;
  persons: PersonDetail[];
  unassignedFaces: number;
  thumbnailsDir: string;
  run: RunSummary;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function formatDemoSummary(r: DemoResult): string[] {
  const inPersons = r.persons.reduce((sum, p) => sum + p.faces.length, 0);
  const lines = [
    '',
    `FRS looked at ${plural(r.photos, 'photo')} and grouped ${plural(inPersons, 'face')} into ${plural(r.persons.length, 'person')}:`,
  ];
  const width = Math.max(0, ...r.persons.map((p) => `person ${p.id}${p.name ? ` (${p.name})` : ''}`.length));
  for (const p of r.persons) {
    const names = [
      ...new Set(p.faces.map((f) => r.files.get(f.mediaItemId) ?? `item ${f.mediaItemId}`).map((f) => basename(f))),
    ].sort();
    const label = `person ${p.id}${p.name ? ` (${p.name})` : ''}`.padEnd(width);
    lines.push(`  ${label}  ${plural(names.length, 'photo').padEnd(8)}  ${names.join(', ')}`);
  }
  lines.push(
    r.unassignedFaces === 0
      ? 'Every face found belongs to a person.'
      : `${plural(r.unassignedFaces, 'face is', 'faces are')} in no person (seen once, or unlike every other face).`,
    '',
    `The photos:      ${r.photosDir}`,
    "                 (face-api's six demo photos, and two more shots made from each: a brightened left part and a turned right part)",
    `Face thumbnails: ${r.thumbnailsDir}  (one square JPEG per face, faces/<item>/<n>.jpg)`,
    '',
    'Look further:',
    '  npm run frs -- persons       the persons, largest first (--json for scripts)',
    `  npm run frs -- person show ${r.persons[0]?.id ?? '<id>'}  one person's faces, with their photos and boxes`,
    '  npm run frs -- serve         the people app in your browser: name, merge and correct persons',
    '  npm run frs -- all --images ~/Pictures    the same on your own photos',
    '  npm run frs -- help          every command',
  );
  return lines;
}
