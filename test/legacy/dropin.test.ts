/**
 * Drop-in on the replaced system's database: a SQLite database made exactly as its script
 * leaves it (with and without the three columns its code adds by hand, `Extensions` or
 * `Extension`), filled with rows like its code writes (absolute Windows paths, items extracted
 * and not, faces without thumbnails, 512-d embeddings, `Unknown-<n>` persons), then FRS's own
 * command line over it with FRS_PATH_MAP pointing at real photos.
 */
import { cpSync, existsSync, lstatSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFrs } from '../helpers/cli.js';
import { LEGACY_IMAGES, type LegacyVariant } from '../data/legacy-schema.js';
import { type LegacyDb, mssqlLegacyDb, sqliteLegacyDb } from './legacy-db.js';
import { pipelineEnv, type PipelineEnv } from '../helpers/pipeline-env.js';

const demoDir = join(dirname(createRequire(import.meta.url).resolve('@vladmandic/face-api/package.json')), 'demo');

/** sample1.jpg's three faces, as boxes [x1, y1, x2, y2] the replaced system stored them. */
const SAMPLE1_BOXES = [
  [1478, 218, 1675, 436],
  [411, 341, 592, 593],
  [833, 407, 1023, 652],
];
const legacyEmbedding = (seed: number) =>
  Buffer.from(Float32Array.from({ length: 512 }, (_, i) => Math.sin(seed * 7 + i) / 20).buffer);

/** The rows its code writes, through its own columns only. */
async function fillLikeTheReplacedSystem(db: LegacyDb, variant: LegacyVariant): Promise<void> {
  const ext = variant.extensionColumn;
  const file = (...values: unknown[]) =>
    db.run(
      `INSERT INTO MediaFile (FilePath, FileName, ${ext}, CreatedAt, ModifiedAt) VALUES (?, ?, ?, ?, ?)`,
      ...values,
    );
  await file(
    `${LEGACY_IMAGES}/sample1.jpg`,
    'sample1.jpg',
    '.jpg',
    '2024-03-01 10:00:00.1234567',
    '2024-03-01 10:00:00',
  );
  // Registered from another tool: backslashes and other letter case.
  await file(
    `${LEGACY_IMAGES.toLowerCase().replace(/\//g, '\\')}\\sample2.jpg`,
    'sample2.jpg',
    '.jpg',
    '2024-03-01 10:00:01',
    null,
  );
  await file(`${LEGACY_IMAGES}/sample3.jpg`, 'sample3.jpg', '.jpg', '2024-03-01 10:00:02', null);
  await file(`${LEGACY_IMAGES}/sample4.jpg`, 'sample4.jpg', '.jpg', '2024-03-01 10:00:03', null);
  // The same photo again in a sub-folder: its faces match sample1's, so FRS has persons to form.
  await file(`${LEGACY_IMAGES}/copies/sample1.jpg`, 'sample1.jpg', '.jpg', '2024-03-01 10:00:04', null);
  const item = (...values: unknown[]) =>
    db.run(
      'INSERT INTO MediaItems (MediaFileId, Name, IsFacesExtracted, FacesExtractedOn) VALUES (?, ?, ?, ?)',
      ...values,
    );
  await item(1, 'sample1.jpg', 1, '2024-03-01 10:05:00');
  await item(2, 'sample2.jpg', 0, null);
  // Marked extracted, but no face was stored (its reprocess_media_missing_faces case).
  await item(3, 'sample3.jpg', 1, '2024-03-01 10:06:00');
  await item(4, 'sample4.jpg', 0, null);
  await item(5, 'sample1.jpg', 0, null);
  const person = (...values: unknown[]) =>
    db.run('INSERT INTO Persons (PortraitMediaFileId, Name, Rank, Appointment) VALUES (?, ?, ?, ?)', ...values);
  await person(1, 'Unknown-1', null, null);
  await person(1, 'Hamid Mir', 'Maj', 'Anchor');
  await person(null, 'Unknown-3', null, null);
  if (variant.addedColumns) await db.run(`UPDATE Persons SET Type = 'auto', PortraitFaceId = 2 WHERE Id = 1`);
  for (const [n, box] of SAMPLE1_BOXES.entries())
    await db.run(
      'INSERT INTO Faces (MediaItemId, PersonId, BoundingBox, Embedding, Name, CreatedAt, ModifiedAt) VALUES (1, ?, ?, ?, ?, ?, ?)',
      n === 0 ? 2 : 1,
      `[${box.join(', ')}]`,
      legacyEmbedding(n),
      `sample1_TN${n}`,
      '2024-03-01 10:05:00',
      null,
    );
  if (variant.addedColumns) await db.run('UPDATE Faces SET IsUserVerified = 1 WHERE Id = 1');
}

