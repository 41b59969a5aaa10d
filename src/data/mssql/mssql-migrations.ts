/**
 * Versioned SQL Server / Azure SQL schema; same versions and meaning as the SQLite ones.
 * Migration 1 is the legacy schema (created only when missing, so existing tables are adopted);
 * later migrations only add. Each statement runs as its own batch so that a statement may use
 * a column the previous one added; each migration is one transaction under an app lock, so
 * concurrent openers apply it once.
 *
 * Migrations run on their own single connection without a request timeout: adding the persisted
 * path hash or building an index on a large inherited Faces table (embeddings in-row) can take
 * minutes, and a timeout would roll the migration back and repeat it on every open. Indexes are
 * built ONLINE where the edition has online index builds (Enterprise / Developer, Azure SQL
 * Database, Managed Instance), so the legacy tool keeps working on the table meanwhile. Every
 * object is named with its schema (dbo.).
 *
 * `MediaFile.FilePathHash` is a persisted computed column with an index: SQL Server then requires
 * the ANSI SET options (ANSI_NULLS, ANSI_PADDING, ANSI_WARNINGS, ARITHABORT, CONCAT_NULL_YIELDS_NULL,
 * QUOTED_IDENTIFIER ON, NUMERIC_ROUNDABORT OFF) on every connection that writes MediaFile. Modern
 * drivers (tedious, SqlClient, ODBC, JDBC) set them by default; an old client of the same database
 * that turns one off gets error 1934 on INSERT/UPDATE of MediaFile (see README, "Database").
 *
 * Embeddings stay VARBINARY(MAX) (float32 LE, the legacy format), the one format everywhere:
 * grouping runs in the app, and find-similar uses FRS's own face index (mssql-face-search.ts).
 */
import sql from 'mssql';
import { FrsError } from '../../errors.js';
import { LEGACY_GENERATED_NAME_PATTERN } from '../person-names.js';
import { qualifyTables } from './mssql-tables.js';

/** Faces per person as an indexed view (migration 12); read WITH (NOEXPAND), see mssql-persons. */
const PERSON_COUNTS_VIEW = `CREATE VIEW dbo.FrsPersonCounts WITH SCHEMABINDING AS
SELECT PersonId, COUNT_BIG(*) AS Total, SUM(ISNULL(CAST(IsUserVerified AS INT), 0)) AS Verified
FROM dbo.Faces WHERE PersonId IS NOT NULL GROUP BY PersonId`;

/**
 * Logs every face the face index must look at again (mssql-face-log.ts): inserted or deleted
 * with an embedding, or updated in one of the columns the index depends on. One statement for
 * every kind of write, MERGE included (its rows may be inserts, updates and deletes at once).
 * IF UPDATE(...) is the documented way to ask whether a statement set a column; rows only in
 * `inserted` or only in `deleted` are logged whatever it says. SET NOCOUNT ON keeps the log's
 * row count out of the writer's results (the replaced system reads its own counts).
 */
const FACE_INDEX_LOG_TRIGGER = `CREATE TRIGGER dbo.TR_Faces_FaceIndexLog ON dbo.Faces AFTER INSERT, UPDATE, DELETE AS
BEGIN
  SET NOCOUNT ON;
  DECLARE @indexedColumnSet BIT = 0;
  IF UPDATE(Embedding) OR UPDATE(EmbeddingModel) OR UPDATE(IsRejected) SET @indexedColumnSet = 1;
  INSERT INTO dbo.FrsFaceChanges (FaceId)
  SELECT COALESCE(i.Id, d.Id)
  FROM inserted i FULL OUTER JOIN deleted d ON d.Id = i.Id
  WHERE (i.Embedding IS NOT NULL OR d.Embedding IS NOT NULL)
    AND (i.Id IS NULL OR d.Id IS NULL OR @indexedColumnSet = 1);
END`;

interface MssqlMigration {
  version: number;
  name: string;
  statements: string[];
}

/** `dbo.` in front of an object name that has no schema yet. */
const dbo = (name: string) => (name.includes('.') ? name : `dbo.${name}`);
const createIfMissing = (table: string, body: string) =>
  `IF OBJECT_ID(N'${dbo(table)}', N'U') IS NULL CREATE TABLE ${dbo(table)} (${body})`;
const addColumn = (table: string, column: string, definition: string) =>
  `IF COL_LENGTH(N'${dbo(table)}', N'${column}') IS NULL ALTER TABLE ${dbo(table)} ADD ${column} ${definition}`;
