/**
 * Versioned SQLite schema. Migration 1 is the legacy tool's schema with CREATE IF NOT EXISTS,
 * so an existing database is adopted as is; later ones only add (columns, tables, indexes)
 * and never drop, so the legacy tool's rows and queries keep working.
 */
import type Database from 'better-sqlite3';
import { FrsError } from '../../errors.js';
import { LEGACY_GENERATED_NAME_PATTERN } from '../person-names.js';

interface SqliteMigration {
  version: number;
  name: string;
  up(db: Database.Database): void;
}

function hasColumn(db: Database.Database, table: string, column: string): boolean {
  const columns = db.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as { name: string }[];
  return columns.some((c) => c.name.toLowerCase() === column.toLowerCase());
}

/** ADD COLUMN is not idempotent in SQLite; checking first lets partly-upgraded databases through. */
function addColumn(db: Database.Database, table: string, column: string, definition: string): void {
  if (!hasColumn(db, table, column)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${definition}`);
}

export const sqliteMigrations: SqliteMigration[] = [
  {
    version: 1,
    name: 'legacy schema (MediaFile, MediaItems, Faces, Persons)',
    up(db) {
      db.exec(`
        CREATE TABLE IF NOT EXISTS MediaFile (
          Id INTEGER PRIMARY KEY AUTOINCREMENT,
          FilePath TEXT NOT NULL,
          FileName TEXT,
          Extensions TEXT,
          CreatedAt TEXT,
          ModifiedAt TEXT);
        CREATE TABLE IF NOT EXISTS MediaItems (
          Id INTEGER PRIMARY KEY AUTOINCREMENT,
          MediaFileId INTEGER NOT NULL,
          Name TEXT,
          IsFacesExtracted INTEGER NOT NULL DEFAULT 0,
          FacesExtractedOn TEXT);
        CREATE TABLE IF NOT EXISTS Faces (
          Id INTEGER PRIMARY KEY AUTOINCREMENT,
          MediaItemId INTEGER NOT NULL,
          PersonId INTEGER,
          BoundingBox TEXT,
          Embedding BLOB,
          FrameNumber INTEGER,
          Name TEXT,
          IsUserVerified INTEGER NOT NULL DEFAULT 0,
          CreatedAt TEXT,
          ModifiedAt TEXT);
        CREATE TABLE IF NOT EXISTS Persons (
          Id INTEGER PRIMARY KEY AUTOINCREMENT,
          PortraitMediaFileId INTEGER,
          PortraitFaceId INTEGER,
          Name TEXT,
          Rank TEXT,
          Appointment TEXT,
          Type TEXT,
          CreatedAt TEXT,
          ModifiedAt TEXT);`);
    },
  },
  {
    version: 2,
    name: 'pipeline columns: content hash, item status and lease, face details',
    up(db) {
      addColumn(db, 'MediaFile', 'ContentHash', 'TEXT');
      addColumn(
        db,
        'MediaItems',
        'Status',
        `TEXT NOT NULL DEFAULT 'pending' CHECK (Status IN ('pending', 'processing', 'done', 'failed'))`,
      );
      addColumn(db, 'MediaItems', 'Attempts', 'INTEGER NOT NULL DEFAULT 0');
      addColumn(db, 'MediaItems', 'LastError', 'TEXT');
      addColumn(db, 'MediaItems', 'LeaseOwner', 'TEXT');
      addColumn(db, 'MediaItems', 'LeaseExpiresAt', 'TEXT');
      // What the legacy tool already extracted is not processed again.
      db.exec(`UPDATE MediaItems SET Status = 'done' WHERE IsFacesExtracted = 1 AND Status = 'pending'`);
      addColumn(
        db,
        'Faces',
        'DetectorScore',
        'REAL CHECK (DetectorScore IS NULL OR (DetectorScore >= 0 AND DetectorScore <= 1))',
      );
      addColumn(db, 'Faces', 'Landmarks', 'TEXT');
      addColumn(db, 'Faces', 'ThumbnailPath', 'TEXT');
      // NULL on legacy rows: their embeddings came from an unknown model.
      addColumn(db, 'Faces', 'EmbeddingModel', 'TEXT');
      addColumn(db, 'Faces', 'Sharpness', 'REAL');
    },
  },
  {
    version: 3,
    name: 'coordination tables: FrsLocks, FrsRequests',
    up(db) {
      db.exec(`
        CREATE TABLE IF NOT EXISTS FrsLocks (
          Name TEXT PRIMARY KEY,
          Owner TEXT NOT NULL,
          AcquiredAt TEXT NOT NULL,
          ExpiresAt TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS FrsRequests (
          Id INTEGER PRIMARY KEY AUTOINCREMENT,
          Kind TEXT NOT NULL,
          Status TEXT NOT NULL DEFAULT 'queued' CHECK (Status IN ('queued', 'running', 'done', 'failed')),
          Payload TEXT,
          Result TEXT,
          RequestedAt TEXT NOT NULL,
          StartedAt TEXT,
          FinishedAt TEXT);`);
    },
  },
  {
    version: 4,
    name: 'indexes for the pipeline queries',
    up(db) {
      db.exec(`
        CREATE INDEX IF NOT EXISTS IX_MediaFile_FilePath ON MediaFile (FilePath);
        CREATE INDEX IF NOT EXISTS IX_MediaFile_ContentHash ON MediaFile (ContentHash);
        CREATE INDEX IF NOT EXISTS IX_MediaItems_MediaFileId ON MediaItems (MediaFileId);
        CREATE INDEX IF NOT EXISTS IX_MediaItems_Claim ON MediaItems (Status, Id);
        CREATE INDEX IF NOT EXISTS IX_Faces_MediaItemId ON Faces (MediaItemId);
        CREATE INDEX IF NOT EXISTS IX_Faces_PersonId ON Faces (PersonId);
        CREATE INDEX IF NOT EXISTS IX_Faces_EmbeddingModel ON Faces (EmbeddingModel, PersonId);
        CREATE INDEX IF NOT EXISTS IX_FrsRequests_Take ON FrsRequests (Kind, Status, Id);`);
    },
  },
  {
    version: 5,
    name: 'Faces.GroupedAt: which faces a grouping run has seen',
    up(db) {
      // NULL on existing rows: the first recognise after the upgrade regroups once.
      addColumn(db, 'Faces', 'GroupedAt', 'TEXT');
      db.exec('CREATE INDEX IF NOT EXISTS IX_Faces_GroupedAt ON Faces (GroupedAt, EmbeddingModel)');
    },
  },
  {
    version: 6,
    name: 'people decisions: hidden persons, chosen portraits, rejected faces, cannot-link',
    up(db) {
      addColumn(db, 'Persons', 'IsHidden', 'INTEGER NOT NULL DEFAULT 0');
      // 1 while the portrait is the user's choice: regroups keep it as long as its face stays.
      addColumn(db, 'Persons', 'IsPortraitChosen', 'INTEGER NOT NULL DEFAULT 0');
      // A detection the user said is not a face: out of every person and of grouping for good.
      addColumn(db, 'Faces', 'IsRejected', 'INTEGER NOT NULL DEFAULT 0');
      // Faces the user took out of a person: they never rejoin it.
      db.exec(`
        CREATE TABLE IF NOT EXISTS FrsCannotLink (
          FaceId INTEGER NOT NULL,
          PersonId INTEGER NOT NULL,
          CreatedAt TEXT NOT NULL,
          PRIMARY KEY (FaceId, PersonId));
        CREATE INDEX IF NOT EXISTS IX_FrsCannotLink_PersonId ON FrsCannotLink (PersonId);`);
    },
  },
  {
    version: 7,
    name: 'reliability: file size and mtime, copies, embedding failures, library id',
    up(db) {
      // Size + mtime let a folder scan skip files it knows without reading them.
      addColumn(db, 'MediaFile', 'FileSize', 'INTEGER');
      addColumn(db, 'MediaFile', 'FileModifiedMs', 'INTEGER');
      // A second path with the same content: its item points at the one whose faces count.
      addColumn(db, 'MediaItems', 'DuplicateOfItemId', 'INTEGER');
      // Embedding failures per face and model, so the embed stage moves past them.
      addColumn(db, 'Faces', 'EmbeddingFailedModel', 'TEXT');
      addColumn(db, 'Faces', 'EmbeddingError', 'TEXT');
      db.exec(`
        CREATE INDEX IF NOT EXISTS IX_MediaItems_DuplicateOf ON MediaItems (DuplicateOfItemId);
        CREATE TABLE IF NOT EXISTS FrsLibrary (
          Id INTEGER PRIMARY KEY CHECK (Id = 1),
          LibraryId TEXT NOT NULL,
          CreatedAt TEXT NOT NULL);
        INSERT INTO FrsLibrary (Id, LibraryId, CreatedAt)
          SELECT 1, lower(hex(randomblob(8))), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
          WHERE NOT EXISTS (SELECT 1 FROM FrsLibrary);`);
    },
  },
  {
    version: 8,
    name: "drop-in: the replaced system's columns, generated names, old embeddings",
    up(db) {
      // Its code writes these three but its script never created them; add what is missing.
      addColumn(db, 'Faces', 'IsUserVerified', 'INTEGER NOT NULL DEFAULT 0');
      addColumn(db, 'Persons', 'PortraitFaceId', 'INTEGER');
      addColumn(db, 'Persons', 'Type', 'TEXT');
      // Its script says Extensions, some installations say Extension: both exist from here on, same values.
      const hadExtensions = hasColumn(db, 'MediaFile', 'Extensions');
      const hadExtension = hasColumn(db, 'MediaFile', 'Extension');
      addColumn(db, 'MediaFile', 'Extensions', 'TEXT');
      addColumn(db, 'MediaFile', 'Extension', 'TEXT');
      if (!hadExtensions && hadExtension) db.exec('UPDATE MediaFile SET Extensions = Extension');
      if (hadExtensions && !hadExtension) db.exec('UPDATE MediaFile SET Extension = Extensions');
      // A name equal to GeneratedName was given by FRS (or the replaced system), not by a user.
      addColumn(db, 'Persons', 'GeneratedName', 'TEXT');
      db.prepare(`UPDATE Persons SET GeneratedName = Name WHERE GeneratedName IS NULL AND Name LIKE ?`).run(
        LEGACY_GENERATED_NAME_PATTERN,
      );
      // Embeddings of another model, kept when FRS re-embeds or re-detects a face (no foreign
      // key: they outlive the face row on purpose, with the item and box they belonged to).
      db.exec(`
        CREATE TABLE IF NOT EXISTS FrsOldEmbeddings (
          Id INTEGER PRIMARY KEY AUTOINCREMENT,
          FaceId INTEGER NOT NULL,
          MediaItemId INTEGER,
          BoundingBox TEXT,
          Model TEXT NOT NULL,
          Dimensions INTEGER NOT NULL,
          Embedding BLOB NOT NULL,
          SavedAt TEXT NOT NULL);
        CREATE UNIQUE INDEX IF NOT EXISTS UX_FrsOldEmbeddings_Face ON FrsOldEmbeddings (FaceId, Model);
        CREATE INDEX IF NOT EXISTS IX_Faces_ThumbnailPath ON Faces (ThumbnailPath, Id);`);
    },
  },
  {
    version: 9,
    name: 'indexes for the timer: portraits by face',
    up(db) {
      // Deleting or moving a face checks the portraits that show it; without this index each check scans Persons.
      db.exec('CREATE INDEX IF NOT EXISTS IX_Persons_PortraitFaceId ON Persons (PortraitFaceId)');
    },
  },
  {
    version: 10,
    name: 'indexes for the timer: work found by index ranges',
    up(db) {
      // The embed stage finds its work by ranges of IX_Faces_EmbeddingModel (NOT_EMBEDDED_BY_MODEL),
      // which relies on this; any older row that broke it is queued for embedding again.
      db.exec('UPDATE Faces SET EmbeddingModel = NULL WHERE Embedding IS NULL AND EmbeddingModel IS NOT NULL');
      // Items another application set back to IsFacesExtracted = 0 are looked for on every run.
      db.exec('CREATE INDEX IF NOT EXISTS IX_MediaItems_Unextracted ON MediaItems (IsFacesExtracted, Status)');
    },
  },
  {
    version: 11,
    name: 'grouping index: components at the interaction radius, memberships, dirty marks',
    up(db) {
      // See src/data/aggregates/grouping-index.ts. No foreign keys to Faces: a member row must
      // outlive its deleted face so that the component it was in gets regrouped. Component ids
      // are given by the writer (it holds the grouping lock), so both dialects insert in bulk.
      db.exec(`
        CREATE TABLE IF NOT EXISTS FrsGroupingIndex (
          Model TEXT NOT NULL PRIMARY KEY,
          Radius REAL NOT NULL,
          Settings TEXT NOT NULL,
          BuiltAt TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS FrsGroupingComponents (
          Id INTEGER NOT NULL PRIMARY KEY,
          Model TEXT NOT NULL,
          Centroid BLOB NOT NULL,
          Angle REAL NOT NULL,
          Size INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS IX_FrsGroupingComponents_Model ON FrsGroupingComponents (Model);
        CREATE TABLE IF NOT EXISTS FrsGroupingMembers (
          FaceId INTEGER NOT NULL PRIMARY KEY,
          ComponentId INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS IX_FrsGroupingMembers_ComponentId ON FrsGroupingMembers (ComponentId);
        CREATE TABLE IF NOT EXISTS FrsGroupingDirty (FaceId INTEGER NOT NULL PRIMARY KEY);`);
    },
  },
  {
    version: 12,
    name: 'face search log (FrsFaceChanges) and person face counts (FrsPersonCounts), kept by triggers',
    up(db) {
      // The face index (face-index/face-index.ts) applies these rows before each search, so it
      // follows every writer of Faces: new faces, re-embedding, rejections, deletions.
      // Existing faces need no rows: a missing index is built from Faces itself.
      db.exec(`
        CREATE TABLE IF NOT EXISTS FrsFaceChanges (
          Seq INTEGER PRIMARY KEY AUTOINCREMENT,
          FaceId INTEGER NOT NULL);
        CREATE TRIGGER IF NOT EXISTS TR_Faces_SearchInsert AFTER INSERT ON Faces
          WHEN NEW.Embedding IS NOT NULL
          BEGIN INSERT INTO FrsFaceChanges (FaceId) VALUES (NEW.Id); END;
        CREATE TRIGGER IF NOT EXISTS TR_Faces_SearchUpdate AFTER UPDATE OF Embedding, EmbeddingModel, IsRejected ON Faces
          WHEN OLD.Embedding IS NOT NEW.Embedding OR OLD.EmbeddingModel IS NOT NEW.EmbeddingModel
            OR OLD.IsRejected IS NOT NEW.IsRejected
          BEGIN INSERT INTO FrsFaceChanges (FaceId) VALUES (NEW.Id); END;
        CREATE TRIGGER IF NOT EXISTS TR_Faces_SearchDelete AFTER DELETE ON Faces
          WHEN OLD.Embedding IS NOT NULL
          BEGIN INSERT INTO FrsFaceChanges (FaceId) VALUES (OLD.Id); END;`);
      // Faces (and verified faces) per person, with the person's hidden flag: a page of persons,
      // largest first, walks IX_FrsPersonCounts_Order instead of counting every face of the
      // library. A row per person (0 faces too), made with the person; face triggers only update.
      db.exec(`
        CREATE TABLE IF NOT EXISTS FrsPersonCounts (
          PersonId INTEGER PRIMARY KEY,
          Total INTEGER NOT NULL,
          Verified INTEGER NOT NULL,
          Hidden INTEGER NOT NULL);
        DELETE FROM FrsPersonCounts;
        INSERT INTO FrsPersonCounts (PersonId, Total, Verified, Hidden)
          SELECT p.Id, COALESCE(c.Total, 0), COALESCE(c.Verified, 0), CASE WHEN p.IsHidden = 1 THEN 1 ELSE 0 END
          FROM Persons p LEFT JOIN (
            SELECT PersonId, COUNT(*) AS Total, SUM(CASE WHEN IsUserVerified = 1 THEN 1 ELSE 0 END) AS Verified
            FROM Faces WHERE PersonId IS NOT NULL GROUP BY PersonId) c ON c.PersonId = p.Id;
        CREATE INDEX IF NOT EXISTS IX_FrsPersonCounts_Order ON FrsPersonCounts (Hidden, Total DESC, PersonId);
        CREATE INDEX IF NOT EXISTS IX_FrsPersonCounts_Total ON FrsPersonCounts (Total DESC, PersonId);
        CREATE TRIGGER IF NOT EXISTS TR_Persons_CountInsert AFTER INSERT ON Persons
          BEGIN
            INSERT OR IGNORE INTO FrsPersonCounts (PersonId, Total, Verified, Hidden)
              VALUES (NEW.Id, 0, 0, CASE WHEN NEW.IsHidden = 1 THEN 1 ELSE 0 END);
          END;
        CREATE TRIGGER IF NOT EXISTS TR_Persons_CountHidden AFTER UPDATE OF IsHidden ON Persons
          BEGIN
            UPDATE FrsPersonCounts SET Hidden = CASE WHEN NEW.IsHidden = 1 THEN 1 ELSE 0 END WHERE PersonId = NEW.Id;
          END;
        CREATE TRIGGER IF NOT EXISTS TR_Persons_CountDelete AFTER DELETE ON Persons
          BEGIN DELETE FROM FrsPersonCounts WHERE PersonId = OLD.Id; END;
        CREATE TRIGGER IF NOT EXISTS TR_Faces_CountInsert AFTER INSERT ON Faces
          WHEN NEW.PersonId IS NOT NULL
          BEGIN
            UPDATE FrsPersonCounts SET Total = Total + 1,
              Verified = Verified + CASE WHEN NEW.IsUserVerified = 1 THEN 1 ELSE 0 END
              WHERE PersonId = NEW.PersonId;
          END;
        CREATE TRIGGER IF NOT EXISTS TR_Faces_CountDelete AFTER DELETE ON Faces
          WHEN OLD.PersonId IS NOT NULL
          BEGIN
            UPDATE FrsPersonCounts SET Total = Total - 1,
              Verified = Verified - CASE WHEN OLD.IsUserVerified = 1 THEN 1 ELSE 0 END
              WHERE PersonId = OLD.PersonId;
          END;
        CREATE TRIGGER IF NOT EXISTS TR_Faces_CountUpdate AFTER UPDATE OF PersonId, IsUserVerified ON Faces
          WHEN OLD.PersonId IS NOT NEW.PersonId
            OR (CASE WHEN OLD.IsUserVerified = 1 THEN 1 ELSE 0 END) <> (CASE WHEN NEW.IsUserVerified = 1 THEN 1 ELSE 0 END)
          BEGIN
            UPDATE FrsPersonCounts SET Total = Total - 1,
              Verified = Verified - CASE WHEN OLD.IsUserVerified = 1 THEN 1 ELSE 0 END
              WHERE PersonId = OLD.PersonId;
            UPDATE FrsPersonCounts SET Total = Total + 1,
              Verified = Verified + CASE WHEN NEW.IsUserVerified = 1 THEN 1 ELSE 0 END
              WHERE PersonId = NEW.PersonId;
          END;`);
    },
  },
  {
    version: 13,
    name: 'face quality score',
    up(db) {
      // 0..1 (src/vision/face-quality.ts); NULL for faces stored before: they count as acceptable
      // until they are embedded again.
      addColumn(db, 'Faces', 'Quality', 'REAL CHECK (Quality IS NULL OR (Quality >= 0 AND Quality <= 1))');
    },
  },
  {
    version: 14,
    name: 'people app: face counts per person from an index',
    up(db) {
      // Every page of the people grid counts each person's faces and confirmed faces; with both
      // columns in one index that is an index-only scan, not a read of every Faces row (embeddings included).
      db.exec('CREATE INDEX IF NOT EXISTS IX_Faces_PersonId_Verified ON Faces (PersonId, IsUserVerified)');
    },
  },
];

export const latestSqliteVersion = sqliteMigrations[sqliteMigrations.length - 1].version;

/**
 * Applies what is missing, each migration in its own IMMEDIATE transaction that re-reads the
 * version, so two processes opening the same file at once apply each migration exactly once.
 */
export function migrateSqlite(db: Database.Database): void {
  db.exec(`CREATE TABLE IF NOT EXISTS FrsSchemaVersion (
    Version INTEGER PRIMARY KEY,
    Name TEXT NOT NULL,
    AppliedAt TEXT NOT NULL)`);
  const currentVersion = () =>
    (db.prepare('SELECT COALESCE(MAX(Version), 0) AS v FROM FrsSchemaVersion').get() as { v: number }).v;
  const found = currentVersion();
  if (found > latestSqliteVersion) {
    throw new FrsError(
      'DATABASE_ERROR',
      `The database schema is version ${found}, newer than this FRS supports (${latestSqliteVersion}). Update FRS.`,
    );
  }
  for (const migration of sqliteMigrations) {
    db.transaction(() => {
      // By version, not by "below the latest": migrations numbered out of order still run once.
      if (db.prepare('SELECT 1 FROM FrsSchemaVersion WHERE Version = ?').get(migration.version)) return;
      migration.up(db);
      db.prepare('INSERT INTO FrsSchemaVersion (Version, Name, AppliedAt) VALUES (?, ?, ?)').run(
        migration.version,
        migration.name,
        new Date().toISOString(),
      );
    }).immediate();
  }
}
