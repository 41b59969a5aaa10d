/**
 * Read queries whose text is valid in both SQLite and T-SQL (named @params work in
 * better-sqlite3 and mssql alike), so the two adapters cannot drift apart on them.
 */
import { FACE_COLUMNS, FACE_DETAIL_COLUMNS } from './row-mappers.js';

export const PERSON_COLUMNS = `p.Id, p.Name, CASE WHEN p.Name = p.GeneratedName THEN 1 ELSE 0 END AS NameIsGenerated, p.Rank, p.Appointment, p.Type, p.PortraitFaceId, p.PortraitMediaFileId,
  p.IsHidden, p.IsPortraitChosen, COALESCE(c.Total, 0) AS FaceCount, COALESCE(c.Verified, 0) AS VerifiedFaceCount,
  pf.Name AS PortraitThumbnailName, pf.ThumbnailPath AS PortraitThumbnailPath`;
/**
 * Face counts come from FrsPersonCounts (migration 12: a table kept by triggers in SQLite, an
 * indexed view on SQL Server), so a page of persons does not count every face of the library.
 */
const PERSON_FROM = `FROM Persons p
LEFT JOIN FrsPersonCounts c ON c.PersonId = p.Id
LEFT JOIN Faces pf ON pf.Id = p.PortraitFaceId`;
const PERSON_SELECT = `SELECT ${PERSON_COLUMNS} ${PERSON_FROM}`;

export const LIST_PERSONS_SQL = `${PERSON_SELECT} ORDER BY FaceCount DESC, p.Id`;
export const GET_PERSON_SQL = `${PERSON_SELECT} WHERE p.Id = @id`;
/** Persons whose id is in a list the caller supplies (`@id` or a VALUES subquery), counted over their own faces only. */
export const personsWhereIdIn = (ids: string) => `SELECT ${PERSON_COLUMNS} FROM Persons p
LEFT JOIN (SELECT PersonId, COUNT(*) AS Total, SUM(CASE WHEN IsUserVerified = 1 THEN 1 ELSE 0 END) AS Verified
           FROM Faces WHERE PersonId IN (${ids}) GROUP BY PersonId) c ON c.PersonId = p.Id
LEFT JOIN Faces pf ON pf.Id = p.PortraitFaceId
WHERE p.Id IN (${ids}) ORDER BY p.Id`;

/**
 * A listing is one query per page: rows numbered by ROW_NUMBER() in the listing's order, with the
 * total (COUNT(*) OVER ()) on every row; the same text in both dialects (no LIMIT / OFFSET-FETCH).
 * `count` is for the rare page past the end. Parameters: @offset, @limit and the listing's own.
 */
export interface PagedQuery {
  page: string;
  count: string;
}

const paged = (columns: string, from: string, where: string, orderBy: string): PagedQuery => ({
  page: `SELECT * FROM (SELECT ${columns}, ROW_NUMBER() OVER (ORDER BY ${orderBy}) AS RowNo, COUNT(*) OVER () AS TotalRows
  ${from} WHERE ${where}) paged
WHERE paged.RowNo > @offset AND paged.RowNo <= @offset + @limit ORDER BY paged.RowNo`,
  count: `SELECT COUNT(*) AS N ${from} WHERE ${where}`,
});

/**
 * @search: text the name must contain (NULL: every person); @hidden: 0, 1 or NULL (both).
 * `contains` is the dialect's case-insensitive "p.Name contains @search" (no LIKE, so no
 * wildcards to escape): SQLite instr(lower(...)), T-SQL CHARINDEX over LOWER (whatever the collation).
 */
/** The persons listing's filter: @search (NULL: every person) and @hidden (0, 1 or NULL: both). */
export const personsFilter = (contains: string): string =>
  `(@search IS NULL OR ${contains}) AND (@hidden IS NULL OR COALESCE(p.IsHidden, 0) = @hidden)`;

/**
 * A page of persons, largest first, for SQL Server (SQLite walks its count index instead:
 * sqlite-persons.ts). The page is chosen over ids and counts alone; only its rows are joined
 * with their details (portrait face), so a page does not read every person's portrait row.
 */
export const searchPersonsQuery = (contains: string): PagedQuery => {
  const where = personsFilter(contains);
  return {
    page: `SELECT ${PERSON_COLUMNS}, paged.RowNo, paged.TotalRows FROM (
  SELECT p.Id AS PageId, ROW_NUMBER() OVER (ORDER BY COALESCE(c.Total, 0) DESC, p.Id) AS RowNo, COUNT(*) OVER () AS TotalRows
  FROM Persons p LEFT JOIN FrsPersonCounts c ON c.PersonId = p.Id WHERE ${where}) paged
JOIN Persons p ON p.Id = paged.PageId
LEFT JOIN FrsPersonCounts c ON c.PersonId = p.Id
LEFT JOIN Faces pf ON pf.Id = p.PortraitFaceId
WHERE paged.RowNo > @offset AND paged.RowNo <= @offset + @limit ORDER BY paged.RowNo`,
    count: `SELECT COUNT(*) AS N FROM Persons p WHERE ${where}`,
  };
};

