/**
 * `frs test` on a folder tree with a real photo, a text file named .jpg and an empty .png:
 * JSON lines with the documented fields, readable table output, thumbnails, exit codes.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTestCommand, type TestCommandOptions } from '../../src/cli/test-command.js';
import { loadSettings } from '../../src/config/settings.js';
import { FaceAnalyzer } from '../../src/vision/face-analyzer.js';
import { demoImage } from '../helpers/fixtures.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const settings = loadSettings({ FRS_INTRA_OP_THREADS: '1' });
const tmp = mkdtempSync(join(tmpdir(), 'frs-cli-test-'));
/** mixed/: bad.jpg (text), empty.png (0 bytes), notes.txt (not an image), people/sample1.jpg */
const mixed = join(tmp, 'mixed');
/** good/: only the photo */
const good = join(tmp, 'good');
const photo = join(mixed, 'people', 'sample1.jpg');

let analyzer: FaceAnalyzer;

async function run(
  opts: Partial<TestCommandOptions> & Pick<TestCommandOptions, 'paths'>,
): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const code = await runTestCommand(analyzer, settings, { json: false, embeddings: false, ...opts }, (line) =>
    lines.push(line),
  );
  return { code, lines };
}

interface FaceLine {
  box: number[];
  score: number;
  landmarks: number[][];
  embedding?: number[];
}
type ReportLine =
  | { image: string; width: number; height: number; faces: FaceLine[]; ms: number }
  | { image: string; error: { code: string; message: string } };

