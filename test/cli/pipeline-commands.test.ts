/**
 * The database commands on a real (temporary) installation: `all --images` registers, detects
 * and groups with exit 1 when a photo fails; `persons` reads what it left; rerunning changes
 * nothing; `--dry-run` writes nothing.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { EXIT } from '../../src/cli/command.js';
import { runCli } from '../../src/cli/run-cli.js';
import { demoImage } from '../helpers/fixtures.js';

const tmp = mkdtempSync(join(tmpdir(), 'frs-cli-pipeline-'));
const images = join(tmp, 'photos');
const env = {
  FRS_DATABASE: join(tmp, 'frs.db'),
  FRS_THUMBNAILS_DIR: join(tmp, 'thumbnails'),
  FRS_INTRA_OP_THREADS: '1',
  FRS_MAX_ATTEMPTS: '1', // the broken photo fails for good at once, so retry-failed has work
};

async function frs(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env,
    interactive: false,
  });
  return { code, stdout, stderr };
}

beforeAll(async () => {
  mkdirSync(images);
  copyFileSync(demoImage(1), join(images, 'group.jpg'));
  // the same three people again, smaller: every one of them appears twice
  await sharp(demoImage(1)).resize({ width: 1152 }).jpeg({ quality: 85 }).toFile(join(images, 'group-small.jpg'));
  copyFileSync(demoImage(2), join(images, 'portrait.jpg'));
  writeFileSync(join(images, 'broken.jpg'), 'not a photo');
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('database commands', () => {
  it('a dry run registers nothing and creates no thumbnails', async () => {
    const { code } = await frs('all', '--images', images, '--dry-run');
    expect(code).toBe(EXIT.OK);
    expect(existsSync(env.FRS_THUMBNAILS_DIR)).toBe(false);
  });

  it('all --images processes the photos and exits 1 because one failed', async () => {
    const { code, stdout, stderr } = await frs('all', '--images', images);
    expect(code).toBe(EXIT.FAILED);
    expect(stdout).toMatch(/3 photo\(s\) processed, \d+ face\(s\) found, 1 failed/);
    expect(stderr).toContain('broken.jpg');
  });

  it('persons --json prints one JSON document of the persons', async () => {
    const { code, stdout } = await frs('persons', '--json');
    expect(code).toBe(EXIT.OK);
    const persons = JSON.parse(stdout) as Array<{
      id: number;
      faceCount: number;
      portraitFaceId: number;
      portraitUrl: string;
    }>;
    expect(Array.isArray(persons)).toBe(true);
    for (const p of persons) {
      expect(p.faceCount).toBeGreaterThan(0);
      expect(p.portraitUrl).toBe(`/api/faces/${p.portraitFaceId}/thumbnail`);
    }
  });

  it('recluster --json lists persons with their photos, whole-pixel boxes, thumbnails and the faces in no person', async () => {
    const { code, stdout } = await frs('recluster', '--json');
    expect(code).toBe(EXIT.OK);
    const listing = JSON.parse(stdout) as {
      persons: Array<{ id: number; faces: Array<{ file: string; box: number[]; thumbnail: string }> }>;
      unassignedFaces: number;
      thumbnails: string;
    };
    expect(listing.thumbnails).toBe(env.FRS_THUMBNAILS_DIR);
    const faces = listing.persons.flatMap((p) => p.faces);
    expect(listing.persons.length).toBeGreaterThanOrEqual(3); // group.jpg's three people, seen twice
    expect(faces.length + listing.unassignedFaces).toBeGreaterThanOrEqual(7); // 3 + 3 + portrait.jpg's 1+
    for (const f of faces) {
      expect(['group.jpg', 'group-small.jpg', 'portrait.jpg'].map((n) => join(images, n))).toContain(f.file);
      for (const v of f.box) expect(Number.isInteger(v)).toBe(true);
      expect(existsSync(join(listing.thumbnails, f.thumbnail))).toBe(true);
    }
  });

  it('recluster prints the counts, where the thumbnails are, and each face with its photo', async () => {
    const { code, stdout } = await frs('recluster');
    expect(code).toBe(EXIT.OK);
    expect(stdout).toMatch(
      new RegExp(`^\\d+ person\\(s\\), \\d+ face\\(s\\) in no person; thumbnails in ${env.FRS_THUMBNAILS_DIR}\n`),
    );
    const faceLines = stdout.split('\n').filter((l) => l.trim().startsWith('face '));
    expect(faceLines.length).toBeGreaterThanOrEqual(6);
    for (const line of faceLines)
      expect(line).toMatch(
        /^ {6}face \d+ {2}\S+\.jpg {2}box \d+,\d+,\d+,\d+ {2}thumbnail [0-9a-f]{16}\/faces\/\d+\/[0-9a-f]{12}-\d+\.jpg/,
      );
  });

  it('the seed flag form reruns without changing anything (the broken photo waits for its lease)', async () => {
    const { code, stdout } = await frs('--all', '--images', images);
    expect(code).toBe(EXIT.OK);
    expect(stdout).toMatch(/0 photo\(s\) processed, 0 face\(s\) found, 0 failed; no new faces to group/);
  });

  it('recluster and db run on the existing database', async () => {
    expect((await frs('recluster')).code).toBe(EXIT.OK);
    expect((await frs('--db')).code).toBe(EXIT.OK);
    expect((await frs('watch', '--once')).code).toBe(EXIT.OK);
  });

  it('retry-failed puts the failed photo back, and the next run tries it again', async () => {
    const { code, stdout } = await frs('retry-failed', '--json');
    expect(code).toBe(EXIT.OK);
    expect(JSON.parse(stdout)).toEqual({ retried: 1, dryRun: false });
    expect((await frs('retry-failed')).stdout).toBe('0 failed item(s) put back to pending\n');
    const again = await frs('all');
    expect(again.code).toBe(EXIT.FAILED);
    expect(again.stdout).toMatch(/0 photo\(s\) processed, 0 face\(s\) found, 1 failed \(1 failed detection\(s\)\)/);
  });
});
