/**
 * Grouping-index queries shared by both dialects: the text differs only in how an id list
 * arrives (`list(param)`: SQLite json_each, T-SQL OPENJSON), so each dialect passes its own.
 */
import { FACES_DIGEST_COLUMNS } from './shared-queries.js';

/** A subquery over an id list parameter given as JSON text. */
export type IdList = (param: string) => string;

/** The faces a regroup reads (as FACES_FOR_GROUPING_SQL in shared-queries.ts). */
const ELIGIBLE = `f.EmbeddingModel = @model AND f.Embedding IS NOT NULL AND COALESCE(f.IsRejected, 0) = 0`;

/**
 * Faces of a selection, eligible for grouping, with their component. The ids are collected by
 * UNION first so that each branch uses its own index, and `f.Id IN (...)` makes the planner look
 * faces up by id (a join from Faces would scan every face of the model).
 */
export const facesInSelectionSql = (list: IdList) => `SELECT f.Id, i.MediaFileId, f.PersonId, f.Embedding, f.Sharpness,
  f.DetectorScore, f.Quality, f.IsUserVerified, CASE WHEN f.GroupedAt IS NULL THEN 0 ELSE 1 END AS Grouped, gm.ComponentId
FROM Faces f JOIN MediaItems i ON i.Id = f.MediaItemId
LEFT JOIN FrsGroupingMembers gm ON gm.FaceId = f.Id
WHERE f.Id IN (${list('@faces')}
    UNION SELECT Id FROM Faces WHERE PersonId IN (${list('@persons')})
    UNION SELECT FaceId FROM FrsGroupingMembers WHERE ComponentId IN (${list('@components')}))
  AND ${ELIGIBLE}
ORDER BY f.Id`;

/** Every verified face with a person, eligible for grouping, with its component (centroid matching). */
export const VERIFIED_FACES_SQL = `SELECT f.Id, i.MediaFileId, f.PersonId, f.Embedding, f.Sharpness,
  f.DetectorScore, f.Quality, f.IsUserVerified, CASE WHEN f.GroupedAt IS NULL THEN 0 ELSE 1 END AS Grouped, gm.ComponentId
FROM Faces f JOIN MediaItems i ON i.Id = f.MediaItemId
LEFT JOIN FrsGroupingMembers gm ON gm.FaceId = f.Id
WHERE ${ELIGIBLE} AND f.PersonId IS NOT NULL AND f.IsUserVerified = 1
ORDER BY f.Id`;

/** A page of faces to group after @after; `top` / `limit` are the dialect's row limit (T-SQL TOP, SQLite LIMIT). */
export const facesPageSql = (
  top: string,
  limit: string,
) => `SELECT ${top} f.Id, i.MediaFileId, f.PersonId, f.Embedding, f.Sharpness,
  f.DetectorScore, f.Quality, f.IsUserVerified, CASE WHEN f.GroupedAt IS NULL THEN 0 ELSE 1 END AS Grouped, gm.ComponentId
FROM Faces f JOIN MediaItems i ON i.Id = f.MediaItemId
LEFT JOIN FrsGroupingMembers gm ON gm.FaceId = f.Id
WHERE ${ELIGIBLE} AND f.Id > @after
ORDER BY f.Id ${limit}`;

/** New to grouping: any face (verified too) whose embedding of @model no run has grouped. */
export const NEW_FACES_CONDITION = `f.GroupedAt IS NULL AND ${ELIGIBLE}`;

export const DIRTY_FACES_SQL = `SELECT d.FaceId, gm.ComponentId FROM FrsGroupingDirty d
LEFT JOIN FrsGroupingMembers gm ON gm.FaceId = d.FaceId ORDER BY d.FaceId`;

export const CONES_SQL = `SELECT Id, Centroid, Angle, Size FROM FrsGroupingComponents WHERE Model = @model ORDER BY Id`;

/**
 * What an incremental regroup read: the faces it decided over and the faces of their persons
 * (ids, persons, verification, rejection, grouping, embedding, edits), those persons, and every
 * dirty mark (a people action anywhere makes the regroup decide again: cheap, and never wrong).
 */
export const fingerprintOfSql = (list: IdList, facesTable = 'Faces', personsTable = 'Persons') => `SELECT s.*, p.*, d.*
FROM (SELECT COUNT(*) AS Faces, SUM(CAST(Id AS BIGINT)) AS FaceIds,
    ${FACES_DIGEST_COLUMNS}
  FROM ${facesTable}
  WHERE Id IN (${list('@faces')} UNION SELECT Id FROM Faces WHERE PersonId IN (${list('@persons')}))) s
CROSS JOIN (SELECT COUNT(*) AS Persons, MAX(ModifiedAt) AS PersonsModified
  FROM ${personsTable} WHERE Id IN (${list('@persons')})) p
CROSS JOIN (SELECT COUNT(*) AS Dirty, SUM(CAST(FaceId AS BIGINT)) AS DirtyIds FROM FrsGroupingDirty) d`;

/** The next free component id (the writer holds the grouping lock and the write transaction). */
export const NEXT_COMPONENT_ID_SQL = 'SELECT COALESCE(MAX(Id), 0) + 1 AS NextId FROM FrsGroupingComponents';
