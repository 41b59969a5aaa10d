/** The grouping index (SQLite): components, memberships, dirty marks (aggregates/grouping-index.ts). */
import type Database from 'better-sqlite3';
import { decodeEmbedding, encodeEmbedding } from '../embedding-codec.js';
import {
  CONES_SQL,
  DIRTY_FACES_SQL,
  facesInSelectionSql,
  facesPageSql,
  fingerprintOfSql,
  NEW_FACES_CONDITION,
  NEXT_COMPONENT_ID_SQL,
  VERIFIED_FACES_SQL,
} from '../grouping-index-queries.js';
import type {
  ComponentUpdate,
  FaceComponent,
  GroupingFaceSelection,
  GroupingIndexInfo,
  GroupingWork,
  IndexedGroupingFace,
  StoredCone,
} from '../repository.js';
import { groupingFaceFromRow, num, numOrNull, type Row } from '../row-mappers.js';
import { JSON_BATCH, positionsById } from './sqlite-bulk.js';
import { nowIso, sql } from './sqlite-statements.js';

type Db = Database.Database;

const jsonList = (param: string) => `SELECT value FROM json_each(${param})`;
/**
 * The unary + keeps SQLite's planner off IX_Faces_EmbeddingModel: with it, the planner walks every
 * face of the model and filters by the id list instead of looking the few ids up.
 */
const FACES_IN_SELECTION = facesInSelectionSql(jsonList).replace(
  'f.EmbeddingModel = @model',
  '+f.EmbeddingModel = @model',
);
const FINGERPRINT_OF = fingerprintOfSql(jsonList);
const indexedFace = (r: Row): IndexedGroupingFace => ({
  ...groupingFaceFromRow(r),
  componentId: numOrNull(r.ComponentId),
});
const faceComponent = (r: Row): FaceComponent => ({ faceId: num(r.FaceId), componentId: numOrNull(r.ComponentId) });

export function groupingIndexInfo(db: Db, model: string): GroupingIndexInfo | null {
  const row = sql(db, 'SELECT Radius, Settings FROM FrsGroupingIndex WHERE Model = ?').get(model) as Row | undefined;
  return row ? { radius: num(row.Radius), settings: String(row.Settings) } : null;
}

export function groupingCones(db: Db, model: string): StoredCone[] {
  return (sql(db, CONES_SQL).all({ model }) as Row[]).map((r) => ({
    componentId: num(r.Id),
    centroid: decodeEmbedding(r.Centroid as Uint8Array),
    angle: num(r.Angle),
    size: num(r.Size),
  }));
}

export function groupingWork(db: Db, model: string, limit: number): GroupingWork {
  const newFaces = sql(
    db,
    `SELECT f.Id AS FaceId, gm.ComponentId FROM Faces f LEFT JOIN FrsGroupingMembers gm ON gm.FaceId = f.Id
    WHERE ${NEW_FACES_CONDITION} ORDER BY f.Id LIMIT @limit`,
  ).all({ model, limit }) as Row[];
  const dirty = sql(db, DIRTY_FACES_SQL).all() as Row[];
  return { newFaces: newFaces.map(faceComponent), dirty: dirty.map(faceComponent) };
}

/**
 * Pages walk the primary key from @after and stop after @limit rows; the unary + keeps the planner
 * off IX_Faces_EmbeddingModel, which would walk every remaining face of the model and sort them for
 * each page (3.8 s per page at 1M faces, a full regroup's read quadratic). Faces of other models
 * are skipped by the filter, so a full read costs each face once.
 */
const FACES_PAGE = facesPageSql('', 'LIMIT @limit').replace('f.EmbeddingModel = @model', '+f.EmbeddingModel = @model');

export function facesForGroupingPage(db: Db, model: string, afterId: number, limit: number): IndexedGroupingFace[] {
  return (sql(db, FACES_PAGE).all({ model, after: afterId, limit }) as Row[]).map(indexedFace);
}

export function facesForGroupingIn(db: Db, model: string, selection: GroupingFaceSelection): IndexedGroupingFace[] {
  const rows = sql(db, FACES_IN_SELECTION).all({
    model,
    faces: JSON.stringify(selection.faceIds ?? []),
    persons: JSON.stringify(selection.personIds ?? []),
    components: JSON.stringify(selection.componentIds ?? []),
  }) as Row[];
  return rows.map(indexedFace);
}