const addCheck = (table: string, name: string, condition: string) =>
  `IF OBJECT_ID(N'${dbo(name)}', N'C') IS NULL ALTER TABLE ${dbo(table)} ADD CONSTRAINT ${name} CHECK (${condition})`;
/** Editions with online index builds: 3 Enterprise/Developer, 5 Azure SQL Database, 8 Managed Instance. */
const ONLINE_EDITION = `CAST(SERVERPROPERTY('EngineEdition') AS INT) IN (3, 5, 8)`;
const addIndex = (table: string, name: string, definition: string) =>
  `IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'${name}' AND object_id = OBJECT_ID(N'${dbo(table)}'))
  BEGIN
    IF ${ONLINE_EDITION} CREATE INDEX ${name} ON ${dbo(table)} ${definition} WITH (ONLINE = ON);
    ELSE CREATE INDEX ${name} ON ${dbo(table)} ${definition};
  END`;

/**
 * Adds one of the replaced system's foreign keys unless the column already has one (its
 * script's databases do). WITH CHECK where every row satisfies it; an older database with
 * orphan rows gets it WITH NOCHECK, so the migration keeps every row and new writes are checked.
 */
const addForeignKey = (table: string, name: string, column: string, referenced: string) =>
  `IF OBJECT_ID(N'dbo.${name}', N'F') IS NULL AND NOT EXISTS (
    SELECT 1 FROM sys.foreign_key_columns k
    WHERE k.parent_object_id = OBJECT_ID(N'dbo.${table}') AND k.referenced_object_id = OBJECT_ID(N'dbo.${referenced}')
      AND COL_NAME(k.parent_object_id, k.parent_column_id) = N'${column}')
  BEGIN
    IF EXISTS (SELECT 1 FROM dbo.${table} c WHERE c.${column} IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM dbo.${referenced} r WHERE r.Id = c.${column}))
    BEGIN
      ALTER TABLE dbo.${table} WITH NOCHECK ADD CONSTRAINT ${name} FOREIGN KEY (${column}) REFERENCES dbo.${referenced} (Id);
    END
    ELSE
    BEGIN
      ALTER TABLE dbo.${table} WITH CHECK ADD CONSTRAINT ${name} FOREIGN KEY (${column}) REFERENCES dbo.${referenced} (Id);
    END
  END`;

/**
 * The three columns the replaced system's code writes but its script never creates. Migration 1
 * adds them where missing (a database made by that script), migration 6 again before its
 * procedures (UpsertFace names IsUserVerified, and CREATE PROCEDURE refuses an unknown column of
 * an existing table), and migration 8 once more for any database that missed both.
 */
const LEGACY_CODE_COLUMNS = [
  addColumn('dbo.Faces', 'IsUserVerified', 'BIT NOT NULL CONSTRAINT DF_Faces_IsUserVerified DEFAULT 0'),
  addColumn('dbo.Persons', 'PortraitFaceId', 'INT NULL'),
  addColumn('dbo.Persons', 'Type', 'NVARCHAR(50) NULL'),
];

