/** The demo album and the summary `npm start` ends with. */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { formatDemoSummary } from '../../src/cli/demo-summary.js';
import type { FaceRecord } from '../../src/data/aggregates/faces.js';
import type { PersonDetail } from '../../src/data/aggregates/persons.js';
import { demoSourcePhotos, writeDemoAlbum } from '../../src/demo/demo-album.js';
import type { RunSummary } from '../../src/pipeline/pipeline-service.js';

const tmp = mkdtempSync(join(tmpdir(), 'frs-demo-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('the demo album', () => {
  it("holds face-api's six photos (no screenshot) and two shots made from each, written once", async () => {
    expect(demoSourcePhotos().map((p) => p.split('/').pop())).toEqual([1, 2, 3, 4, 5, 6].map((n) => `sample${n}.jpg`));
    const dir = join(tmp, 'album');
    const sources = demoSourcePhotos().slice(0, 2);
    const files = await writeDemoAlbum(dir, sources);
    expect(readdirSync(dir).sort()).toEqual([
      'sample1-left.jpg',
      'sample1-right.jpg',
      'sample1.jpg',
      'sample2-left.jpg',
      'sample2-right.jpg',
      'sample2.jpg',
    ]);
    for (const file of files.filter((f) => /-(left|right)/.test(f)))
      expect(await sharp(file).metadata()).toMatchObject({ format: 'jpeg', width: 1280 });
    const written = files.map((f) => statSync(f).mtimeMs);
    await writeDemoAlbum(dir, sources);
    expect(files.map((f) => statSync(f).mtimeMs)).toEqual(written);
  });
});

describe('formatDemoSummary', () => {
  const face = (id: number, mediaItemId: number) => ({ id, mediaItemId }) as FaceRecord;
  const person = (id: number, faces: FaceRecord[], name: string | null = null) =>
    ({ id, name, faces, faceCount: faces.length }) as PersonDetail;

  it('names each person with the file names of its photos, counts faces in no person, says where to look', () => {
    const lines = formatDemoSummary({
      photosDir: '/home/me/frs/.frs/demo-photos',
      photos: 3,
      files: new Map([
        [1, '/home/me/frs/.frs/demo-photos/sample1.jpg'],
        [2, '/home/me/frs/.frs/demo-photos/sample1-left.jpg'],
      ]),
      persons: [person(4, [face(1, 1), face(2, 2)], 'Ada'), person(5, [face(3, 1), face(4, 9)])],
      unassignedFaces: 2,
      thumbnailsDir: '/home/me/frs/.frs/thumbnails',
      run: {} as RunSummary,
    });
    const text = lines.join('\n');
    expect(text).toContain('FRS looked at 3 photos and grouped 4 faces into 2 persons:');
    expect(text).toContain('  person 4 (Ada)  2 photos  sample1-left.jpg, sample1.jpg');
    expect(text).toContain('  person 5        2 photos  item 9, sample1.jpg');
    expect(text).toContain('2 faces are in no person');
    expect(text).toContain('Face thumbnails: /home/me/frs/.frs/thumbnails');
    expect(text).toContain('npm run frs -- persons');
    expect(text).toContain('npm run frs -- person show 4');
    expect(text).toContain('npm run frs -- serve');
    expect(text).not.toMatch(/changed person/);
  });
});
