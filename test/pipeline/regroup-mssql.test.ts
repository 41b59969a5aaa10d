/**
 * The regroup's locking on the SQL Server adapter, against an injected fake driver: the write
 * transaction confirms the grouping lock first, then reads the fingerprint holding Faces and
 * Persons (TABLOCKX), and writes only when it is unchanged; a changed input ends the transaction
 * without a write and the next decision is made outside it; a lost lock stops the writer.
 */
import { describe, expect, it } from 'vitest';
import { settingsSchema } from '../../src/config/settings.js';
import { MssqlRepository } from '../../src/data/mssql/mssql-repository.js';
import type { Row } from '../../src/data/row-mappers.js';
import { type PipelineContext, silentLogger } from '../../src/pipeline/context.js';
import { MAX_DECISIONS, runRecluster } from '../../src/pipeline/group-stage.js';
import { withGroupingLock } from '../../src/pipeline/grouping-lock.js';
import type { FaceAnalyzer } from '../../src/vision/face-analyzer.js';
import { FakeDriver } from '../data/mssql-fake-driver.js';

const embedding = (x: number) => Buffer.from(new Float32Array([x, Math.sqrt(1 - x * x)]).buffer);

/** Two close unverified faces (one cluster) and nothing else. */
const FACES: Row[] = [
  {
    Id: 1,
    MediaFileId: 1,
    PersonId: null,
    Embedding: embedding(0.6),
    Sharpness: 1,
    DetectorScore: 0.9,
    IsUserVerified: 0,
    Grouped: 0,
  },
  {
    Id: 2,
    MediaFileId: 2,
    PersonId: null,
    Embedding: embedding(0.6001),
    Sharpness: 1,
    DetectorScore: 0.9,
    IsUserVerified: 0,
    Grouped: 0,
  },
];

function setUp(options: { fingerprintInside: () => number; lockHeld?: () => boolean }) {
  const driver = new FakeDriver();
  // A full regroup reads the faces in pages until an empty one: FACES, then nothing, per decision.
  let pages = 0;
  driver.respond = (text) => {
    if (text.includes('f.Id > @after')) return pages++ % 2 === 0 ? FACES : [];
    if (text.includes('COUNT(*) AS Faces')) {
      const holding = text.includes('TABLOCKX');
      return [{ Faces: holding ? options.fingerprintInside() : 1 }];
    }
    if (text.includes('f.Embedding, f.Sharpness')) return FACES;
    if (text.includes('AS Acquired')) return [{ Acquired: (options.lockHeld?.() ?? true) ? 1 : 0 }];
    if (text.includes('OUTPUT inserted.Id INTO @ids')) return [{ Id: 100 }];
    return undefined;
  };
  const repo = new MssqlRepository(driver, { vectorType: false }, { warn: () => {} });
  const ctx = {
    settings: settingsSchema.parse({}),
    repo,
    analyzer: { embeddingModel: 'm1' } as unknown as FaceAnalyzer,
    log: silentLogger,
    workerId: 'me',
  } as unknown as PipelineContext;
  return { driver, ctx };
}

/** A regroup's writes: persons created, updated or deleted, faces moved or marked grouped. */
const writes = /INSERT INTO dbo\.Persons|UPDATE dbo\.Persons|DELETE FROM dbo\.Persons|UPDATE f SET|UPDATE p SET/;
const inTx = (driver: FakeDriver, tx: string) => driver.sent.filter((s) => s.where === tx).map((s) => s.text);

describe('regroup on SQL Server (fake driver)', () => {
  it('confirms the lock, holds Faces and Persons for the fingerprint check, then writes in the same transaction', async () => {
    const { driver, ctx } = setUp({ fingerprintInside: () => 1 });
    const summary = await withGroupingLock(ctx, (lease) => runRecluster(ctx, { lease }));
    expect(summary).toMatchObject({ regrouped: true, personsCreated: 1, facesAssigned: 2 });
    const tx = inTx(driver, 'tx1');
    expect(tx[0]).toMatch(/AS Acquired/); // the lock, confirmed inside the transaction
    expect(tx[1]).toContain('FROM dbo.Faces WITH (TABLOCKX, HOLDLOCK)');
    expect(tx.slice(2).some((t) => writes.test(t))).toBe(true);
    // Deciding read the faces outside any transaction.
    expect(driver.sent.find((s) => s.text.includes('f.Embedding, f.Sharpness'))!.where).toBe('pool');
    expect(driver.events).toEqual(['tx1 begin', 'tx1 commit']);
  });

  it('a changed input ends the transaction without a write and decides again outside, at most MAX_DECISIONS times', async () => {
    let version = 1;
    const { driver, ctx } = setUp({ fingerprintInside: () => ++version });
    const summary = await withGroupingLock(ctx, (lease) => runRecluster(ctx, { lease }));
    expect(summary).toMatchObject({ regrouped: false, deferred: true });
    const transactions = driver.events.filter((e) => e.endsWith('begin')).map((e) => e.split(' ')[0]);
    expect(transactions).toHaveLength(MAX_DECISIONS);
    for (const tx of transactions) {
      const sent = inTx(driver, tx);
      expect(sent).toHaveLength(2); // lock confirmed, fingerprint read; nothing written
      expect(sent.some((t) => writes.test(t))).toBe(false);
    }
    expect(driver.sent.filter((s) => s.text.includes('f.Embedding, f.Sharpness')).map((s) => s.where)).toEqual(
      Array(2 * MAX_DECISIONS).fill('pool'), // two pages per decision: the faces, then an empty one
    );
  });

  it('a lost grouping lock stops the writer before it reads or writes anything', async () => {
    let confirmations = 0;
    const { driver, ctx } = setUp({ fingerprintInside: () => 1, lockHeld: () => confirmations++ === 0 });
    await expect(withGroupingLock(ctx, (lease) => runRecluster(ctx, { lease }))).rejects.toMatchObject({
      code: 'LOCKED',
    });
    expect(inTx(driver, 'tx1')).toHaveLength(1);
    expect(driver.events).toEqual(['tx1 begin', 'tx1 rollback']);
  });
});