const VARIANTS: Array<[string, LegacyVariant]> = [
  ['its script as written', { addedColumns: false, extensionColumn: 'Extensions' }],
  ['with the three added columns and Extension', { addedColumns: true, extensionColumn: 'Extension' }],
];
const mssqlConnection = process.env.FRS_TEST_MSSQL;
/** SQLite always (the script translated); SQL Server when FRS_TEST_MSSQL is set (the T-SQL script itself). */
const DIALECTS = ['SQLite', ...(mssqlConnection ? ['SQL Server'] : [])];
const CASES = DIALECTS.flatMap((d) => VARIANTS.map(([name, variant]) => [`${d}, ${name}`, d, variant] as const));

describe.each(CASES)('a database made by the replaced system (%s)', (_, dialect, variant) => {
  let env: PipelineEnv;
  let cliEnv: Record<string, string>;
  let photos: string;
  let raw: LegacyDb;
  let mediaFileBefore: unknown[];
  const q = <T>(text: string, ...params: unknown[]) => raw.all<T>(text, ...params);

  /** `frs <argv>` through the real command line; returns its stdout lines (exit code 0 expected). */
  async function frs(...argv: string[]): Promise<string[]> {
    const { code, stdout, stderr } = await runFrs(argv, cliEnv);
    expect(code, `frs ${argv.join(' ')}: ${stderr}`).toBe(0);
    return stdout.split('\n').filter((l) => l !== '');
  }

  beforeAll(async () => {
    env = pipelineEnv();
    photos = join(env.dir, 'photos');
    cpSync(demoDir, photos, { recursive: true });
    cpSync(join(demoDir, 'sample1.jpg'), join(photos, 'copies', 'sample1.jpg'));
    const database = dialect === 'SQLite' ? env.settings.FRS_DATABASE : mssqlConnection!;
    raw = dialect === 'SQLite' ? sqliteLegacyDb(database, variant) : await mssqlLegacyDb(database, variant);
    await fillLikeTheReplacedSystem(raw, variant);
    mediaFileBefore = await q('SELECT * FROM MediaFile ORDER BY Id');
    cliEnv = {
      FRS_DATABASE: database,
      FRS_THUMBNAILS_DIR: env.settings.FRS_THUMBNAILS_DIR,
      FRS_MEDIA_DIR: env.imagesDir,
      FRS_INTRA_OP_THREADS: '1',
      FRS_BATCH_SIZE: '4',
      FRS_PATH_MAP: `${LEGACY_IMAGES}=>${photos}`,
    };
  });
  afterAll(async () => {
    await raw?.close();
    await env.cleanup();
  });

  it('frs all finds every item through FRS_PATH_MAP, processes the pending ones and keeps the rest', async () => {
    const out = await frs('all');
    expect(out.join('\n')).toMatch(/3 photo\(s\) processed, 10 face\(s\) found, 0 failed/);
    const items = await q<{ Id: number; Status: string; IsFacesExtracted: number; Faces: number }>(
      `SELECT i.Id, i.Status, CAST(i.IsFacesExtracted AS INT) AS IsFacesExtracted, (SELECT COUNT(*) FROM Faces f WHERE f.MediaItemId = i.Id) AS Faces
       FROM MediaItems i ORDER BY i.Id`,
    );
    expect(items).toEqual([
      { Id: 1, Status: 'done', IsFacesExtracted: 1, Faces: 3 },
      { Id: 2, Status: 'done', IsFacesExtracted: 1, Faces: 3 },
      { Id: 3, Status: 'done', IsFacesExtracted: 1, Faces: 0 },
      { Id: 4, Status: 'done', IsFacesExtracted: 1, Faces: 4 },
      { Id: 5, Status: 'done', IsFacesExtracted: 1, Faces: 3 },
    ]);
    // Nothing of MediaFile changed: paths, names, extensions, local CreatedAt.
    // Every column the replaced system's rows had keeps its value (FRS's added columns aside).
    const legacyColumns = Object.keys(mediaFileBefore[0] as object);
    const after = await q<Record<string, unknown>>('SELECT * FROM MediaFile ORDER BY Id');
    expect(after.map((r) => Object.fromEntries(legacyColumns.map((c) => [c, r[c]])))).toEqual(mediaFileBefore);
    expect(
      await q<{ E: string; Es: string }>('SELECT Extension AS E, Extensions AS Es FROM MediaFile ORDER BY Id'),
    ).toEqual(Array(5).fill({ E: '.jpg', Es: '.jpg' }));
  });

  it("keeps the replaced system's faces: same rows and names, a thumbnail made from each box, old embeddings kept", async () => {
    const legacy = await q<{
      Id: number;
      BoundingBox: string;
      Name: string;
      ThumbnailPath: string;
      EmbeddingModel: string;
    }>('SELECT Id, BoundingBox, Name, ThumbnailPath, EmbeddingModel FROM Faces WHERE MediaItemId = 1 ORDER BY Id');
    expect(legacy.map((f) => [f.Id, f.BoundingBox, f.Name])).toEqual(
      SAMPLE1_BOXES.map((b, n) => [n + 1, `[${b.join(', ')}]`, `sample1_TN${n}`]),
    );
    const frsModel = await q<{ EmbeddingModel: string }>(
      'SELECT DISTINCT EmbeddingModel FROM Faces WHERE MediaItemId = 2',
    );
    expect(frsModel).toHaveLength(1);
    for (const f of legacy) {
      expect(f.ThumbnailPath).toBe(`faces/1/face-${f.Id}.jpg`);
      expect(existsSync(join(env.settings.FRS_THUMBNAILS_DIR, f.ThumbnailPath))).toBe(true);
      expect(f.EmbeddingModel).toBe(frsModel[0].EmbeddingModel);
    }
    await expectOldEmbeddingsKept();
    // On demand: none is missing any more; without --missing every face's thumbnail is made again, in place.
    expect(await frs('thumbnails', '--missing')).toEqual(['thumbnails: 0 face(s) got a thumbnail, 0 skipped']);
    expect(await frs('thumbnails')).toEqual(['thumbnails: 13 face(s) got a thumbnail, 0 skipped']);
    const again = await q<{ Id: number; ThumbnailPath: string }>(
      'SELECT Id, ThumbnailPath FROM Faces WHERE MediaItemId = 1',
    );
    expect(again.map((f) => f.ThumbnailPath)).toEqual(again.map((f) => `faces/1/face-${f.Id}.jpg`));
    // On demand: none is missing any more; without --missing every face's thumbnail is made again, in place.
    expect(await frs('thumbnails', '--missing')).toEqual(['thumbnails: 0 face(s) got a thumbnail, 0 skipped']);
    expect(await frs('thumbnails')).toEqual(['thumbnails: 13 face(s) got a thumbnail, 0 skipped']);
    expect(
      await q('SELECT Id FROM Faces WHERE MediaItemId = 1 AND ThumbnailPath <> ' + "'faces/1/face-' || Id || '.jpg'"),
    ).toEqual([]);
  });

  it('names new persons Unknown-<id> as generated, and keeps the named person with its rank', async () => {
    const persons = await q<{
      Id: number;
      Name: string;
      Rank: string;
      Appointment: string;
      GeneratedName: string | null;
    }>('SELECT Id, Name, Rank, Appointment, GeneratedName FROM Persons ORDER BY Id');
    expect(persons.find((p) => p.Id === 2)).toMatchObject({
      Name: 'Hamid Mir',
      Rank: 'Maj',
      Appointment: 'Anchor',
      GeneratedName: null,
    });
    for (const p of persons.filter((p) => p.Id !== 2)) {
      expect(p.Name).toBe(`Unknown-${p.Id}`);
      expect(p.GeneratedName).toBe(p.Name);
    }
    expect(persons.some((p) => p.Id > 3)).toBe(true);
    const listing = (await frs('persons')).join('\n');
    expect(listing).toMatch(/person 2 +Hamid Mir \(Maj, Anchor\)/);
    const json = (
      JSON.parse((await frs('persons', '--json')).join('')) as {
        items: Array<{ id: number; name: string; nameIsGenerated: boolean }>;
      }
    ).items;
    expect(json.find((p) => p.id === 2)).toMatchObject({ name: 'Hamid Mir', nameIsGenerated: false });
    for (const p of json.filter((p) => p.id !== 2))
      expect(p).toMatchObject({ name: `Unknown-${p.id}`, nameIsGenerated: true });
  });

  it('recluster keeps every value and the old embeddings', async () => {
    await frs('recluster');
    expect(await q('SELECT Name, Rank, Appointment FROM Persons WHERE Id = 2')).toEqual([
      { Name: 'Hamid Mir', Rank: 'Maj', Appointment: 'Anchor' },
    ]);
    if (variant.addedColumns) expect(await q('SELECT PersonId FROM Faces WHERE Id = 1')).toEqual([{ PersonId: 2 }]);
    expect((await q<{ N: number }>('SELECT COUNT(*) AS N FROM Faces'))[0].N).toBe(13);
    // The copy's faces are with sample1's: every face of sample1 has a person.
    expect(await q('SELECT PersonId FROM Faces WHERE MediaItemId = 1 AND PersonId IS NULL')).toEqual([]);
    await expectOldEmbeddingsKept();
    expect((await frs('old-embeddings')).join('\n')).toMatch(/replaced-system: 3 face\(s\), 512-d/);
    // Its flags: --recognize --recluster regroups and lists; --recluster alone is the loop (one cycle here).
    expect((await frs('--recognize', '--recluster')).join('\n')).toMatch(/person 2\b.*Hamid Mir/);
    expect((await frs('--recluster', '--once')).join('\n')).toMatch(
      /^summary: 0 photo\(s\) processed.* \d+ face\(s\) grouped/,
    );
    await expectOldEmbeddingsKept();
  });

  it('honours its habits: IsFacesExtracted = 0 queues an item again; reprocess --no-faces re-detects empty ones', async () => {
    // Another application's habit: set the flag back to have the item run again.
    await raw.run('UPDATE MediaItems SET IsFacesExtracted = 0 WHERE Id = 4');
    expect(await frs('db')).toEqual([]);
    expect(
      await q('SELECT Status, CAST(IsFacesExtracted AS INT) AS IsFacesExtracted FROM MediaItems WHERE Id = 4'),
    ).toEqual([{ Status: 'done', IsFacesExtracted: 1 }]);
    expect((await q<{ N: number }>('SELECT COUNT(*) AS N FROM Faces WHERE MediaItemId = 4'))[0].N).toBe(4);

    expect((await frs('reprocess', '--no-faces')).join('\n')).toMatch(/1 item\(s\) queued again \(3\)/);
    expect((await q<{ N: number }>('SELECT COUNT(*) AS N FROM Faces WHERE MediaItemId = 3'))[0].N).toBe(3);
    // A path as the replaced system registered it.
    expect((await frs('reprocess', `${LEGACY_IMAGES}/sample4.jpg`)).join('\n')).toMatch(/queued again \(4\)/);
    await expectOldEmbeddingsKept();
  });

  it('exports by person: a folder per person, Person_<id> for unnamed ones; a rerun removes what went stale', async () => {
    const out = join(env.dir, 'ByPerson');
    await frs('export', '--by-person', out);
    const folders = readdirSync(out).filter((f) => !f.startsWith('.'));
    expect(folders).toContain('Hamid Mir');
    expect(folders.every((f) => f === 'Hamid Mir' || /^Person_\d+$/.test(f))).toBe(true);
    const assigned = (await q<{ N: number }>('SELECT COUNT(*) AS N FROM Faces WHERE PersonId IS NOT NULL'))[0].N;
    const thumbnails = folders.flatMap((f) => readdirSync(join(out, f)));
    expect(thumbnails).toHaveLength(assigned);
    expect(thumbnails.every((n) => /^face_\d+\.jpg$/.test(n))).toBe(true);
    writeFileSync(join(out, 'Hamid Mir', 'notes.txt'), 'mine');

    // Rerun as links to the photos: the thumbnails it wrote go, the user's file stays.
    const summary = (await frs('export', '--by-person', out, '--photos')).join('\n');
    expect(summary).toMatch(new RegExp(`${assigned} stale file\\(s\\) removed`));
    const files = folders.flatMap((f) => readdirSync(join(out, f)).map((n) => join(out, f, n)));
    const links = files.filter((f) => !f.endsWith('notes.txt'));
    expect(files).toContain(join(out, 'Hamid Mir', 'notes.txt'));
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) {
      expect(lstatSync(link).isSymbolicLink()).toBe(true);
      expect(readlinkSync(link).startsWith(photos)).toBe(true);
      expect(existsSync(link)).toBe(true);
    }
  });

  async function expectOldEmbeddingsKept(): Promise<void> {
    const old = await q<{ FaceId: number; Model: string; Dimensions: number; Embedding: Buffer; BoundingBox: string }>(
      'SELECT FaceId, Model, Dimensions, Embedding, BoundingBox FROM FrsOldEmbeddings ORDER BY FaceId',
    );
    expect(old.map((o) => [o.FaceId, o.Model, o.Dimensions, o.BoundingBox])).toEqual(
      SAMPLE1_BOXES.map((b, n) => [n + 1, 'replaced-system', 512, `[${b.join(', ')}]`]),
    );
    old.forEach((o, n) => expect(o.Embedding.equals(legacyEmbedding(n))).toBe(true));
  }
});
