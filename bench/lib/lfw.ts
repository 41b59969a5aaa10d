/** LFW protocol files (../shared/datasets/lfw): pairs, people and image paths. */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const lfwRoot = resolve(process.env.FRS_LFW_DIR ?? join(import.meta.dirname, '../../../shared/datasets/lfw'));
export const lfwAvailable = existsSync(join(lfwRoot, 'pairs.txt'));

export interface LfwPair {
  a: string;
  b: string;
  same: boolean;
  fold: number;
}

export function lfwImage(name: string, index: number): string {
  return join(lfwRoot, 'images_deepfunneled', name, `${name}_${String(index).padStart(4, '0')}.jpg`);
}

/** Parses View 2 `pairs.txt` (folds of same then different pairs) or View 1 `pairsDev*.txt`. */
export function readPairs(file = 'pairs.txt'): LfwPair[] {
  const lines = readFileSync(join(lfwRoot, file), 'utf8').trim().split(/\r?\n/);
  const header = lines[0].trim().split(/\s+/).map(Number);
  // View 2 has explicit folds; View 1 files are one block, so interleave them into 10 folds.
  const perFold = header.length === 2 ? header[1] * 2 : 0;
  return lines.slice(1).map((line, i) => {
    const f = line.trim().split(/\s+/);
    const fold = perFold ? Math.floor(i / perFold) : i % 10;
    if (f.length === 3) return { a: lfwImage(f[0], +f[1]), b: lfwImage(f[0], +f[2]), same: true, fold };
    return { a: lfwImage(f[0], +f[1]), b: lfwImage(f[2], +f[3]), same: false, fold };
  });
}

/** Every image of every identity with at least `minImages` images, labelled by identity. */
export function identitiesWithAtLeast(minImages: number): Array<{ path: string; label: string }> {
  const dir = join(lfwRoot, 'images_deepfunneled');
  const out: Array<{ path: string; label: string }> = [];
  for (const name of readdirSync(dir).sort()) {
    const files = readdirSync(join(dir, name))
      .filter((f) => f.endsWith('.jpg'))
      .sort();
    if (files.length >= minImages) for (const f of files) out.push({ path: join(dir, name, f), label: name });
  }
  return out;
}