/** Migration 8, statement by statement (each its own batch, so later ones see the columns earlier ones add). */
function dropInStatements(): string[] {
  return [
    // The replaced system's code writes these three; its script never created them.
    ...LEGACY_CODE_COLUMNS,
    // Its script says Extensions, some installations say Extension: both exist from here on, same values.
    `IF COL_LENGTH(N'dbo.MediaFile', N'Extensions') IS NULL
    BEGIN
      ALTER TABLE dbo.MediaFile ADD Extensions NVARCHAR(10) NULL;
      IF COL_LENGTH(N'dbo.MediaFile', N'Extension') IS NOT NULL
        EXEC sp_executesql N'UPDATE dbo.MediaFile SET Extensions = Extension';
    END`,
    `IF COL_LENGTH(N'dbo.MediaFile', N'Extension') IS NULL
    BEGIN
      ALTER TABLE dbo.MediaFile ADD Extension NVARCHAR(10) NULL;
      EXEC sp_executesql N'UPDATE dbo.MediaFile SET Extension = Extensions';
    END`,
    // A name equal to GeneratedName was given by FRS (or the replaced system), not typed by a user.
    addColumn(dbo('Persons'), 'GeneratedName', 'NVARCHAR(255) NULL'),
    `UPDATE dbo.Persons SET GeneratedName = Name WHERE GeneratedName IS NULL AND Name LIKE N'${LEGACY_GENERATED_NAME_PATTERN}'`,
    // A fresh FRS database gets the replaced system's four foreign keys.
    addForeignKey('MediaItems', 'FK_MediaItems_MediaFile', 'MediaFileId', 'MediaFile'),
    addForeignKey('Faces', 'FK_Faces_MediaItem', 'MediaItemId', 'MediaItems'),
    addForeignKey('Faces', 'FK_Faces_Person', 'PersonId', 'Persons'),
    addForeignKey('Persons', 'FK_Persons_Media', 'PortraitMediaFileId', 'MediaFile'),
    // Embeddings of another model, kept when FRS re-embeds or re-detects a face (no foreign
    // key: they outlive the face row on purpose, with the item and box they belonged to).
    createIfMissing(
      dbo('FrsOldEmbeddings'),
      `Id INT IDENTITY(1,1) NOT NULL PRIMARY KEY, FaceId INT NOT NULL, MediaItemId INT NULL, BoundingBox NVARCHAR(MAX) NULL,
      Model NVARCHAR(200) NOT NULL, Dimensions INT NOT NULL, Embedding VARBINARY(MAX) NOT NULL,
      SavedAt DATETIME2 NOT NULL CONSTRAINT DF_FrsOldEmbeddings_SavedAt DEFAULT SYSUTCDATETIME()`,
    ),
    `IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'UX_FrsOldEmbeddings_Face' AND object_id = OBJECT_ID(N'dbo.FrsOldEmbeddings'))
      CREATE UNIQUE INDEX UX_FrsOldEmbeddings_Face ON dbo.FrsOldEmbeddings (FaceId, Model)`,
  ];
}

/** CREATE PROCEDURE must start its batch, so it runs through EXEC when the procedure is missing. */
const createProcedureIfMissing = (name: string, definition: string) =>
  `IF OBJECT_ID(N'${name}', N'P') IS NULL EXEC(N'${definition.replaceAll("'", "''")}')`;

/**
 * The replaced system's dbo.UpsertPerson (upsert_person.sql): insert when @PersonId is NULL,
 * otherwise overwrite only the non-NULL fields; returns the id.
 */
const UPSERT_PERSON = `CREATE PROCEDURE dbo.UpsertPerson
  @PersonId INT = NULL, @Name NVARCHAR(255), @Rank NVARCHAR(50) = NULL, @Appointment NVARCHAR(100) = NULL
AS
BEGIN
  SET NOCOUNT ON;
  IF @PersonId IS NULL
  BEGIN
    INSERT INTO dbo.Persons (Name, Rank, Appointment, CreatedAt, ModifiedAt)
      VALUES (@Name, @Rank, @Appointment, SYSUTCDATETIME(), SYSUTCDATETIME());
    SET @PersonId = CAST(SCOPE_IDENTITY() AS INT);
  END
  ELSE
    UPDATE dbo.Persons
      SET Name = COALESCE(@Name, Name), Rank = COALESCE(@Rank, Rank),
        Appointment = COALESCE(@Appointment, Appointment), ModifiedAt = SYSUTCDATETIME()
      WHERE Id = @PersonId;
  SELECT @PersonId AS PersonId;
END`;

/**
 * The replaced system's dbo.UpsertFace (link_tables.sql): insert a face, or update the given
 * fields. FRS additions: a face given a person is the user's decision (IsUserVerified = 1, and
 * a cannot-link to that person is lifted), so regroups keep it; a new embedding comes from an
 * unknown model (EmbeddingModel NULL), so FRS embeds the face again.
 */
