/**
 * The grouping index (T-SQL): components, memberships, dirty marks (aggregates/grouping-index.ts).
 * Id lists travel as JSON text read with OPENJSON, member pairs as JSON arrays, components as
 * VALUES rows (mssql-batch.ts), so a run with thousands of faces is a few statements.
 */
import sql from 'mssql';
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
  NewComponent,
  StoredCone,
} from '../repository.js';
import { groupingFaceFromRow, num, numOrNull, type Row } from '../row-mappers.js';
import { chunk, type Column, valuesList } from './mssql-batch.js';
import { exactly } from './mssql-collation.js';
import type { MssqlScope } from './mssql-scope.js';

const MODEL = sql.NVarChar(200);
const TEXT = sql.NVarChar(sql.MAX);
const openJson = (param: string) => `SELECT CAST(value AS INT) FROM OPENJSON(${param})`;
const exactModel = (text: string) =>
  text
    .replaceAll('f.EmbeddingModel = @model', exactly('f.EmbeddingModel', '@model'))
    .replaceAll('WHEN EmbeddingModel = @model', `WHEN ${exactly('EmbeddingModel', '@model')}`)
    .replaceAll('WHERE Model = @model', `WHERE ${exactly('Model', '@model')}`);
const FACES_IN_SELECTION = exactModel(facesInSelectionSql(openJson));
const VERIFIED_FACES = exactModel(VERIFIED_FACES_SQL);
const FINGERPRINT_OF = exactModel(fingerprintOfSql(openJson));
/** Keeps other writers out of Faces and Persons until commit, as groupingFingerprint does (mssql-faces.ts). */
const FINGERPRINT_OF_HOLDING = exactModel(
  fingerprintOfSql(openJson, 'Faces WITH (TABLOCKX, HOLDLOCK)', 'Persons WITH (TABLOCKX, HOLDLOCK)'),
);
/** Member pairs per statement ([faceId, componentId] in JSON: a few hundred KB). */
const MEMBERS_PER_STATEMENT = 20_000;
const PAIR_FACES = "SELECT CAST(JSON_VALUE(j.value, '$[0]') AS INT) FROM OPENJSON(@rows) AS j";
/** Components go in as VALUES rows with typed parameters (centroids as VARBINARY), chunked by mssql-batch. */
const COMPONENT_COLUMNS: Column<{ id: number; component: NewComponent }>[] = [
  { name: 'id', type: sql.Int, value: (r) => r.id },
  { name: 'centroid', type: sql.VarBinary(sql.MAX), value: (r) => encodeEmbedding(r.component.centroid) },
  { name: 'angle', type: sql.Float, value: (r) => r.component.angle },
  { name: 'size', type: sql.Int, value: (r) => r.component.faceIds.length },
];

const indexedFace = (r: Row): IndexedGroupingFace => ({
  ...groupingFaceFromRow(r),
  componentId: numOrNull(r.ComponentId),
});
const faceComponent = (r: Row): FaceComponent => ({ faceId: num(r.FaceId), componentId: numOrNull(r.ComponentId) });
const ids = (list: number[] | undefined): [typeof TEXT, string] => [TEXT, JSON.stringify(list ?? [])];

export async function groupingIndexInfo(scope: MssqlScope, model: string): Promise<GroupingIndexInfo | null> {
  const result = await scope.query(
    `SELECT Radius, Settings FROM FrsGroupingIndex WHERE ${exactly('Model', '@model')}`,
    {
      model: [MODEL, model],
    },
  );
  const row = result.recordset[0];
  return row ? { radius: num(row.Radius), settings: String(row.Settings) } : null;
}

export async function groupingCones(scope: MssqlScope, model: string): Promise<StoredCone[]> {
  const result = await scope.query(exactModel(CONES_SQL), { model: [MODEL, model] });
  return result.recordset.map((r) => ({
    componentId: num(r.Id),
    centroid: decodeEmbedding(r.Centroid as Uint8Array),
    angle: num(r.Angle),
    size: num(r.Size),
  }));
}

export async function groupingWork(scope: MssqlScope, model: string, limit: number): Promise<GroupingWork> {
  const fresh = await scope.query(
    exactModel(`SELECT TOP (@limit) f.Id AS FaceId, gm.ComponentId FROM Faces f
    LEFT JOIN FrsGroupingMembers gm ON gm.FaceId = f.Id
    WHERE ${NEW_FACES_CONDITION} ORDER BY f.Id`),
    { model: [MODEL, model], limit: [sql.Int, limit] },
  );
  const dirty = await scope.query(DIRTY_FACES_SQL);
  return { newFaces: fresh.recordset.map(faceComponent), dirty: dirty.recordset.map(faceComponent) };
}

const FACES_PAGE = exactModel(facesPageSql('TOP (@limit)', ''));

export async function facesForGroupingPage(
  scope: MssqlScope,
  model: string,
  afterId: number,
  limit: number,
): Promise<IndexedGroupingFace[]> {
  const result = await scope.query(FACES_PAGE, {
    model: [MODEL, model],
    after: [sql.Int, afterId],
    limit: [sql.Int, limit],
  });
  return result.recordset.map(indexedFace);
}

