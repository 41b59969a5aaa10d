/**
 * Nothing here can execute T-SQL, so every statement the SQL Server adapter sends (each
 * repository operation through a recording fake driver, on the pool and inside a transaction)
 * and every migration statement is parsed with node-sql-parser's TransactSQL grammar
 * (tsql-check.ts lists the constructs the grammar lacks and how those are checked instead).
 * The same statements are checked for what SQL Server needs beyond syntax: `dbo.` on every FRS
 * table, OUTPUT only with INTO, exact comparisons where SQLite compares exactly.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { RESET_MSSQL_SQL, TABLES } from '../legacy/legacy-db.js';
import { allOperations, type CollectedBatch, collectAdapterBatches, migrationBatches } from './mssql-statements.js';
import { checkBatch, PARSER_GAPS, splitStatements, type StatementReport, unqualifiedTables } from './tsql-check.js';

let adapter: CollectedBatch[];
let covered: string[];
const checked = new Map<string, StatementReport[]>();

beforeAll(async () => {
  ({ batches: adapter, covered } = await collectAdapterBatches());
});

const unique = (batches: CollectedBatch[]) => [...new Map(batches.map((b) => [b.text, b])).values()];

describe('T-SQL the adapter sends', () => {
  it('covers every repository operation', () => {
    expect(covered.sort()).toEqual([...allOperations].sort());
    expect(adapter.length).toBeGreaterThan(60);
  });

  it('parses, statement by statement', () => {
    for (const b of unique([...adapter, ...migrationBatches()])) {
      let reports: StatementReport[];
      try {
        reports = checkBatch(b.text);
      } catch (err) {
        throw new Error(`${b.source}: ${(err as Error).message}`);
      }
      checked.set(b.source, reports);
    }
    const statements = [...checked.values()].flat();
    expect(statements.length).toBeGreaterThan(150);
    // Most statements need no rewrite at all; each gap is used (or it should be removed from the list).
    const rewritten = statements.filter((s) => s.gaps.length > 0);
    expect(rewritten.length / statements.length).toBeLessThan(0.2);
    for (const gap of PARSER_GAPS)
      expect(
        rewritten.some((s) => s.gaps.includes(gap.name)),
        gap.name,
      ).toBe(true);
  });

  it('names every FRS table with its schema (dbo.)', () => {
    for (const [source, reports] of checked)
      for (const r of reports) expect(unqualifiedTables(r), `${source}: ${r.statement}`).toEqual([]);
  });

  it('uses OUTPUT only with INTO (a bare OUTPUT fails on tables with triggers, error 334)', () => {
    let outputs = 0;
    for (const b of adapter)
      for (const s of splitStatements(b.text))
        if (/\bOUTPUT\b/.test(s)) {
          outputs++;
          expect(s, b.source).toMatch(/\bOUTPUT\b[^;]*\bINTO @\w+/);
        }
    expect(outputs).toBeGreaterThanOrEqual(3);
  });

  it('compares lease owners, lock owners, request kinds and model ids exactly', () => {
    const sent = (op: string) =>
      adapter
        .filter((b) => b.source.startsWith(`${op} `))
        .map((b) => b.text)
        .join('\n');
    const exact = (column: string, param: string) =>
      `${column} COLLATE Latin1_General_BIN2 = ${param} AND DATALENGTH(${column}) = DATALENGTH(${param})`;
    expect(sent('renewLease')).toContain(exact('LeaseOwner', '@owner'));
    expect(sent('failItem')).toContain(exact('LeaseOwner', '@owner'));
    expect(sent('acquireLock')).toContain(exact('Owner', '@owner'));
    expect(sent('releaseLock')).toContain(exact('Owner', '@owner'));
    expect(sent('takeRequest')).toContain(exact('Kind', '@kind'));
    expect(sent('enqueueRequest')).toContain(exact('Kind', '@kind'));
    for (const op of [
      'facesForGrouping',
      'facesWithoutEmbedding',
      'hasUngroupedFaces',
      'groupingFingerprint',
      'unassignedFaces',
    ])
      expect(sent(op), op).toMatch(/EmbeddingModel COLLATE Latin1_General_BIN2 = @model/);
    // No plain comparison of those left behind.
    for (const b of adapter)
      expect(b.text, b.source).not.toMatch(/\b(LeaseOwner|Owner|Kind) = @(owner|kind)\b(?! AND \1 COLLATE)(?!,)/);
    // A name of spaces is a name (SQLite's meaning), not empty.
    expect(sent('tidyPersons')).toContain("DATALENGTH(COALESCE(Persons.Name, N'')) = 0");
  });

  it('holds Faces and Persons for the fingerprint check only inside a transaction', () => {
    const fingerprint = adapter.filter((b) => b.source.startsWith('groupingFingerprint '));
    const holding = fingerprint.filter((b) => b.text.includes('TABLOCKX'));
    expect(holding.map((b) => b.source)).toEqual(['groupingFingerprint (tx1)']);
    expect(holding[0].text).toContain('FROM dbo.Faces WITH (TABLOCKX, HOLDLOCK)');
    expect(holding[0].text).toContain('FROM dbo.Persons WITH (TABLOCKX, HOLDLOCK)');
  });
});

describe('T-SQL migrations', () => {
  it("are undone by the SQL Server tests' reset: every table they create, the schema-bound view first", () => {
    const created = new Set(
      migrationBatches().flatMap((b) => [...b.text.matchAll(/CREATE TABLE (dbo\.\w+)/g)].map((m) => m[1])),
    );
    expect(created.size).toBeGreaterThanOrEqual(15);
    for (const table of created) expect(TABLES, table).toContain(table);
    expect(RESET_MSSQL_SQL.indexOf('DROP VIEW IF EXISTS dbo.FrsPersonCounts;')).toBe(0);
  });

  it('build indexes ONLINE where the edition allows, offline elsewhere', () => {
    const indexes = migrationBatches().filter((b) => /CREATE INDEX/.test(b.text));
    expect(indexes.length).toBeGreaterThanOrEqual(10);
    for (const b of indexes) {
      expect(b.text, b.source).toMatch(
        /IF CAST\(SERVERPROPERTY\('EngineEdition'\) AS INT\) IN \(3, 5, 8\) CREATE INDEX \w+ ON dbo\.\w+ .* WITH \(ONLINE = ON\);/,
      );
      expect(b.text, b.source).toMatch(/ELSE CREATE INDEX \w+ ON dbo\.\w+ [^;]*;/);
    }
    expect(indexes.map((b) => b.text).join('\n')).toContain(
      'CREATE INDEX IX_Persons_PortraitFaceId ON dbo.Persons (PortraitFaceId)',
    );
  });

  it('the checker rejects broken T-SQL and unchecked shapes (it can fail)', () => {
    expect(() => checkBatch('SELEC Id FROM dbo.Faces')).toThrow(/does not parse/);
    expect(() => checkBatch('UPDATE dbo.Faces SET PersonId = 1 OUTPUT inserted.Id')).toThrow(
      /not in the checked shape/,
    );
    expect(unqualifiedTables(checkBatch('SELECT Id FROM Faces')[0])).toEqual(['Faces', 'Faces']);
  });
});