const UPSERT_FACE = `CREATE PROCEDURE dbo.UpsertFace
  @FaceId INT = NULL, @MediaItemId INT = NULL, @PersonId INT = NULL, @BoundingBox NVARCHAR(255) = NULL,
  @Name NVARCHAR(255) = NULL, @Embedding VARBINARY(MAX) = NULL
AS
BEGIN
  SET NOCOUNT ON;
  SET XACT_ABORT ON;
  DECLARE @Now DATETIME2 = SYSUTCDATETIME();
  BEGIN TRANSACTION;
  IF @FaceId IS NULL
  BEGIN
    INSERT INTO dbo.Faces (MediaItemId, PersonId, BoundingBox, Name, Embedding, IsUserVerified, CreatedAt, ModifiedAt)
      VALUES (@MediaItemId, @PersonId, @BoundingBox, @Name, @Embedding,
        CASE WHEN @PersonId IS NULL THEN 0 ELSE 1 END, @Now, @Now);
    SET @FaceId = CAST(SCOPE_IDENTITY() AS INT);
  END
  ELSE
  BEGIN
    UPDATE dbo.Faces
      SET PersonId = ISNULL(@PersonId, PersonId),
        IsUserVerified = CASE WHEN @PersonId IS NULL THEN IsUserVerified ELSE 1 END,
        IsRejected = CASE WHEN @PersonId IS NULL THEN IsRejected ELSE 0 END,
        BoundingBox = ISNULL(@BoundingBox, BoundingBox),
        Name = ISNULL(@Name, Name),
        Embedding = ISNULL(@Embedding, Embedding),
        EmbeddingModel = CASE WHEN @Embedding IS NULL THEN EmbeddingModel ELSE NULL END,
        GroupedAt = CASE WHEN @Embedding IS NULL THEN GroupedAt ELSE NULL END,
        ModifiedAt = @Now
      WHERE Id = @FaceId;
    IF @PersonId IS NOT NULL
      DELETE FROM dbo.FrsCannotLink WHERE FaceId = @FaceId AND PersonId = @PersonId;
  END
  COMMIT TRANSACTION;
  SELECT @FaceId AS FaceId;
END`;

