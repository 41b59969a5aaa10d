/**
 * The contract on SQL Server / Azure SQL. Needs FRS_TEST_MSSQL: a connection string of a
 * disposable database (every test drops and recreates the FRS tables in it).
 */
import sql from 'mssql';
import { beforeEach, describe, expect, it } from 'vitest';
import { mssqlConfig } from '../../src/data/mssql/mssql-config.js';
import { openRepository } from '../../src/data/open-repository.js';
import { legacyEmbedding } from './legacy-schema.js';
import { RESET_MSSQL_SQL } from '../legacy/legacy-db.js';
import { runRepositoryContract } from './repository.contract.js';

const connectionString = process.env.FRS_TEST_MSSQL;

async function onServer<T>(work: (pool: sql.ConnectionPool) => Promise<T>): Promise<T> {
  const pool = await new sql.ConnectionPool(mssqlConfig(connectionString!)).connect();
  try {
    return await work(pool);
  } finally {
    await pool.close();
  }
}

if (!connectionString) {
  console.warn(
    'SQL Server contract skipped: FRS_TEST_MSSQL is not set (a connection string of a disposable database).',
  );
  describe('SQL Server repository', () => {
    it.skip('skipped: set FRS_TEST_MSSQL to the connection string of a disposable SQL Server / Azure SQL database to run it', () => {});
  });
} else {
  beforeEach(() => onServer((pool) => pool.request().batch(RESET_MSSQL_SQL)));

  runRepositoryContract('SQL Server', () => openRepository(connectionString));

  describe("the replaced system's stored procedures", () => {
    it('UpsertPerson inserts, then overwrites only the fields given', async () => {
      const repo = await openRepository(connectionString);
      try {
        const id = await onServer(async (pool) => {
          const inserted = await pool
            .request()
            .input('Name', sql.NVarChar(255), 'Ada')
            .input('Rank', sql.NVarChar(50), 'Capt')
            .execute<{ PersonId: number }>('dbo.UpsertPerson');
          const personId = inserted.recordset[0].PersonId;
          await pool
            .request()
            .input('PersonId', sql.Int, personId)
            .input('Name', sql.NVarChar(255), null)
            .input('Appointment', sql.NVarChar(100), 'Pilot')
            .execute('dbo.UpsertPerson');
          return personId;
        });
        expect(await repo.getPerson(id)).toMatchObject({ name: 'Ada', rank: 'Capt', appointment: 'Pilot' });
      } finally {
        await repo.close();
      }
    });

    it("UpsertFace inserts and updates faces; a face given a person is the user's decision", async () => {
      const repo = await openRepository(connectionString);
      try {
        const { mediaItemId } = await repo.registerMediaFile({
          filePath: '/p/a.jpg',
          fileName: 'a.jpg',
          extension: '.jpg',
        });
        const [p] = await repo.createPersons([{ name: 'Ada' }]);
        const faceId = await onServer(async (pool) => {
          const inserted = await pool
            .request()
            .input('MediaItemId', sql.Int, mediaItemId)
            .input('BoundingBox', sql.NVarChar(255), '[1,2,30,40]')
            .input('Name', sql.NVarChar(255), 'a_TN0.jpg')
            .execute<{ FaceId: number }>('dbo.UpsertFace');
          const id = inserted.recordset[0].FaceId;
          await pool.request().input('FaceId', sql.Int, id).input('PersonId', sql.Int, p).execute('dbo.UpsertFace');
          return id;
        });
        expect((await repo.getFaces([faceId]))[0]).toMatchObject({
          personId: p,
          isUserVerified: true,
          boundingBox: [1, 2, 30, 40],
          thumbnailName: 'a_TN0.jpg',
        });
      } finally {
        await repo.close();
      }
    });
  });

  describe('legacy SQL Server database migrated in place', () => {
    it('keeps legacy rows, maps extracted items to done, and opens twice without change', async () => {
      await onServer(async (pool) => {
        await pool.request().batch(`
          CREATE TABLE MediaFile (Id INT IDENTITY PRIMARY KEY, FilePath NVARCHAR(MAX) NOT NULL, FileName NVARCHAR(255), Extensions NVARCHAR(20), CreatedAt DATETIME, ModifiedAt DATETIME);
          CREATE TABLE MediaItems (Id INT IDENTITY PRIMARY KEY, MediaFileId INT, Name NVARCHAR(255), IsFacesExtracted BIT, FacesExtractedOn DATETIME);
          CREATE TABLE Persons (Id INT IDENTITY PRIMARY KEY, PortraitMediaFileId INT, PortraitFaceId INT, Name NVARCHAR(255), Rank NVARCHAR(50),
            Appointment NVARCHAR(255), Type NVARCHAR(50), CreatedAt DATETIME, ModifiedAt DATETIME);
          CREATE TABLE Faces (Id INT IDENTITY PRIMARY KEY, MediaItemId INT, PersonId INT, BoundingBox NVARCHAR(MAX), Embedding VARBINARY(MAX),
            FrameNumber INT, Name NVARCHAR(255), IsUserVerified BIT, CreatedAt DATETIME, ModifiedAt DATETIME);
          INSERT INTO MediaFile (FilePath, FileName, Extensions) VALUES (N'/legacy/a.jpg', N'a.jpg', N'.jpg'), (N'/legacy/b.jpg', N'b.jpg', N'.jpg');
          INSERT INTO MediaItems (MediaFileId, Name, IsFacesExtracted) VALUES (1, N'a.jpg', 1), (2, N'b.jpg', 0);
          INSERT INTO Persons (PortraitMediaFileId, PortraitFaceId, Name) VALUES (1, 1, N'Legacy Lee');`);
        await pool
          .request()
          .input('e', sql.VarBinary(sql.MAX), Buffer.from(legacyEmbedding.buffer))
          .query(
            `INSERT INTO Faces (MediaItemId, PersonId, BoundingBox, Embedding, Name, IsUserVerified) VALUES (1, 1, N'[10, 20, 110, 140]', @e, N'a_0.jpg', 1)`,
          );
      });
      for (let open = 0; open < 2; open++) {
        const repo = await openRepository(connectionString);
        expect(await repo.stats()).toMatchObject({
          mediaFiles: 2,
          faces: 1,
          persons: 1,
          items: { pending: 1, done: 1 },
        });
        expect((await repo.getPerson(1))?.faces[0]).toMatchObject({
          boundingBox: [10, 20, 110, 140],
          isUserVerified: true,
          thumbnailName: 'a_0.jpg',
        });
        expect(
          await repo.registerMediaFile({ filePath: '/legacy/b.jpg', fileName: 'b.jpg', extension: '.jpg' }),
        ).toEqual({ mediaFileId: 2, mediaItemId: 2, created: false });
        await repo.close();
      }
      const versions = await onServer(
        async (pool) => (await pool.request().query('SELECT Version FROM FrsSchemaVersion ORDER BY Version')).recordset,
      );
      expect(versions.map((r: { Version: number }) => r.Version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    });
  });
}