/** The search text, trimmed; null for none. */
export function searchText(text: string | undefined): string | null {
  return text?.trim() || null;
}

const FACE_DETAIL_FROM = `FROM Faces f JOIN MediaItems i ON i.Id = f.MediaItemId JOIN MediaFile m ON m.Id = i.MediaFileId
LEFT JOIN Persons fp ON fp.Id = f.PersonId`;

export const FACES_OF_PERSON_PAGE = paged(FACE_DETAIL_COLUMNS, FACE_DETAIL_FROM, 'f.PersonId = @id', 'f.Id');
/** Faces in no person, not rejected, embedded by @model: what the user may still sort. */
export const UNASSIGNED_FACES_PAGE = paged(
  FACE_DETAIL_COLUMNS,
  FACE_DETAIL_FROM,
  'f.PersonId IS NULL AND COALESCE(f.IsRejected, 0) = 0 AND f.EmbeddingModel = @model AND f.Embedding IS NOT NULL',
  'f.Id',
);
/** Faces by id (@id0, @id1, ... or a VALUES list: the caller supplies the IN list). */
export const faceDetailsWhere = (condition: string) =>
  `SELECT ${FACE_DETAIL_COLUMNS} ${FACE_DETAIL_FROM} WHERE ${condition} ORDER BY f.Id`;
/** The faces of one photo with their persons, rejected ones left out. */
export const FACES_OF_PHOTO_SQL = faceDetailsWhere('f.MediaItemId = @id AND COALESCE(f.IsRejected, 0) = 0');
export const PHOTO_COLUMNS = 'i.Id AS ItemId, i.MediaFileId, m.FileName, m.FilePath';
export const PHOTO_FROM = 'FROM MediaItems i JOIN MediaFile m ON m.Id = i.MediaFileId';
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
/** One status only: a range of IX_MediaItems_Claim (Status, Id), so its cost follows that status's items. */
export const COUNT_ITEMS_SQL = 'SELECT COUNT(*) AS N FROM MediaItems WHERE Status = @status';

/** What the group stage reads: every face with an embedding from @model, with its person; rejected faces never. */
export const FACES_FOR_GROUPING_SQL = `SELECT f.Id, i.MediaFileId, f.PersonId, f.Embedding, f.Sharpness, f.DetectorScore, f.Quality, f.IsUserVerified,
  CASE WHEN f.GroupedAt IS NULL THEN 0 ELSE 1 END AS Grouped
FROM Faces f JOIN MediaItems i ON i.Id = f.MediaItemId
WHERE f.EmbeddingModel = @model AND f.Embedding IS NOT NULL AND COALESCE(f.IsRejected, 0) = 0
ORDER BY f.Id`;

export const CANNOT_LINKS_SQL = 'SELECT FaceId, PersonId FROM FrsCannotLink ORDER BY FaceId, PersonId';

/**
 * What a grouping fingerprint sums over a set of faces: who has which person, verification,
 * rejection, grouping, embedding of @model, and the last edit. Any change to one of these makes a
 * decided regroup decide again (group-stage.ts, incremental-grouping.ts).
 */
export const FACES_DIGEST_COLUMNS = `SUM(CAST(COALESCE(PersonId, 0) AS BIGINT) * (Id % 9973 + 1)) AS Assignments,
    SUM(CASE WHEN COALESCE(IsUserVerified, 0) = 1 THEN CAST(Id AS BIGINT) ELSE 0 END) AS Verified,
    SUM(CASE WHEN COALESCE(IsRejected, 0) = 1 THEN CAST(Id AS BIGINT) ELSE 0 END) AS Rejected,
    SUM(CASE WHEN GroupedAt IS NULL THEN CAST(Id AS BIGINT) ELSE 0 END) AS Ungrouped,
    SUM(CASE WHEN EmbeddingModel = @model AND Embedding IS NOT NULL THEN CAST(Id AS BIGINT) ELSE 0 END) AS Embedded,
    MAX(ModifiedAt) AS FacesModified`;

/**
 * Aggregates that change whenever a regroup's input changes: faces added or removed, moved,
 * verified, rejected, grouped or (re)embedded, persons added, removed or edited (portrait,
 * hidden, any field through ModifiedAt), cannot-link pairs; one scan of each table. Every people
 * action changes it, so a regroup decided before the action decides again instead of overwriting it. A regroup decides outside its write
 * transaction and decides again under the lock only when this differs (group-stage.ts).
 */