export const mssqlMigrations: MssqlMigration[] = [
  {
    version: 1,
    name: 'legacy schema (MediaFile, MediaItems, Faces, Persons)',
    statements: [
      createIfMissing(
        'MediaFile',
        `Id INT IDENTITY(1,1) NOT NULL PRIMARY KEY, FilePath NVARCHAR(MAX) NOT NULL, FileName NVARCHAR(400) NULL,
        Extensions NVARCHAR(50) NULL, CreatedAt DATETIME2 NULL DEFAULT SYSUTCDATETIME(), ModifiedAt DATETIME2 NULL`,
      ),
      createIfMissing(
        'MediaItems',
        `Id INT IDENTITY(1,1) NOT NULL PRIMARY KEY, MediaFileId INT NOT NULL, Name NVARCHAR(400) NULL,
        IsFacesExtracted BIT NOT NULL DEFAULT 0, FacesExtractedOn DATETIME2 NULL`,
      ),
      createIfMissing(
        'Faces',
        `Id INT IDENTITY(1,1) NOT NULL PRIMARY KEY, MediaItemId INT NOT NULL, PersonId INT NULL,
        BoundingBox NVARCHAR(MAX) NULL, Embedding VARBINARY(MAX) NULL, FrameNumber INT NULL, Name NVARCHAR(400) NULL,
        IsUserVerified BIT NOT NULL DEFAULT 0, CreatedAt DATETIME2 NULL DEFAULT SYSUTCDATETIME(), ModifiedAt DATETIME2 NULL`,
      ),
      createIfMissing(
        'Persons',
        `Id INT IDENTITY(1,1) NOT NULL PRIMARY KEY, PortraitMediaFileId INT NULL, PortraitFaceId INT NULL,
        Name NVARCHAR(400) NULL, Rank NVARCHAR(200) NULL, Appointment NVARCHAR(400) NULL, Type NVARCHAR(100) NULL,
        CreatedAt DATETIME2 NULL DEFAULT SYSUTCDATETIME(), ModifiedAt DATETIME2 NULL`,
      ),
      ...LEGACY_CODE_COLUMNS,
    ],
  },
  {
    version: 2,
    name: 'pipeline columns: content hash, item status and lease, face details',
    statements: [
      addColumn('MediaFile', 'ContentHash', 'NVARCHAR(128) NULL'),
      // FilePath may be NVARCHAR(MAX), which cannot be indexed: look paths up by their hash.
      addColumn(
        'MediaFile',
        'FilePathHash',
        `AS CAST(HASHBYTES('SHA2_256', CAST(FilePath AS NVARCHAR(MAX))) AS BINARY(32)) PERSISTED`,
      ),
      addColumn('MediaItems', 'Status', `NVARCHAR(16) NOT NULL CONSTRAINT DF_MediaItems_Status DEFAULT N'pending'`),
      addCheck('MediaItems', 'CK_MediaItems_Status', `Status IN (N'pending', N'processing', N'done', N'failed')`),
      addColumn('MediaItems', 'Attempts', 'INT NOT NULL CONSTRAINT DF_MediaItems_Attempts DEFAULT 0'),
      addColumn('MediaItems', 'LastError', 'NVARCHAR(MAX) NULL'),
      addColumn('MediaItems', 'LeaseOwner', 'NVARCHAR(200) NULL'),
      addColumn('MediaItems', 'LeaseExpiresAt', 'DATETIME2 NULL'),
      // What the legacy tool already extracted is not processed again.
      `UPDATE dbo.MediaItems SET Status = N'done' WHERE IsFacesExtracted = 1 AND Status = N'pending'`,
      addColumn('Faces', 'DetectorScore', 'FLOAT NULL'),
      addCheck('Faces', 'CK_Faces_DetectorScore', 'DetectorScore >= 0 AND DetectorScore <= 1'),
      addColumn('Faces', 'Landmarks', 'NVARCHAR(MAX) NULL'),
      addColumn('Faces', 'ThumbnailPath', 'NVARCHAR(1024) NULL'),
      // NULL on legacy rows: their embeddings came from an unknown model.
      addColumn('Faces', 'EmbeddingModel', 'NVARCHAR(200) NULL'),
      addColumn('Faces', 'Sharpness', 'FLOAT NULL'),
    ],
  },
  {
    version: 3,
    name: 'coordination tables: FrsLocks, FrsRequests',
    statements: [
      createIfMissing(
        'FrsLocks',
        `Name NVARCHAR(200) NOT NULL PRIMARY KEY, Owner NVARCHAR(200) NOT NULL,
        AcquiredAt DATETIME2 NOT NULL, ExpiresAt DATETIME2 NOT NULL`,
      ),
      createIfMissing(
        'FrsRequests',
        `Id INT IDENTITY(1,1) NOT NULL PRIMARY KEY, Kind NVARCHAR(100) NOT NULL,
        Status NVARCHAR(16) NOT NULL DEFAULT N'queued' CHECK (Status IN (N'queued', N'running', N'done', N'failed')),
        Payload NVARCHAR(MAX) NULL, Result NVARCHAR(MAX) NULL, RequestedAt DATETIME2 NOT NULL, StartedAt DATETIME2 NULL, FinishedAt DATETIME2 NULL`,
      ),
    ],
  },
  {
    version: 4,
    name: 'indexes for the pipeline queries',
    statements: [
      addIndex('MediaFile', 'IX_MediaFile_FilePathHash', '(FilePathHash)'),
      addIndex('MediaFile', 'IX_MediaFile_ContentHash', '(ContentHash)'),
      addIndex('MediaItems', 'IX_MediaItems_MediaFileId', '(MediaFileId)'),
      addIndex('MediaItems', 'IX_MediaItems_Claim', '(Status, Id) INCLUDE (Attempts, LeaseExpiresAt, MediaFileId)'),
      addIndex('Faces', 'IX_Faces_MediaItemId', '(MediaItemId)'),
      addIndex('Faces', 'IX_Faces_PersonId', '(PersonId)'),
      addIndex('Faces', 'IX_Faces_EmbeddingModel', '(EmbeddingModel, PersonId)'),
      addIndex('FrsRequests', 'IX_FrsRequests_Take', '(Kind, Status, Id)'),
    ],
  },
  {
    version: 5,
    name: 'Faces.GroupedAt: which faces a grouping run has seen',
    statements: [
      // NULL on existing rows: the first recognise after the upgrade regroups once.
      addColumn('Faces', 'GroupedAt', 'DATETIME2 NULL'),
      addIndex('Faces', 'IX_Faces_GroupedAt', '(GroupedAt, EmbeddingModel)'),
    ],
  },
  {
    version: 6,
    name: 'people decisions: hidden persons, chosen portraits, rejected faces, cannot-link; UpsertPerson, UpsertFace',
    statements: [
      ...LEGACY_CODE_COLUMNS,
      addColumn('dbo.Persons', 'IsHidden', 'BIT NOT NULL CONSTRAINT DF_Persons_IsHidden DEFAULT 0'),
      // 1 while the portrait is the user's choice: regroups keep it as long as its face stays.
      addColumn('dbo.Persons', 'IsPortraitChosen', 'BIT NOT NULL CONSTRAINT DF_Persons_IsPortraitChosen DEFAULT 0'),
      // A detection the user said is not a face: out of every person and of grouping for good.
      addColumn('dbo.Faces', 'IsRejected', 'BIT NOT NULL CONSTRAINT DF_Faces_IsRejected DEFAULT 0'),
      // Faces the user took out of a person: they never rejoin it.
      createIfMissing(
        'dbo.FrsCannotLink',
        `FaceId INT NOT NULL, PersonId INT NOT NULL, CreatedAt DATETIME2 NOT NULL CONSTRAINT DF_FrsCannotLink_CreatedAt DEFAULT SYSUTCDATETIME(),
        CONSTRAINT PK_FrsCannotLink PRIMARY KEY (FaceId, PersonId)`,
      ),
      addIndex('dbo.FrsCannotLink', 'IX_FrsCannotLink_PersonId', '(PersonId)'),
      createProcedureIfMissing('dbo.UpsertPerson', UPSERT_PERSON),
      createProcedureIfMissing('dbo.UpsertFace', UPSERT_FACE),
    ],
  },
  {
    version: 7,
    name: 'reliability: file size and mtime, copies, embedding failures, library id',
    statements: [
      // Size + mtime let a folder scan skip files it knows without reading them.
      addColumn('dbo.MediaFile', 'FileSize', 'BIGINT NULL'),
      addColumn('dbo.MediaFile', 'FileModifiedMs', 'BIGINT NULL'),
      // A second path with the same content: its item points at the one whose faces count.
      addColumn('dbo.MediaItems', 'DuplicateOfItemId', 'INT NULL'),
      // Embedding failures per face and model, so the embed stage moves past them.
      addColumn('dbo.Faces', 'EmbeddingFailedModel', 'NVARCHAR(200) NULL'),
      addColumn('dbo.Faces', 'EmbeddingError', 'NVARCHAR(MAX) NULL'),
      addIndex('dbo.MediaItems', 'IX_MediaItems_DuplicateOf', '(DuplicateOfItemId)'),
      createIfMissing(
        'dbo.FrsLibrary',
        `Id INT NOT NULL PRIMARY KEY CHECK (Id = 1), LibraryId NVARCHAR(64) NOT NULL,
        CreatedAt DATETIME2 NOT NULL DEFAULT SYSUTCDATETIME()`,
      ),
      `IF NOT EXISTS (SELECT 1 FROM dbo.FrsLibrary)
        INSERT INTO dbo.FrsLibrary (Id, LibraryId) VALUES (1, LOWER(LEFT(REPLACE(CONVERT(NVARCHAR(36), NEWID()), N'-', N''), 16)))`,
    ],
  },
  {
    version: 8,
    name: "drop-in: the replaced system's columns and foreign keys, generated names, old embeddings",
    statements: dropInStatements(),
  },
  {
    version: 9,
    name: 'indexes for the timer: portraits by face',
    statements: [
      // Deleting or moving a face checks the portraits that show it (CLEAR_ITEM_PORTRAITS_SQL,
      // STALE_PORTRAIT_CONDITION): without this index every such check scanned Persons.
      addIndex('Persons', 'IX_Persons_PortraitFaceId', '(PortraitFaceId)'),
    ],
  },
  {
    version: 10,
    name: 'indexes for the timer: work found by index ranges',
    statements: [
      // The embed stage finds its work by ranges of IX_Faces_EmbeddingModel (NOT_EMBEDDED_BY_MODEL),
      // which relies on this; any older row that broke it is queued for embedding again.
      'UPDATE dbo.Faces SET EmbeddingModel = NULL WHERE Embedding IS NULL AND EmbeddingModel IS NOT NULL',
      // Items another application set back to IsFacesExtracted = 0 are looked for on every run.
      addIndex('MediaItems', 'IX_MediaItems_Unextracted', '(IsFacesExtracted, Status)'),
      // Faces without a thumbnail, looked for on every run (SQLite has had it since migration 7).
      // FRS writes every ThumbnailPath (short: faces/<library>/<item>/<n>.jpg), the replaced
      // system none, so no value nears the 1,700-byte limit of an index key.
      addIndex('Faces', 'IX_Faces_ThumbnailPath', '(ThumbnailPath, Id)'),
    ],
  },
  {
    version: 11,
    name: 'grouping index: components at the interaction radius, memberships, dirty marks',
    statements: [
      // See src/data/aggregates/grouping-index.ts. No foreign keys to Faces: a member row must
      // outlive its deleted face so that the component it was in gets regrouped. Component ids
      // are given by the writer (it holds the grouping lock), so both dialects insert in bulk.
      createIfMissing(
        'dbo.FrsGroupingIndex',
        `Model NVARCHAR(200) COLLATE Latin1_General_BIN2 NOT NULL, Radius FLOAT NOT NULL, Settings NVARCHAR(1000) NOT NULL,
        BuiltAt DATETIME2 NOT NULL, CONSTRAINT PK_FrsGroupingIndex PRIMARY KEY (Model)`,
      ),
      createIfMissing(
        'dbo.FrsGroupingComponents',
        `Id INT NOT NULL, Model NVARCHAR(200) NOT NULL, Centroid VARBINARY(MAX) NOT NULL, Angle FLOAT NOT NULL,
        Size INT NOT NULL, CONSTRAINT PK_FrsGroupingComponents PRIMARY KEY (Id)`,
      ),
      addIndex('dbo.FrsGroupingComponents', 'IX_FrsGroupingComponents_Model', '(Model)'),
      createIfMissing(
        'dbo.FrsGroupingMembers',
        'FaceId INT NOT NULL, ComponentId INT NOT NULL, CONSTRAINT PK_FrsGroupingMembers PRIMARY KEY (FaceId)',
      ),
      addIndex('dbo.FrsGroupingMembers', 'IX_FrsGroupingMembers_ComponentId', '(ComponentId)'),
      createIfMissing(
        'dbo.FrsGroupingDirty',
        'FaceId INT NOT NULL, CONSTRAINT PK_FrsGroupingDirty PRIMARY KEY (FaceId)',
      ),
    ],
  },
  {
    version: 12,
    name: 'person face counts: indexed view FrsPersonCounts',
    statements: [
      // Faces (and verified faces) per person, kept by SQL Server itself on every write to Faces
      // (FRS's and the replaced system's alike), so a page of persons, largest first, reads these
      // counts instead of counting every face per page. An indexed view needs SCHEMABINDING,
      // COUNT_BIG(*) and a SUM of a non-nullable expression. CREATE VIEW must start its batch.
      // (SQLite's version 12 also has the face-search change log, which SQL Server does not need:
      // its face search scans Faces itself.)
      `IF OBJECT_ID(N'dbo.FrsPersonCounts', N'V') IS NULL EXEC(N'${PERSON_COUNTS_VIEW}')`,
      `IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IX_FrsPersonCounts' AND object_id = OBJECT_ID(N'dbo.FrsPersonCounts'))
  CREATE UNIQUE CLUSTERED INDEX IX_FrsPersonCounts ON dbo.FrsPersonCounts (PersonId)`,
    ],
  },
  {
    version: 13,
    name: 'face quality score',
    // 0..1 (src/vision/face-quality.ts); NULL for faces stored before: they count as acceptable
    // until they are embedded again.
    statements: [
      addColumn('Faces', 'Quality', 'FLOAT NULL'),
      addCheck('Faces', 'CK_Faces_Quality', 'Quality >= 0 AND Quality <= 1'),
    ],
  },
  {
    version: 14,
    name: 'people app: face counts per person from an index',
    statements: [
      // Every page of the people grid counts each person's faces and confirmed faces (PERSON_FROM):
      // with both columns in one index that reads the index only, not every Faces row.
      addIndex('Faces', 'IX_Faces_PersonId_Verified', '(PersonId, IsUserVerified)'),
    ],
  },
  {
    version: 15,
    name: 'face index change log: FrsFaceChanges kept by a trigger on Faces',
    // SQL Server only (SQLite has had its log since version 12). Existing faces need no rows: a
    // missing index is built from Faces. Positions are ROWVERSIONs (no IDENTITY, so the
    // replaced system's @@IDENTITY after an insert into Faces stays its face's id).
    statements: [
      createIfMissing('dbo.FrsFaceChanges', 'Position ROWVERSION NOT NULL, FaceId INT NOT NULL'),
      `IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IX_FrsFaceChanges_Position' AND object_id = OBJECT_ID(N'dbo.FrsFaceChanges'))
  CREATE CLUSTERED INDEX IX_FrsFaceChanges_Position ON dbo.FrsFaceChanges (Position)`,
      createIfMissing(
        'dbo.FrsFaceIndexState',
        `Id INT NOT NULL, PrunedUpTo BIGINT NOT NULL, CONSTRAINT PK_FrsFaceIndexState PRIMARY KEY (Id),
        CONSTRAINT CK_FrsFaceIndexState_One CHECK (Id = 1)`,
      ),
      'IF NOT EXISTS (SELECT 1 FROM dbo.FrsFaceIndexState) INSERT INTO dbo.FrsFaceIndexState (Id, PrunedUpTo) VALUES (1, 0)',
      // CREATE TRIGGER must start its batch, so it runs through EXEC when the trigger is missing.
      `IF OBJECT_ID(N'dbo.TR_Faces_FaceIndexLog', N'TR') IS NULL EXEC(N'${FACE_INDEX_LOG_TRIGGER.replaceAll("'", "''")}')`,
    ],
  },
];

