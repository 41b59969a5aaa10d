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
import { LARGEST_PERSONS, type PersonsSummary } from '../../src/cli/pipeline-output.js';
import { runFrs } from '../helpers/cli.js';
import { demoImage } from '../helpers/fixtures.js';

const tmp = mkdtempSync(join(tmpdir(), 'frs-cli-pipeline-'));
const images = join(tmp, 'photos');
const env = {
  FRS_DATABASE: join(tmp, 'frs.db'),
  FRS_THUMBNAILS_DIR: join(tmp, 'thumbnails'),
  FRS_INTRA_OP_THREADS: '1',
  FRS_MAX_ATTEMPTS: '1', // the broken photo fails for good at once, so retry-failed has work
};

const frs = (...argv: string[]) => runFrs(argv, env);

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

  it('persons --json prints one page of persons with the total, as the HTTP API does', async () => {
    const { code, stdout } = await frs('persons', '--json');
    expect(code).toBe(EXIT.OK);
    const list = JSON.parse(stdout) as {
      items: Array<{ id: number; faceCount: number; portraitFaceId: number; portraitUrl: string }>;
      page: number;
      pageSize: number;
      total: number;
    };
    expect(list).toMatchObject({ page: 1, pageSize: 50 });
    expect(list.items.length).toBe(list.total);
    for (const p of list.items) {
      expect(p.faceCount).toBeGreaterThan(0);
      expect(p.portraitUrl).toBe(`/api/faces/${p.portraitFaceId}/thumbnail`);
    }
    // Page by page: the second page of one person each is the second largest.
    const second = JSON.parse(
      (await frs('persons', '--json', '--page', '2', '--page-size', '1')).stdout,
    ) as typeof list;
    expect(second).toMatchObject({ page: 2, pageSize: 1, total: list.total });
    expect(second.items.map((p) => p.id)).toEqual([list.items[1].id]);
    const human = await frs('persons', '--page-size', '1');
    expect(human.stdout).toMatch(
      new RegExp(`^persons 1-1 of ${list.total} \\(page 1 of ${list.total}\\)\nperson ${list.items[0].id} `),
    );
    expect(human.stdout).toContain('next: frs persons --page 2 --page-size 1');
    expect((await frs('persons', '--page', '0')).code).toBe(EXIT.USAGE);
    expect((await frs('persons', '--page-size', '501')).code).toBe(EXIT.USAGE);
  });

  it('recluster --json ends with the counts and the largest persons, not every face', async () => {
    const { code, stdout } = await frs('recluster', '--json');
    expect(code).toBe(EXIT.OK);
    const summary = JSON.parse(stdout) as PersonsSummary;
    expect(summary.thumbnails).toBe(env.FRS_THUMBNAILS_DIR);
    expect(summary.persons).toBeGreaterThanOrEqual(3); // group.jpg's three people, seen twice
    expect(summary.facesInPersons + summary.unassignedFaces).toBeGreaterThanOrEqual(7); // 3 + 3 + portrait.jpg's 1+
    expect(summary.largest).toHaveLength(Math.min(summary.persons, LARGEST_PERSONS));
    const counts = summary.largest.map((p) => p.faceCount);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(summary.facesInPersons); // all persons listed here
    for (const p of summary.largest) expect(existsSync(join(summary.thumbnails, p.portrait!))).toBe(true);
  });

  it('recluster prints the counts, where the thumbnails are, and the largest persons', async () => {
    const { code, stdout } = await frs('recluster');
    expect(code).toBe(EXIT.OK);
    expect(stdout).toMatch(
      new RegExp(
        `^\\d+ person\\(s\\), \\d+ face\\(s\\) in a person, \\d+ face\\(s\\) in no person; thumbnails in ${env.FRS_THUMBNAILS_DIR}\npersons:\n`,
      ),
    );
    const personLines = stdout.split('\n').filter((l) => l.startsWith('  person '));
    expect(personLines.length).toBeGreaterThanOrEqual(3);
    for (const line of personLines) expect(line).toMatch(/^ {2}person \d+ {2}\d+ face\(s\) {2}portrait \S+\.jpg$/);
    expect(stdout).not.toMatch(/^\s+face \d+/m);
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