export async function facesForGroupingIn(
  scope: MssqlScope,
  model: string,
  selection: GroupingFaceSelection,
): Promise<IndexedGroupingFace[]> {
  const result = await scope.query(FACES_IN_SELECTION, {
    model: [MODEL, model],
    faces: ids(selection.faceIds),
    persons: ids(selection.personIds),
    components: ids(selection.componentIds),
  });
  return result.recordset.map(indexedFace);
}

export async function verifiedFacesForGrouping(scope: MssqlScope, model: string): Promise<IndexedGroupingFace[]> {
  const result = await scope.query(VERIFIED_FACES, { model: [MODEL, model] });
  return result.recordset.map((r) => ({ ...groupingFaceFromRow(r), componentId: numOrNull(r.ComponentId) }));
}

export function saveGroupingComponents(scope: MssqlScope, update: ComponentUpdate): Promise<number[]> {
  const model: [typeof MODEL, string] = [MODEL, update.model];
  return scope.atomic(async (tx) => {
    if (update.replaceAll) {
      await tx.query(
        `DELETE FROM FrsGroupingMembers WHERE ComponentId IN (SELECT Id FROM FrsGroupingComponents WHERE ${exactly('Model', '@model')});
        DELETE FROM FrsGroupingComponents WHERE ${exactly('Model', '@model')};`,
        { model },
      );
    }
    if (update.removed.length > 0) {
      await tx.query(
        `DELETE FROM FrsGroupingMembers WHERE ComponentId IN (SELECT CAST(value AS INT) FROM OPENJSON(@removed));
        DELETE FROM FrsGroupingComponents WHERE Id IN (SELECT CAST(value AS INT) FROM OPENJSON(@removed));`,
        { removed: ids(update.removed) },
      );
    }
    let next = num((await tx.query(NEXT_COMPONENT_ID_SQL)).recordset[0].NextId);
    const added = update.added.map((component) => ({ id: next++, component }));
    for (const part of chunk(added, COMPONENT_COLUMNS.length + 1)) {
      const values = valuesList(part, COMPONENT_COLUMNS);
      await tx.query(
        `INSERT INTO FrsGroupingComponents (Id, Model, Centroid, Angle, Size)
        SELECT v.id, @model, v.centroid, v.angle, v.size FROM (VALUES ${values.text}) AS v (id, centroid, angle, size)`,
        { ...values.params, model },
      );
    }
    const pairs = added.flatMap(({ id, component }) => component.faceIds.map((faceId) => [faceId, id]));
    for (let at = 0; at < pairs.length; at += MEMBERS_PER_STATEMENT) {
      // A face moves to its new component whatever component it was in before.
      await tx.query(
        `DELETE FROM FrsGroupingMembers WHERE FaceId IN (${PAIR_FACES});
        INSERT INTO FrsGroupingMembers (FaceId, ComponentId)
        SELECT CAST(JSON_VALUE(j.value, '$[0]') AS INT), CAST(JSON_VALUE(j.value, '$[1]') AS INT) FROM OPENJSON(@rows) AS j;`,
        { rows: [TEXT, JSON.stringify(pairs.slice(at, at + MEMBERS_PER_STATEMENT))] },
      );
    }
    if (update.settled.length > 0) {
      await tx.query(
        'DELETE FROM FrsGroupingDirty WHERE FaceId IN (SELECT CAST(value AS INT) FROM OPENJSON(@settled))',
        {
          settled: ids(update.settled),
        },
      );
    }
    await tx.query(
      `UPDATE FrsGroupingIndex SET Radius = @radius, Settings = @settings, BuiltAt = SYSUTCDATETIME()
        WHERE ${exactly('Model', '@model')};
      IF @@ROWCOUNT = 0
        INSERT INTO FrsGroupingIndex (Model, Radius, Settings, BuiltAt) VALUES (@model, @radius, @settings, SYSUTCDATETIME());`,
      { model, radius: [sql.Float, update.radius], settings: [sql.NVarChar(1000), update.settings] },
    );
    return added.map((a) => a.id);
  });
}

export async function markGroupingDirty(
  scope: MssqlScope,
  selection: { faceIds?: number[]; personIds?: number[] },
): Promise<void> {
  await scope.query(
    `INSERT INTO FrsGroupingDirty (FaceId)
    SELECT x.Id FROM (SELECT CAST(value AS INT) AS Id FROM OPENJSON(@faces)
      UNION SELECT Id FROM Faces WHERE PersonId IN (SELECT CAST(value AS INT) FROM OPENJSON(@persons))) AS x
    WHERE NOT EXISTS (SELECT 1 FROM FrsGroupingDirty d WITH (UPDLOCK, HOLDLOCK) WHERE d.FaceId = x.Id)`,
    { faces: ids(selection.faceIds), persons: ids(selection.personIds) },
  );
}

export async function groupingFingerprintOf(
  scope: MssqlScope,
  model: string,
  selection: { faceIds: number[]; personIds: number[] },
  options: { holdForWrite?: boolean } = {},
): Promise<string> {
  const hold = options.holdForWrite === true && scope.inTransaction;
  const result = await scope.query(hold ? FINGERPRINT_OF_HOLDING : FINGERPRINT_OF, {
    model: [MODEL, model],
    faces: ids(selection.faceIds),
    persons: ids(selection.personIds),
  });
  // BIGINT sums arrive as strings and DATETIME2 as Date: both serialise to stable text.
  return JSON.stringify(result.recordset[0]);
}
