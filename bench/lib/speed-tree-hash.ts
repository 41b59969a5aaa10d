/**
 * A fingerprint of the code and model configuration a benchmark measures (by default
 * models/manifest.json and every file under src/), so a report can say whether they changed while it ran: in a tree
 * several people edit at once, a run that straddles an edit measures two different programs.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
}

/** Hash of the given files and folders (relative to the repository root), in a stable order. */
export function treeHash(paths: string[] = ['models/manifest.json', 'src']): string {
  const h = createHash('sha256');
  for (const p of paths) {
    const abs = join(root, p);
    for (const f of statSync(abs).isDirectory() ? files(abs) : [abs])
      h.update(relative(root, f)).update('\0').update(readFileSync(f)).update('\0');
  }
  return h.digest('hex').slice(0, 12);
}
