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

/**
 * The replaced system's `sql/create_database&tables.sql`, as that script writes it (only its
 * `USE` and `GO` lines left out: each element is one batch). Its code also writes
 * Faces.IsUserVerified, Persons.PortraitFaceId and Persons.Type, which the script never
 * creates; LEGACY_ADDED_COLUMNS_TSQL is how an installation added them by hand.
 */
export const LEGACY_SCRIPT_TSQL: readonly string[] = [
  `-- dbo.MediaFile
CREATE TABLE dbo.MediaFile (
    Id INT IDENTITY(1,1) PRIMARY KEY,
    FilePath NVARCHAR(500) NOT NULL,
    FileName NVARCHAR(255) NOT NULL,
    Extensions NVARCHAR(10) NULL,
    CreatedAt DATETIME2 NOT NULL DEFAULT SYSDATETIME(),
    ModifiedAt DATETIME2 NULL
);`,
  `-- dbo.MediaItems
CREATE TABLE dbo.MediaItems (
    Id INT IDENTITY(1,1) PRIMARY KEY,
    MediaFileId INT NOT NULL,
    Name NVARCHAR(255) NOT NULL,
    IsFacesExtracted BIT NOT NULL DEFAULT 0,
    FacesExtractedOn DATETIME2 NULL,
    CONSTRAINT FK_MediaItems_MediaFile FOREIGN KEY (MediaFileId) REFERENCES dbo.MediaFile(Id)
);`,
  `-- dbo.Persons
CREATE TABLE dbo.Persons (
    Id INT IDENTITY(1,1) PRIMARY KEY,
    PortraitMediaFileId INT NULL,
    Name NVARCHAR(255),
    Rank NVARCHAR(50) NULL,
    Appointment NVARCHAR(100) NULL,
    CreatedAt DATETIME2 NOT NULL DEFAULT SYSDATETIME(),
    ModifiedAt DATETIME2 NULL
);`,
  `-- dbo.Faces
CREATE TABLE dbo.Faces (
    Id INT IDENTITY(1,1) PRIMARY KEY, 
    MediaItemId INT NOT NULL,
    PersonId INT NULL,
    BoundingBox NVARCHAR(255) NULL,
    Embedding VARBINARY(MAX) NULL, 
    FrameNumber INT NULL,
    Name NVARCHAR(255),
    CreatedAt DATETIME2 NOT NULL DEFAULT SYSDATETIME(),
    ModifiedAt DATETIME2 NULL,
    CONSTRAINT FK_Faces_MediaItem FOREIGN KEY (MediaItemId) REFERENCES dbo.MediaItems(Id),
    CONSTRAINT FK_Faces_Person FOREIGN KEY (PersonId) REFERENCES dbo.Persons(Id)
);`,
  `ALTER TABLE dbo.Persons
ADD CONSTRAINT FK_Persons_Media FOREIGN KEY (PortraitMediaFileId) REFERENCES dbo.MediaFile(Id);`,
];

export const LEGACY_ADDED_COLUMNS_TSQL: readonly string[] = [
  'ALTER TABLE dbo.Faces ADD IsUserVerified BIT NOT NULL DEFAULT 0;',
  'ALTER TABLE dbo.Persons ADD PortraitFaceId INT NULL, Type NVARCHAR(50) NULL;',
];

/** Installations whose MediaFile column is named Extension (singular), as some of its code wrote. */
export const useExtensionColumn = (batch: string): string =>
  batch.replace('Extensions NVARCHAR(10)', 'Extension NVARCHAR(10)');

/**
 * The same script translated for SQLite: the same tables, columns, declared types, NOT NULLs,
 * defaults and the four foreign keys (SQLite has no ALTER TABLE ADD CONSTRAINT, so
 * FK_Persons_Media is declared in Persons, and Persons comes after MediaFile). VARBINARY(MAX)
 * becomes BLOB and SYSDATETIME() the local time, as SQLite spells them.
 */
export const LEGACY_SCRIPT_SQLITE = `
CREATE TABLE MediaFile (
    Id INTEGER PRIMARY KEY AUTOINCREMENT,
    FilePath NVARCHAR(500) NOT NULL,
    FileName NVARCHAR(255) NOT NULL,
    Extensions NVARCHAR(10) NULL,
    CreatedAt DATETIME2 NOT NULL DEFAULT (datetime('now', 'localtime')),
    ModifiedAt DATETIME2 NULL
);
CREATE TABLE MediaItems (
    Id INTEGER PRIMARY KEY AUTOINCREMENT,
    MediaFileId INT NOT NULL,
    Name NVARCHAR(255) NOT NULL,
    IsFacesExtracted BIT NOT NULL DEFAULT 0,
    FacesExtractedOn DATETIME2 NULL,
    CONSTRAINT FK_MediaItems_MediaFile FOREIGN KEY (MediaFileId) REFERENCES MediaFile(Id)
);
CREATE TABLE Persons (
    Id INTEGER PRIMARY KEY AUTOINCREMENT,
    PortraitMediaFileId INT NULL,
    Name NVARCHAR(255),
    Rank NVARCHAR(50) NULL,
    Appointment NVARCHAR(100) NULL,
    CreatedAt DATETIME2 NOT NULL DEFAULT (datetime('now', 'localtime')),
    ModifiedAt DATETIME2 NULL,
    CONSTRAINT FK_Persons_Media FOREIGN KEY (PortraitMediaFileId) REFERENCES MediaFile(Id)
);
CREATE TABLE Faces (
    Id INTEGER PRIMARY KEY AUTOINCREMENT,
    MediaItemId INT NOT NULL,
    PersonId INT NULL,
    BoundingBox NVARCHAR(255) NULL,
    Embedding BLOB NULL,
    FrameNumber INT NULL,
    Name NVARCHAR(255),
    CreatedAt DATETIME2 NOT NULL DEFAULT (datetime('now', 'localtime')),
    ModifiedAt DATETIME2 NULL,
    CONSTRAINT FK_Faces_MediaItem FOREIGN KEY (MediaItemId) REFERENCES MediaItems(Id),
    CONSTRAINT FK_Faces_Person FOREIGN KEY (PersonId) REFERENCES Persons(Id)
);`;

export const LEGACY_ADDED_COLUMNS_SQLITE = `
ALTER TABLE Faces ADD IsUserVerified BIT NOT NULL DEFAULT 0;
ALTER TABLE Persons ADD PortraitFaceId INT NULL;
ALTER TABLE Persons ADD Type NVARCHAR(50) NULL;`;

export interface LegacyVariant {
  /** Whether the installation added Faces.IsUserVerified, Persons.PortraitFaceId and Persons.Type. */
  addedColumns: boolean;
  extensionColumn: 'Extensions' | 'Extension';
}

/** The replaced system's registration folder, as its `aditionals.sql` wrote paths. */
export const LEGACY_IMAGES =
  'C:/Users/ADMIN/Downloads/DeepFrame-UP/services/image_grouping/image_face_detection/Images';

/** An empty SQLite database exactly as the replaced system's script leaves it. */
export function createLegacyScriptSqlite(file: string, variant: LegacyVariant): Database.Database {
  const db = new Database(file);
  const script =
    variant.extensionColumn === 'Extension' ? useExtensionColumn(LEGACY_SCRIPT_SQLITE) : LEGACY_SCRIPT_SQLITE;
  db.exec(script + (variant.addedColumns ? LEGACY_ADDED_COLUMNS_SQLITE : ''));
  return db;
}
