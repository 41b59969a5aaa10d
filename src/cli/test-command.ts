/**
 * `frs test <image|folder>...`: detect (and optionally embed) faces in files without touching
 * the database. One JSON object per image per line with --json, a readable table otherwise.
 * Unreadable files are reported on their own line; the exit code is 1 if any failed.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import type { Settings } from '../config/settings.js';
import { FrsError } from '../errors.js';
import type { FaceAnalyzer } from '../vision/face-analyzer.js';
import { reportImage, type ImageReport } from '../vision/image-report.js';
import { faceThumbnail } from '../vision/thumbnail.js';
import { walkImages } from '../storage/walk-images.js';

export interface TestCommandOptions {
  paths: string[];
  json: boolean;
  embeddings: boolean;
  thumbnailsDir?: string;
}

export async function runTestCommand(
  analyzer: FaceAnalyzer,
  settings: Settings,
  opts: TestCommandOptions,
  out: (line: string) => void,
): Promise<number> {
  let failures = 0;
  let images = 0;
  let faces = 0;
  if (opts.thumbnailsDir) mkdirSync(opts.thumbnailsDir, { recursive: true });
  for (const root of opts.paths) {
    for (const path of walkImages(root)) {
      const bytes = readBytes(path);
      const report: ImageReport =
        bytes instanceof FrsError
          ? { image: path, error: bytes.toJSON() }
          : await reportImage(analyzer, path, bytes, {
              embeddings: opts.embeddings,
              maxPixels: settings.FRS_MAX_PIXELS,
              onFaces: opts.thumbnailsDir
                ? async (image, found) => {
                    for (const [i, face] of found.entries()) {
                      const jpeg = await faceThumbnail(image, face.box, {
                        size: settings.FRS_THUMBNAIL_SIZE,
                        margin: settings.FRS_THUMBNAIL_MARGIN,
                      });
                      // numbered per run: two images with one name in different folders must not overwrite each other
                      writeFileSync(
                        join(
                          opts.thumbnailsDir!,
                          `${String(images + 1).padStart(4, '0')}_${basename(path, extname(path))}_face${i}.jpg`,
                        ),
                        jpeg,
                      );
                    }
                  }
                : undefined,
            });
      images++;
      if ('error' in report) failures++;
      else faces += report.faces.length;
      out(opts.json ? JSON.stringify(report) : formatReport(report));
    }
  }
  if (!opts.json) out(`${images} image(s), ${faces} face(s), ${failures} failed`);
  return failures > 0 ? 1 : 0;
}

function readBytes(path: string): Uint8Array | FrsError {
  try {
    return readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return new FrsError(
      'NOT_FOUND',
      code === 'ENOENT' ? `No such file: ${path}` : `Cannot read ${path}: ${(err as Error).message}`,
    );
  }
}

export function formatReport(r: ImageReport): string {
  if ('error' in r) return `${r.image}\n  error ${r.error.code}: ${r.error.message}\n`;
  const lines = [`${r.image}  ${r.width}x${r.height}  ${r.faces.length} face(s)  ${r.ms} ms`];
  if (r.faces.length) lines.push('   #  score  box (x1, y1, x2, y2)');
  r.faces.forEach((f, i) =>
    lines.push(`  ${String(i + 1).padStart(2)}  ${f.score.toFixed(2)}   ${f.box.map((v) => Math.round(v)).join(', ')}`),
  );
  return lines.join('\n') + '\n';
}
