/**
 * The schema and a few rows as the legacy Python tool leaves them in SQLite: its own column
 * types, no FRS columns or tables. Used to prove FRS migrates such a database in place.
 */
import Database from 'better-sqlite3';

export const legacyEmbedding = Float32Array.from({ length: 128 }, (_, i) => Math.cos(i) / 10);

export function createLegacySqlite(file: string): void {
  const db = new Database(file);
  db.exec(`
    CREATE TABLE MediaFile (Id INTEGER NOT NULL PRIMARY KEY, FilePath VARCHAR NOT NULL, FileName VARCHAR, Extensions VARCHAR,
      CreatedAt DATETIME, ModifiedAt DATETIME);
    CREATE TABLE MediaItems (Id INTEGER NOT NULL PRIMARY KEY, MediaFileId INTEGER REFERENCES MediaFile (Id), Name VARCHAR,
      IsFacesExtracted BOOLEAN, FacesExtractedOn DATETIME);
    CREATE TABLE Persons (Id INTEGER NOT NULL PRIMARY KEY, PortraitMediaFileId INTEGER, PortraitFaceId INTEGER, Name VARCHAR,
      Rank VARCHAR, Appointment VARCHAR, Type VARCHAR, CreatedAt DATETIME, ModifiedAt DATETIME);
    CREATE TABLE Faces (Id INTEGER NOT NULL PRIMARY KEY, MediaItemId INTEGER REFERENCES MediaItems (Id), PersonId INTEGER REFERENCES Persons (Id),
      BoundingBox NVARCHAR, Embedding BLOB, FrameNumber INTEGER, Name VARCHAR, IsUserVerified BOOLEAN, CreatedAt DATETIME, ModifiedAt DATETIME);
    INSERT INTO MediaFile VALUES (1, '/legacy/a.jpg', 'a.jpg', '.jpg', '2023-05-01 10:00:00', NULL);
    INSERT INTO MediaFile VALUES (2, '/legacy/b.jpg', 'b.jpg', '.jpg', '2023-05-01 10:00:01', NULL);
    INSERT INTO MediaItems VALUES (1, 1, 'a.jpg', 1, '2023-05-01 10:05:00');
    INSERT INTO MediaItems VALUES (2, 2, 'b.jpg', 0, NULL);
    INSERT INTO Persons VALUES (1, 1, 1, 'Legacy Lee', 'Maj', 'Officer', 'staff', '2023-05-01 11:00:00', NULL);`);
  const face = db.prepare('INSERT INTO Faces VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?, NULL)');
  const blob = Buffer.from(legacyEmbedding.buffer);
  face.run(1, 1, 1, '[10, 20, 110, 140]', blob, 'a_0.jpg', 1, '2023-05-01 10:05:00');
  face.run(2, 1, 1, '[200, 20, 300, 140]', blob, 'a_1.jpg', 0, '2023-05-01 10:05:00');
  // Left behind by an interrupted legacy run on an item never marked extracted.
  face.run(3, 2, null, '[5, 5, 50, 50]', blob, 'b_0.jpg', 0, '2023-05-01 10:06:00');
  db.close();
}