export const GROUPING_FINGERPRINT_SQL = `SELECT f.*, p.*, c.*
FROM (SELECT COUNT(*) AS Faces, MAX(Id) AS MaxFaceId, SUM(CAST(Id AS BIGINT)) AS FaceIds,
    ${FACES_DIGEST_COLUMNS}
  FROM Faces) f
CROSS JOIN (SELECT COUNT(*) AS Persons, SUM(CAST(Id AS BIGINT)) AS PersonIds,
    SUM(CAST(COALESCE(PortraitFaceId, 0) AS BIGINT) * (Id % 9973 + 1)) AS Portraits,
    SUM(CASE WHEN COALESCE(IsPortraitChosen, 0) = 1 THEN CAST(Id AS BIGINT) ELSE 0 END) AS ChosenPortraits,
    SUM(CASE WHEN COALESCE(IsHidden, 0) = 1 THEN CAST(Id AS BIGINT) ELSE 0 END) AS Hidden,
    MAX(ModifiedAt) AS PersonsModified
  FROM Persons) p
CROSS JOIN (SELECT COUNT(*) AS CannotLinks, SUM(CAST(FaceId AS BIGINT) * (PersonId % 9973 + 1)) AS CannotLinkPairs
  FROM FrsCannotLink) c`;

/** Unverified faces with an embedding from @model that no grouping run has seen: new work for recognise. */
/**
 * Ids of the faces whose embedding is missing or from another model: three ranges of
 * IX_Faces_EmbeddingModel, so the timer's embed stage reads only the faces it has work for
 * instead of scanning Faces (embeddings in-row) on every run. (Written as one OR, SQLite scans
 * Faces in id order for the ORDER BY ... LIMIT.) It relies on the invariant that a face without an
 * embedding has no EmbeddingModel: FRS writes the two together, the replaced system's UpsertFace
 * never clears an embedding, and migration 10 restored it once. SQL Server adds the faces equal
 * to @model only under its case-insensitive collation (mssql-faces.ts).
 */
export const NOT_EMBEDDED_BY_MODEL_IDS = `SELECT Id FROM Faces WHERE EmbeddingModel IS NULL
  UNION ALL SELECT Id FROM Faces WHERE EmbeddingModel < @model
  UNION ALL SELECT Id FROM Faces WHERE EmbeddingModel > @model`;

export const UNGROUPED_FACES_CONDITION = `GroupedAt IS NULL AND COALESCE(IsUserVerified, 0) = 0 AND EmbeddingModel = @model AND Embedding IS NOT NULL`;

/** A portrait the user chose, whose face is still the person's: regroups leave it. */
export const KEPT_PORTRAIT_CONDITION = `COALESCE(Persons.IsPortraitChosen, 0) = 1
  AND EXISTS (SELECT 1 FROM Faces f WHERE f.Id = Persons.PortraitFaceId AND f.PersonId = Persons.Id)`;

/** Portraits must show their person: true for a row of Persons whose portrait face moved away or was deleted. */
export const STALE_PORTRAIT_CONDITION = `Persons.PortraitFaceId IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM Faces f WHERE f.Id = Persons.PortraitFaceId AND f.PersonId = Persons.Id)`;

/** A person's Name that no user typed: empty, or still the generated `Unknown-<id>` (Persons.GeneratedName). */
export const UNNAMED_PERSON_CONDITION = `(COALESCE(Persons.Name, '') = '' OR Persons.Name = Persons.GeneratedName)`;

/** Persons a regroup may drop: nothing assigned and nothing a user typed in or decided (hidden). */
export const EMPTY_PERSON_CONDITION = `${UNNAMED_PERSON_CONDITION} AND COALESCE(Persons.Rank, '') = '' AND COALESCE(Persons.Appointment, '') = ''
  AND COALESCE(Persons.IsHidden, 0) = 0
  AND NOT EXISTS (SELECT 1 FROM Faces f WHERE f.PersonId = Persons.Id)`;

/**
 * Faces `f` FRS can make a thumbnail for (a box) after @after: all of them, or only those without
 * one. The timer asks for the latter on every run: two ranges of IX_Faces_ThumbnailPath
 * (ThumbnailPath, Id), so it reads the faces that lack one rather than every face.
 */
export function facesNeedingThumbnailsWhere(onlyMissing: boolean): string {
  if (!onlyMissing) return 'f.BoundingBox IS NOT NULL AND f.Id > @after';
  return `f.Id IN (SELECT Id FROM Faces WHERE ThumbnailPath IS NULL AND Id > @after
    UNION ALL SELECT Id FROM Faces WHERE ThumbnailPath = '' AND Id > @after) AND f.BoundingBox IS NOT NULL`;
}

/** Model name recorded for an embedding stored without one (the replaced system's). */
export const UNKNOWN_MODEL_NAME = 'replaced-system';

/** Items the replaced system's habit put back (SQLite; the T-SQL claim adds lock hints): IsFacesExtracted set to 0 on an item FRS finished. */
export const REQUEUE_UNEXTRACTED_SQL = `UPDATE MediaItems SET Status = 'pending', Attempts = 0, LastError = NULL, LeaseOwner = NULL, LeaseExpiresAt = NULL
WHERE Status = 'done' AND IsFacesExtracted = 0`;