export function verifiedFacesForGrouping(db: Db, model: string): IndexedGroupingFace[] {
  return (sql(db, VERIFIED_FACES_SQL).all({ model }) as Row[]).map((r) => ({
    ...groupingFaceFromRow(r),
    componentId: numOrNull(r.ComponentId),
  }));
}

export function saveGroupingComponents(db: Db, update: ComponentUpdate): number[] {
  return db.transaction((): number[] => {
    if (update.replaceAll) {
      sql(
        db,
        'DELETE FROM FrsGroupingMembers WHERE ComponentId IN (SELECT Id FROM FrsGroupingComponents WHERE Model = ?)',
      ).run(update.model);
      sql(db, 'DELETE FROM FrsGroupingComponents WHERE Model = ?').run(update.model);
    }
    for (const id of update.removed) {
      sql(db, 'DELETE FROM FrsGroupingMembers WHERE ComponentId = ?').run(id);
      sql(db, 'DELETE FROM FrsGroupingComponents WHERE Id = ?').run(id);
    }
    const insertComponent = sql(
      db,
      'INSERT INTO FrsGroupingComponents (Id, Model, Centroid, Angle, Size) VALUES (?, ?, ?, ?, ?)',
    );
    let next = num((sql(db, NEXT_COMPONENT_ID_SQL).get() as Row).NextId);
    // A face moves to its new component whatever component it was in before.
    const insertMembers = sql(
      db,
      `INSERT OR REPLACE INTO FrsGroupingMembers (FaceId, ComponentId)
      SELECT value ->> 0, value ->> 1 FROM json_each(?) ORDER BY key`,
    );
    const ids = update.added.map((c) => {
      const id = next++;
      insertComponent.run(id, update.model, encodeEmbedding(c.centroid), c.angle, c.faceIds.length);
      return id;
    });
    // Members in face order, a statement per batch (sqlite-bulk.ts): a first recluster lists every face.
    const memberCount = update.added.reduce((sum, c) => sum + c.faceIds.length, 0);
    const faces = new Float64Array(memberCount);
    const components = new Float64Array(memberCount);
    let at = 0;
    update.added.forEach((c, k) => {
      for (const faceId of c.faceIds) {
        faces[at] = faceId;
        components[at++] = ids[k];
      }
    });
    // A face listed twice ends in the later component.
    const byFace = positionsById(faces);
    for (let from = 0; from < memberCount; from += JSON_BATCH) {
      const batch = Array.from(byFace.subarray(from, from + JSON_BATCH), (m) => [faces[m], components[m]]);
      insertMembers.run(JSON.stringify(batch));
    }
    for (const faceId of update.settled) sql(db, 'DELETE FROM FrsGroupingDirty WHERE FaceId = ?').run(faceId);
    sql(
      db,
      `INSERT INTO FrsGroupingIndex (Model, Radius, Settings, BuiltAt) VALUES (@model, @radius, @settings, @now)
      ON CONFLICT (Model) DO UPDATE SET Radius = @radius, Settings = @settings, BuiltAt = @now`,
    ).run({ model: update.model, radius: update.radius, settings: update.settings, now: nowIso() });
    return ids;
  })();
}

export function markGroupingDirty(db: Db, selection: { faceIds?: number[]; personIds?: number[] }): void {
  sql(
    db,
    `INSERT OR IGNORE INTO FrsGroupingDirty (FaceId)
    SELECT value FROM json_each(@faces) UNION SELECT Id FROM Faces WHERE PersonId IN (SELECT value FROM json_each(@persons))`,
  ).run({ faces: JSON.stringify(selection.faceIds ?? []), persons: JSON.stringify(selection.personIds ?? []) });
}

/** holdForWrite needs nothing here: a transaction is BEGIN IMMEDIATE, which already keeps other writers out. */
export function groupingFingerprintOf(
  db: Db,
  model: string,
  selection: { faceIds: number[]; personIds: number[] },
  _options?: { holdForWrite?: boolean },
): string {
  return JSON.stringify(
    sql(db, FINGERPRINT_OF).get({
      model,
      faces: JSON.stringify(selection.faceIds),
      persons: JSON.stringify(selection.personIds),
    }),
  );
}
