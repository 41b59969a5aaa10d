/**
 * The queries every timer run sends must cost what the run's work costs, not what the library
 * holds: SQLite's own plan for each statement (EXPLAIN QUERY PLAN) must search an index rather
 * than scan Faces or MediaItems. The statements are the adapter's real ones, recorded as it
 * prepares them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openRepository } from '../../src/data/open-repository.js';
import { countItems } from '../../src/data/sqlite/sqlite-coordination.js';
import { facesWithoutEmbedding, hasUngroupedFaces } from '../../src/data/sqlite/sqlite-faces.js';
import {
  facesForGroupingIn,
  facesForGroupingPage,
  groupingCones,
  groupingFingerprintOf,
  groupingWork,
} from '../../src/data/sqlite/sqlite-grouping-index.js';
import { claimPendingItems } from '../../src/data/sqlite/sqlite-items.js';
import { searchPersons } from '../../src/data/sqlite/sqlite-persons.js';
import { facesNeedingThumbnails } from '../../src/data/sqlite/sqlite-old-embeddings.js';
import { newFace } from './repository.contract.js';

const root = mkdtempSync(join(tmpdir(), 'frs-plans-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A migrated, empty database and a connection whose prepared statements are recorded. */
async function recordingDb(): Promise<{ db: Database.Database; statements: string[] }> {
  const file = join(root, `plans-${Date.now()}-${Math.random()}.db`);
  await (await openRepository(file)).close();
  const db = new Database(file);
  const statements: string[] = [];
  const prepare = db.prepare.bind(db);
  db.prepare = ((source: string) => {
    statements.push(source);
    return prepare(source);
  }) as typeof db.prepare;
  return { db, statements };
}

/** The plan's lines, e.g. "SEARCH f USING INDEX IX_Faces_EmbeddingModel (EmbeddingModel>?)". */
function plan(db: Database.Database, statement: string, params: Record<string, unknown>): string[] {
  const rows = db.prepare(`EXPLAIN QUERY PLAN ${statement}`).all(params) as { detail: string }[];
  return rows.map((r) => r.detail);
}