export const latestMssqlVersion = mssqlMigrations[mssqlMigrations.length - 1].version;

export const VERSION_TABLE = createIfMissing(
  'FrsSchemaVersion',
  `Version INT NOT NULL PRIMARY KEY, Name NVARCHAR(200) NOT NULL,
  AppliedAt DATETIME2 NOT NULL DEFAULT SYSUTCDATETIME()`,
);

/** Takes the migration app lock for the current transaction; Result < 0: not granted within 50 s. */
export const MIGRATION_LOCK_SQL = `DECLARE @r INT;
  EXEC @r = sys.sp_getapplock @Resource = N'FrsSchemaMigration', @LockMode = N'Exclusive', @LockOwner = N'Transaction', @LockTimeout = 50000;
  SELECT @r AS Result;`;
export const APPLIED_SQL = `SELECT COALESCE(MAX(Version), 0) AS Latest,
  CASE WHEN EXISTS (SELECT 1 FROM dbo.FrsSchemaVersion WHERE Version = @version) THEN 1 ELSE 0 END AS Applied
FROM dbo.FrsSchemaVersion`;
export const RECORD_VERSION_SQL = 'INSERT INTO dbo.FrsSchemaVersion (Version, Name) VALUES (@version, @name)';
export const VECTOR_SUPPORT_SQL = `SELECT CASE WHEN EXISTS (SELECT 1 FROM sys.types WHERE name = N'vector') THEN 1 ELSE 0 END AS HasVector`;

