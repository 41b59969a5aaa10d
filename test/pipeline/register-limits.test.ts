/** Registration refuses a path longer than the replaced system's MediaFile.FilePath (500), and goes on with the rest. */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { openRepository } from '../../src/data/open-repository.js';
import type { Logger } from '../../src/pipeline/context.js';
import { registerFolder } from '../../src/pipeline/register-stage.js';
import { demoImage } from '../helpers/fixtures.js';

const root = mkdtempSync(join(tmpdir(), 'frs-register-limits-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

it('skips a file whose path does not fit MediaFile.FilePath, naming the column, and registers the others', async () => {
  const photos = join(root, 'photos');
  const deep = join(photos, ...Array.from({ length: 3 }, (_, i) => `${i}`.padEnd(200, 'x')));
  mkdirSync(deep, { recursive: true });
  copyFileSync(demoImage(1), join(photos, 'short.jpg'));
  copyFileSync(demoImage(2), join(deep, 'long.jpg'));
  const warnings: string[] = [];
  const log: Logger = { info: () => {}, warn: (m) => warnings.push(m), error: () => {} };
  const repo = await openRepository(join(root, 'frs.db'));
  try {
    expect(await registerFolder(repo, photos, log)).toMatchObject({ found: 2, registered: 1, failed: 1 });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/long\.jpg skipped: MediaFile\.FilePath holds at most 500 characters/);
    expect((await repo.stats()).mediaFiles).toBe(1);
  } finally {
    await repo.close();
  }
});
