/**
 * The database commands on a real (temporary) installation: `all --images` registers, detects
 * and groups with exit 1 when a photo fails; `persons` reads what it left; rerunning changes
 * nothing; `--dry-run` writes nothing.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/command.js';
import { runCli } from '../../src/cli/run-cli.js';
import { demoImage } from '../helpers/fixtures.js';

const tmp = mkdtempSync(join(tmpdir(), 'frs-cli-pipeline-'));
const images = join(tmp, 'photos');
const env = {
  FRS_DATABASE: join(tmp, 'frs.db'),
  FRS_THUMBNAILS_DIR: join(tmp, 'thumbnails'),
  FRS_INTRA_OP_THREADS: '1',
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

beforeAll(() => {
  mkdirSync(images);
  copyFileSync(demoImage(1), join(images, 'group.jpg'));
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
    expect(stdout).toMatch(/2 item\(s\) processed, \d+ face\(s\) found, 1 failed/);
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

  it('the seed flag form reruns without changing anything (the broken photo waits for its lease)', async () => {
    const { code, stdout } = await frs('--all', '--images', images);
    expect(code).toBe(EXIT.OK);
    expect(stdout).toMatch(/0 item\(s\) processed, 0 face\(s\) found, 0 failed; no new faces to group/);
  });

  it('recluster and db run on the existing database', async () => {
    expect((await frs('recluster')).code).toBe(EXIT.OK);
    expect((await frs('--db')).code).toBe(EXIT.OK);
    expect((await frs('watch', '--once')).code).toBe(EXIT.OK);
  });
});