describe('timer queries on SQLite', () => {
  it('finds faces to embed by ranges of the model index, without scanning Faces', async () => {
    const { db, statements } = await recordingDb();
    facesWithoutEmbedding(db, 'model-b', 10);
    const lines = plan(db, statements[0], { model: 'model-b', limit: 10 });
    const ranges = lines.filter((l) =>
      /^SEARCH Faces USING COVERING INDEX IX_Faces_EmbeddingModel \(EmbeddingModel[=<>]\?\)/.test(l),
    );
    expect(ranges).toHaveLength(3);
    expect(lines.filter((l) => /^SCAN (f|Faces)\b/.test(l))).toEqual([]);
    db.close();
  });

  it('counts pending items on the claim index and looks for ungrouped faces on the grouping index', async () => {
    const { db, statements } = await recordingDb();
    countItems(db, 'pending');
    hasUngroupedFaces(db, 'model-b');
    const [count, ungrouped] = statements;
    expect(plan(db, count, { status: 'pending' }).join('\n')).toMatch(
      /SEARCH MediaItems USING COVERING INDEX IX_MediaItems_Claim/,
    );
    expect(plan(db, ungrouped, { model: 'model-b' }).join('\n')).toMatch(/SEARCH Faces USING INDEX IX_Faces_GroupedAt/);
    db.close();
  });

  it('finds faces without a thumbnail and items put back by another application by index ranges', async () => {
    const { db, statements } = await recordingDb();
    facesNeedingThumbnails(db, true, 0, 10);
    claimPendingItems(db, 'w', 10, 60, 3);
    const [thumbnails, requeue] = statements;
    const thumbnailPlan = plan(db, thumbnails, { after: 0, limit: 10 });
    expect(
      thumbnailPlan.filter((l) => /^SEARCH Faces USING COVERING INDEX IX_Faces_ThumbnailPath/.test(l)),
    ).toHaveLength(2);
    expect(thumbnailPlan.filter((l) => /^SCAN /.test(l))).toEqual([]);
    expect(requeue).toMatch(/IsFacesExtracted = 0/);
    expect(plan(db, requeue, {}).join('\n')).toMatch(/SEARCH MediaItems USING INDEX IX_MediaItems_Unextracted/);
    db.close();
  });

  it('reads the work, faces and fingerprint of an incremental regroup by index, never scanning Faces', async () => {
    const { db, statements } = await recordingDb();
    groupingWork(db, 'model-b', 10);
    facesForGroupingIn(db, 'model-b', { faceIds: [1], personIds: [2], componentIds: [3] });
    groupingFingerprintOf(db, 'model-b', { faceIds: [1], personIds: [2] });
    groupingCones(db, 'model-b');
    const [work, dirty, faces, fingerprint, cones] = statements;
    expect(plan(db, work, { model: 'model-b', limit: 10 }).join('\n')).toMatch(
      /SEARCH f USING INDEX IX_Faces_GroupedAt/,
    );
    expect(plan(db, dirty, {}).join('\n')).toMatch(/SEARCH gm USING INTEGER PRIMARY KEY/);
    const lists = { model: 'model-b', faces: '[1]', persons: '[2]', components: '[3]' };
    const facesPlan = plan(db, faces, lists);
    // Faces are looked up by id (not walked by model), persons' faces and members by their indexes.
    expect(facesPlan[0]).toMatch(/^SEARCH f USING INTEGER PRIMARY KEY/);
    expect(facesPlan.join('\n')).toMatch(/SEARCH Faces USING COVERING INDEX IX_Faces_PersonId/);
    expect(facesPlan.join('\n')).toMatch(
      /SEARCH FrsGroupingMembers USING COVERING INDEX IX_FrsGroupingMembers_ComponentId/,
    );
    const fingerprintPlan = plan(db, fingerprint, lists);
    expect(fingerprintPlan.filter((l) => /^SCAN (f|Faces)\b/.test(l))).toEqual([]);
    expect(fingerprintPlan.join('\n')).toMatch(/SEARCH Faces USING INTEGER PRIMARY KEY/);
    expect(plan(db, cones, { model: 'model-b' }).join('\n')).toMatch(/IX_FrsGroupingComponents_Model/);
    db.close();
  });

  it("reads a full regroup's pages along the primary key, without sorting the model's faces for each page", async () => {
    const { db, statements } = await recordingDb();
    facesForGroupingPage(db, 'model-b', 0, 10);
    const lines = plan(db, statements[0], { model: 'model-b', after: 0, limit: 10 });
    expect(lines).toContain('SEARCH f USING INTEGER PRIMARY KEY (rowid>?)');
    expect(lines.filter((l) => /TEMP B-TREE|^SCAN (f|i|gm|Faces)\b/.test(l))).toEqual([]);
    db.close();
  });

  it('reads a page of persons from the counts index (migration 12), never counting Faces rows', async () => {
    const { db, statements } = await recordingDb();
    await searchPersons(db, { offset: 0, limit: 60, hidden: false });
    const lines = plan(db, statements[0], { hidden: 0, offset: 0, limit: 60 });
    expect(lines.join('\n')).toMatch(/SEARCH c USING COVERING INDEX IX_FrsPersonCounts_Order \(Hidden=\?\)/);
    // Faces is read only for the page's portraits, by primary key.
    expect(lines.filter((l) => /\bFaces\b/.test(l) && !/SEARCH pf USING INTEGER PRIMARY KEY/.test(l))).toEqual([]);
    expect(lines.filter((l) => /^SCAN (c|p|f|pf|Faces|Persons)\b/.test(l))).toEqual([]);
    db.close();
  });

  it('embeds again a face that lost its embedding but kept its model (migration 10 restores the invariant)', async () => {
    const file = join(root, 'invariant.db');
    const repo = await openRepository(file);
    const { mediaItemId } = await repo.registerMediaFile({
      filePath: '/p/a.jpg',
      fileName: 'a.jpg',
      extension: '.jpg',
    });
    await repo.claimPendingItems('w', 1, 60, 3);
    await repo.completeItem(mediaItemId, 'w', [newFace({ embedding: new Float32Array([1, 0]), embeddingModel: 'm' })]);
    expect(await repo.facesWithoutEmbedding('m', 10)).toEqual([]);
    await repo.close();
    // An outside writer clears the embedding and leaves the model; migration 10 runs again on open.
    const db = new Database(file);
    db.exec('UPDATE Faces SET Embedding = NULL; DELETE FROM FrsSchemaVersion WHERE Version = 10');
    db.close();
    const reopened = await openRepository(file);
    expect((await reopened.facesWithoutEmbedding('m', 10)).length).toBe(1);
    await reopened.close();
  });
});