beforeAll(() => {
  mkdirSync(join(mixed, 'people'), { recursive: true });
  mkdirSync(good);
  copyFileSync(demoImage(1), photo);
  copyFileSync(demoImage(1), join(good, 'sample1.jpg'));
  writeFileSync(join(mixed, 'bad.jpg'), 'this is text, not a JPEG\n');
  writeFileSync(join(mixed, 'empty.png'), '');
  writeFileSync(join(mixed, 'notes.txt'), 'skipped: not an image extension\n');
  analyzer = FaceAnalyzer.fromManifestFile(join(repoRoot, 'models/manifest.json'), settings);
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('runTestCommand --json', () => {
  let result: { code: number; lines: string[] };
  let reports: ReportLine[];

  beforeAll(async () => {
    result = await run({ paths: [mixed], json: true });
    reports = result.lines.map((line) => JSON.parse(line) as ReportLine);
  });

  it('prints one single-line JSON object per image file, found recursively, and nothing else', () => {
    expect(result.lines.every((line) => !line.includes('\n'))).toBe(true);
    expect(reports.map((r) => r.image)).toEqual([join(mixed, 'bad.jpg'), join(mixed, 'empty.png'), photo]);
  });

  it('reports unreadable files with an error code and message only', () => {
    const [bad, empty] = reports;
    expect(Object.keys(bad).sort()).toEqual(['error', 'image']);
    expect(Object.keys(empty).sort()).toEqual(['error', 'image']);
    if (!('error' in bad) || !('error' in empty)) throw new Error('expected error lines');
    expect(bad.error.code).toBe('UNSUPPORTED_FORMAT');
    expect(empty.error.code).toBe('EMPTY_FILE');
    for (const error of [bad.error, empty.error]) {
      expect(Object.keys(error).sort()).toEqual(['code', 'message']);
      expect(error.message.length).toBeGreaterThan(0);
    }
  });

  it('reports the photo with size, timing and faces (box, score, five landmarks, no embedding)', () => {
    const report = reports[2];
    if ('error' in report) throw new Error(`unexpected error ${report.error.code}`);
    expect(Object.keys(report).sort()).toEqual(['faces', 'height', 'image', 'ms', 'width']);
    expect([report.width, report.height]).toEqual([1920, 1280]);
    expect(report.ms).toBeGreaterThanOrEqual(0);
    expect(report.faces.length).toBeGreaterThanOrEqual(3);
    for (const face of report.faces) {
      expect(Object.keys(face).sort()).toEqual(['box', 'landmarks', 'score']);
      const [x1, y1, x2, y2] = face.box;
      expect(0 <= x1 && x1 < x2 && x2 <= report.width && 0 <= y1 && y1 < y2 && y2 <= report.height).toBe(true);
      expect(face.score).toBeGreaterThanOrEqual(settings.FRS_MIN_DETECTION_SCORE);
      expect(face.score).toBeLessThanOrEqual(1);
      expect(face.landmarks).toHaveLength(5);
      for (const point of face.landmarks) expect(point).toHaveLength(2);
    }
  });

  it('exits 1 because some files failed', () => {
    expect(result.code).toBe(1);
  });

  it('adds unit-length embeddings with --embeddings and exits 0 when every file succeeds', async () => {
    const { code, lines } = await run({ paths: [good], json: true, embeddings: true });
    expect(code).toBe(0);
    expect(lines).toHaveLength(1);
    const report = JSON.parse(lines[0]) as ReportLine;
    if ('error' in report) throw new Error(`unexpected error ${report.error.code}`);
    const faces = (reports[2] as Extract<ReportLine, { faces: FaceLine[] }>).faces;
    expect(report.faces.map((f) => f.box)).toEqual(faces.map((f) => f.box));
    for (const face of report.faces) {
      expect(face.embedding).toHaveLength(128);
      expect(Math.hypot(...face.embedding!)).toBeCloseTo(1, 4);
    }
  });
});

describe('runTestCommand table output and thumbnails', () => {
  it('names each file with its face count or error, then a summary, and writes one JPEG per face', async () => {
    const thumbnails = join(tmp, 'thumbs');
    const { code, lines } = await run({ paths: [mixed], thumbnailsDir: thumbnails });
    expect(code).toBe(1);
    const text = lines.join('\n');
    const faceCount = Number(/sample1\.jpg\s+1920x1280\s+(\d+) face\(s\)/.exec(text)?.[1]);
    expect(faceCount).toBeGreaterThanOrEqual(3);
    expect(text).toMatch(/bad\.jpg\n\s+error UNSUPPORTED_FORMAT: /);
    expect(text).toMatch(/empty\.png\n\s+error EMPTY_FILE: /);
    // One table row per face: index, score, box.
    expect(text.match(/^\s+\d+\s+\d\.\d\d\s+\d+, \d+, \d+, \d+$/gm)).toHaveLength(faceCount);
    expect(lines.at(-1)).toBe(`3 image(s), ${faceCount} face(s), 2 failed`);

    const files = readdirSync(thumbnails).sort();
    expect(files).toHaveLength(faceCount);
    for (const file of files) expect(file).toMatch(/^\d{4}_sample1_face\d+\.jpg$/);
    for (const file of files) {
      const meta = await sharp(readFileSync(join(thumbnails, file))).metadata();
      expect(meta).toMatchObject({
        format: 'jpeg',
        width: settings.FRS_THUMBNAIL_SIZE,
        height: settings.FRS_THUMBNAIL_SIZE,
      });
    }
  });

  it('keeps the thumbnails of same-named images in different folders apart', async () => {
    const root = join(tmp, 'twins');
    for (const sub of ['x', 'y']) {
      mkdirSync(join(root, sub), { recursive: true });
      copyFileSync(demoImage(1), join(root, sub, 'photo.jpg'));
    }
    const thumbnails = join(tmp, 'twin-thumbs');
    const { lines } = await run({ paths: [root], thumbnailsDir: thumbnails });
    const faces = Number(/(\d+) face\(s\), 0 failed/.exec(lines.at(-1) ?? '')?.[1]);
    expect(faces).toBeGreaterThanOrEqual(6);
    expect(readdirSync(thumbnails)).toHaveLength(faces);
  });
});

describe('frs test (the CLI process)', () => {
  const frs = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { ...process.env, FRS_INTRA_OP_THREADS: '1', FRS_DATABASE: join(tmp, 'unused.db') },
      timeout: 120_000,
    });

  it('exits 1 when a file fails, printing JSON lines on stdout', () => {
    const { status, stdout } = frs('test', mixed, '--json');
    const lines = stdout.trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as ReportLine).image)).toEqual([
      join(mixed, 'bad.jpg'),
      join(mixed, 'empty.png'),
      photo,
    ]);
    expect(status).toBe(1);
  });

  it('exits 0 when every file succeeds (seed flag form)', () => {
    const { status, stdout } = frs('--test', join(good, 'sample1.jpg'));
    expect(stdout).toContain('sample1.jpg');
    expect(stdout).toMatch(/1 image\(s\), \d+ face\(s\), 0 failed/);
    expect(status).toBe(0);
  });
});
