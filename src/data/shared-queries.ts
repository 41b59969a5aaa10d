/**
 * Read queries whose text is valid in both SQLite and T-SQL (named @params work in
 * better-sqlite3 and mssql alike), so the two adapters cannot drift apart on them.
 */
import { FACE_COLUMNS } from './row-mappers.js';

const PERSON_SELECT = `SELECT p.Id, p.Name, p.Rank, p.Appointment, p.Type, p.PortraitFaceId, p.PortraitMediaFileId,
  COALESCE(c.Total, 0) AS FaceCount, COALESCE(c.Verified, 0) AS VerifiedFaceCount,
  pf.Name AS PortraitThumbnailName, pf.ThumbnailPath AS PortraitThumbnailPath
FROM Persons p
LEFT JOIN (SELECT PersonId, COUNT(*) AS Total, SUM(CASE WHEN IsUserVerified = 1 THEN 1 ELSE 0 END) AS Verified
           FROM Faces WHERE PersonId IS NOT NULL GROUP BY PersonId) c ON c.PersonId = p.Id
LEFT JOIN Faces pf ON pf.Id = p.PortraitFaceId`;

export const LIST_PERSONS_SQL = `${PERSON_SELECT} ORDER BY FaceCount DESC, p.Id`;
export const GET_PERSON_SQL = `${PERSON_SELECT} WHERE p.Id = @id`;
export const FACES_OF_PERSON_SQL = `SELECT ${FACE_COLUMNS} FROM Faces f WHERE f.PersonId = @id ORDER BY f.Id`;
export const FACES_OF_ITEM_SQL = `SELECT ${FACE_COLUMNS} FROM Faces f WHERE f.MediaItemId = @id ORDER BY f.Id`;

export const STATS_SQL = `SELECT
  (SELECT COUNT(*) FROM MediaFile) AS MediaFiles,
  (SELECT COUNT(*) FROM Faces) AS Faces,
  (SELECT COUNT(*) FROM Faces WHERE Embedding IS NOT NULL) AS FacesWithEmbedding,
  (SELECT COUNT(*) FROM Faces WHERE PersonId IS NULL AND COALESCE(IsUserVerified, 0) = 0) AS UnassignedFaces,
  (SELECT COUNT(*) FROM Faces WHERE IsUserVerified = 1) AS VerifiedFaces,
  (SELECT COUNT(*) FROM Persons) AS Persons,
  (SELECT COUNT(*) FROM FrsRequests WHERE Status = 'queued') AS QueuedRequests`;
/** For the status page: the last processed photo and the recluster queue. */
export const ACTIVITY_SQL = `SELECT
  (SELECT MAX(FacesExtractedOn) FROM MediaItems) AS LastProcessedAt,
  (SELECT COUNT(*) FROM FrsRequests WHERE Kind = 'recluster' AND Status = 'queued') AS QueuedReclusters`;
export const ITEM_STATUS_COUNTS_SQL = 'SELECT Status, COUNT(*) AS N FROM MediaItems GROUP BY Status';

/** What the group stage reads: every face with an embedding from @model, with its person. */
export const FACES_FOR_GROUPING_SQL = `SELECT f.Id, i.MediaFileId, f.PersonId, f.Embedding, f.Sharpness, f.DetectorScore, f.IsUserVerified,
  CASE WHEN f.GroupedAt IS NULL THEN 0 ELSE 1 END AS Grouped
FROM Faces f JOIN MediaItems i ON i.Id = f.MediaItemId
WHERE f.EmbeddingModel = @model AND f.Embedding IS NOT NULL
ORDER BY f.Id`;

/**
 * Aggregates that change whenever a regroup's input changes: faces added or removed, moved,
 * verified, grouped or (re)embedded, persons added or removed; one scan of each table. A regroup decides outside its write
 * transaction and decides again under the lock only when this differs (group-stage.ts).
 */
export const GROUPING_FINGERPRINT_SQL = `SELECT f.*, p.*
FROM (SELECT COUNT(*) AS Faces, MAX(Id) AS MaxFaceId, SUM(CAST(Id AS BIGINT)) AS FaceIds,
    SUM(CAST(COALESCE(PersonId, 0) AS BIGINT) * (Id % 9973 + 1)) AS Assignments,
    SUM(CASE WHEN COALESCE(IsUserVerified, 0) = 1 THEN CAST(Id AS BIGINT) ELSE 0 END) AS Verified,
    SUM(CASE WHEN GroupedAt IS NULL THEN CAST(Id AS BIGINT) ELSE 0 END) AS Ungrouped,
    SUM(CASE WHEN EmbeddingModel = @model AND Embedding IS NOT NULL THEN CAST(Id AS BIGINT) ELSE 0 END) AS Embedded,
    MAX(ModifiedAt) AS FacesModified
  FROM Faces) f
CROSS JOIN (SELECT COUNT(*) AS Persons, SUM(CAST(Id AS BIGINT)) AS PersonIds FROM Persons) p`;

/** Unverified faces with an embedding from @model that no grouping run has seen: new work for recognise. */
export const UNGROUPED_FACES_CONDITION = `GroupedAt IS NULL AND COALESCE(IsUserVerified, 0) = 0 AND EmbeddingModel = @model AND Embedding IS NOT NULL`;

/** Portraits must show their person: true for a row of Persons whose portrait face moved away or was deleted. */
export const STALE_PORTRAIT_CONDITION = `Persons.PortraitFaceId IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM Faces f WHERE f.Id = Persons.PortraitFaceId AND f.PersonId = Persons.Id)`;

/** Persons a regroup may drop: nothing assigned and nothing a user typed in. */
export const EMPTY_PERSON_CONDITION = `COALESCE(Persons.Name, '') = '' AND COALESCE(Persons.Rank, '') = '' AND COALESCE(Persons.Appointment, '') = ''
  AND NOT EXISTS (SELECT 1 FROM Faces f WHERE f.PersonId = Persons.Id)`;

/** Before an item's unverified faces are replaced: portraits showing them would dangle. */
export const CLEAR_ITEM_PORTRAITS_SQL = `UPDATE Persons SET PortraitFaceId = NULL, PortraitMediaFileId = NULL
WHERE PortraitFaceId IN (SELECT Id FROM Faces WHERE MediaItemId = @id AND COALESCE(IsUserVerified, 0) = 0)`;