/** Runs `work` in a transaction that holds the migration app lock. */
async function underMigrationLock(
  pool: sql.ConnectionPool,
  work: (request: () => sql.Request) => Promise<void>,
): Promise<void> {
  const transaction = new sql.Transaction(pool);
  await transaction.begin();
  try {
    const lock = await new sql.Request(transaction).query<{ Result: number }>(MIGRATION_LOCK_SQL);
    if (lock.recordset[0].Result < 0)
      throw new FrsError('LOCKED', 'Another FRS instance is migrating the database; try again shortly.');
    await work(() => new sql.Request(transaction));
    await transaction.commit();
  } catch (err) {
    await transaction.rollback().catch(() => undefined);
    throw err;
  }
}

/**
 * Brings the schema up to date on its own connection, without a request timeout (see the header);
 * `config` is the app's connection configuration.
 */
export async function migrateMssql(config: sql.config): Promise<void> {
  const pool = new sql.ConnectionPool({ ...config, requestTimeout: 0, pool: { min: 0, max: 1 } });
  pool.on('error', () => undefined); // the single connection is closed below; failures surface as query errors
  await pool.connect();
  try {
    await migrateOn(pool);
  } finally {
    await pool.close();
  }
}

async function migrateOn(pool: sql.ConnectionPool): Promise<void> {
  await underMigrationLock(pool, async (request) => {
    await request().batch(VERSION_TABLE);
  });
  for (const migration of mssqlMigrations) {
    await underMigrationLock(pool, async (request) => {
      const found = await request()
        .input('version', sql.Int, migration.version)
        .query<{ Latest: number; Applied: number }>(APPLIED_SQL);
      const { Latest: latest, Applied: applied } = found.recordset[0];
      if (latest > latestMssqlVersion) {
        throw new FrsError(
          'DATABASE_ERROR',
          `The database schema is version ${latest}, newer than this FRS supports (${latestMssqlVersion}). Update FRS.`,
        );
      }
      // By version, not by "below the latest": migrations numbered out of order (6-8 merged after
      // 9 was applied) still run once.
      if (applied === 1) return;
      for (const statement of migration.statements) await request().batch(qualifyTables(statement));
      await request()
        .input('version', sql.Int, migration.version)
        .input('name', sql.NVarChar(200), migration.name)
        .query(RECORD_VERSION_SQL);
    });
  }
}

/** True where the server knows the VECTOR type (Azure SQL, SQL Server 2025). */
export async function detectVectorSupport(pool: sql.ConnectionPool): Promise<boolean> {
  const result = await pool.request().query<{ HasVector: number }>(VECTOR_SUPPORT_SQL);
  return result.recordset[0].HasVector === 1;
}
