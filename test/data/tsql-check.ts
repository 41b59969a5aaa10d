/**
 * Checks T-SQL batches with node-sql-parser (TransactSQL grammar). A batch is split into its
 * statements; control flow is unwrapped (IF conditions are checked as `SELECT 1 WHERE <cond>`,
 * the guarded statement on its own). The grammar lacks a few constructs FRS uses; each is listed
 * in PARSER_GAPS with the exact shape FRS writes it in: the statement is checked against that
 * shape (a regular expression that must match where the construct occurs), then rewritten to an
 * equivalent the grammar knows and parsed. A statement the grammar cannot parse after that fails.
 */
import pkg from 'node-sql-parser';
import { FRS_TABLES } from '../../src/data/mssql/mssql-tables.js';

const parser = new pkg.Parser();
const OPTIONS = { database: 'TransactSQL' };

export interface ParserGap {
  name: string;
  /** Where the construct occurs in a statement. */
  occurs: RegExp;
  /** The exact shape FRS uses it in: every occurrence must match this. */
  shape: RegExp;
  rewrite: (statement: string) => string;
}

/** Constructs valid in T-SQL (see the linked docs) that node-sql-parser 5's TransactSQL grammar rejects. */
export const PARSER_GAPS: ParserGap[] = [
  {
    // https://learn.microsoft.com/sql/t-sql/queries/top-transact-sql : TOP (expression)
    name: 'TOP (@variable)',
    occurs: /\bTOP \(@/,
    shape: /\bTOP \(@\w+\)/,
    rewrite: (s) => s.replace(/\bTOP \(@\w+\)/g, 'TOP (1)'),
  },
  {
    // https://learn.microsoft.com/sql/t-sql/functions/openjson-transact-sql : OPENJSON(@json) WITH (col type '$')
    name: "OPENJSON(@json) [WITH (column NVARCHAR(MAX) '$')]",
    occurs: /\bOPENJSON\b/,
    shape: /\bOPENJSON\(@\w+\)( WITH \(\w+ NVARCHAR\(MAX\) '\$'\) \w+)?/,
    rewrite: (s) =>
      s.replace(/\bOPENJSON\((@\w+)\) WITH \((\w+) NVARCHAR\(MAX\) '\$'\) (\w+)/g, '(SELECT $1 AS $2) $3'),
  },
  {
    // https://learn.microsoft.com/sql/t-sql/queries/hints-transact-sql-table : TABLOCKX
    name: 'TABLOCKX table hint',
    occurs: /\bTABLOCKX\b/,
    shape: /WITH \(TABLOCKX, HOLDLOCK\)/,
    rewrite: (s) => s.replace(/WITH \(TABLOCKX, HOLDLOCK\)/g, 'WITH (TABLOCK, HOLDLOCK)'),
  },
  {
    // https://learn.microsoft.com/sql/t-sql/functions/rowcount-transact-sql
    name: '@@ROWCOUNT in an expression',
    occurs: /@@ROWCOUNT/,
    shape: /@@ROWCOUNT\b/,
    rewrite: (s) => s.replace(/@@ROWCOUNT\b/g, '@rowcount'),
  },
  {
    // https://learn.microsoft.com/sql/t-sql/queries/output-clause-transact-sql : OUTPUT ... INTO @table
    // (the grammar knows it only in an INSERT without a column list)
    name: 'OUTPUT ... INTO @table',
    occurs: /\bOUTPUT\b/,
    shape: /\bOUTPUT inserted\.\w+(, inserted\.\w+)* INTO @\w+( VALUES\b| WHERE\b| FROM\b|$)/,
    rewrite: (s) => s.replace(/\s*\bOUTPUT inserted\.\w+(, inserted\.\w+)* INTO @\w+/, ''),
  },
  {
    // https://learn.microsoft.com/sql/t-sql/statements/alter-table-computed-column-definition-transact-sql
    name: 'computed column (ADD x AS <expr> PERSISTED)',
    occurs: /\bADD \w+ AS\b/,
    shape: /\bADD \w+ AS (.+) PERSISTED$/,
    // The expression is parsed on its own.
    rewrite: (s) => `SELECT ${/\bADD \w+ AS (.+) PERSISTED$/.exec(s)![1]} FROM dbo.MediaFile`,
  },
  {
    // https://learn.microsoft.com/sql/t-sql/statements/alter-table-column-constraint-transact-sql : CONSTRAINT name DEFAULT
    name: 'named DEFAULT constraint',
    occurs: /\bCONSTRAINT \w+ DEFAULT\b/,
    shape: /\bCONSTRAINT DF_\w+ DEFAULT\b/,
    rewrite: (s) => s.replace(/\bCONSTRAINT DF_\w+ DEFAULT\b/g, 'DEFAULT'),
  },
  {
    // https://learn.microsoft.com/sql/t-sql/statements/create-index-transact-sql : UNIQUE CLUSTERED
    // (the first index of an indexed view must be a unique clustered one)
    // (the first index of an indexed view must be a unique clustered one; the face index log is
    // clustered on its row version)
    name: 'CREATE [UNIQUE] CLUSTERED INDEX',
    occurs: /\bCLUSTERED\b/,
    shape: /^CREATE (UNIQUE )?CLUSTERED INDEX \w+ ON dbo\.\w+ \(\w+\)$/,
    rewrite: (s) => s.replace(/\bCLUSTERED INDEX\b/, 'INDEX'),
  },
  {
    // https://learn.microsoft.com/sql/t-sql/data-types/rowversion-transact-sql : a column of type
    // ROWVERSION (binary(8), set by the server on every insert and update)
    name: 'ROWVERSION column',
    occurs: /\bROWVERSION\b(?!\()/,
    shape: /\(\w+ ROWVERSION NOT NULL, /,
    rewrite: (s) => s.replace(/\b(\w+) ROWVERSION NOT NULL\b/, '$1 BINARY(8) NOT NULL'),
  },
  {
    // https://learn.microsoft.com/sql/t-sql/functions/min-active-rowversion-transact-sql
    name: 'MIN_ACTIVE_ROWVERSION()',
    occurs: /\bMIN_ACTIVE_ROWVERSION\b/,
    shape: /\bCAST\(MIN_ACTIVE_ROWVERSION\(\) AS BIGINT\)/,
    rewrite: (s) => s.replace(/\bMIN_ACTIVE_ROWVERSION\(\)/g, '@minActiveRowversion'),
  },
  {
    // https://learn.microsoft.com/sql/t-sql/functions/update-trigger-functions-transact-sql :
    // UPDATE(column) in a trigger's IF condition
    name: 'UPDATE(column) in a trigger',
    occurs: /\bUPDATE\(/,
    shape: /^SELECT 1 AS ok WHERE UPDATE\(\w+\)( OR UPDATE\(\w+\))*$/,
    rewrite: (s) => s.replace(/\bUPDATE\((\w+)\)/g, "'$1' IS NOT NULL"),
  },
];

/** Statements the grammar has no rule for at all, each checked by its exact shape instead. */
const CONTROL_STATEMENTS: Array<{ name: string; shape: RegExp }> = [
  { name: 'BEGIN TRAN', shape: /^BEGIN TRAN(SACTION)?$/ },
  { name: 'COMMIT', shape: /^COMMIT( TRANSACTION)?$/ },
  {
    // https://learn.microsoft.com/sql/t-sql/statements/alter-table-table-constraint-transact-sql :
    // the grammar has no FOREIGN KEY in ALTER TABLE, so the one shape FRS writes is checked exactly.
    name: 'ALTER TABLE ... WITH [NO]CHECK ADD CONSTRAINT ... FOREIGN KEY',
    shape: /^ALTER TABLE dbo\.\w+ WITH (NO)?CHECK ADD CONSTRAINT \w+ FOREIGN KEY \(\w+\) REFERENCES dbo\.\w+ \(Id\)$/,
  },
  { name: 'SAVE TRANSACTION', shape: /^SAVE TRANSACTION frs_sp_\d+$/ },
  { name: 'ROLLBACK TRANSACTION', shape: /^ROLLBACK TRANSACTION frs_sp_\d+$/ },
  {
    name: 'EXEC sys.sp_getapplock',
    shape:
      /^EXEC @\w+ = sys\.sp_getapplock @Resource = N'\w+', @LockMode = N'(Exclusive|Shared|Update)', @LockOwner = N'(Transaction|Session)', @LockTimeout = \d+$/,
  },
];

/** What FRS's statements parse as; anything else (e.g. 'assign' for `SELEC x`) is a misreading. */
const STATEMENT_KINDS = new Set([
  'select',
  'insert',
  'update',
  'delete',
  'create',
  'alter',
  'declare',
  'set',
  'transaction',
  'if',
]);

export interface StatementReport {
  statement: string;
  gaps: string[];
  control?: string;
  tables: string[];
  /** The parser's statement types. */
  kinds?: string[];
}

/** Splits a batch at top-level semicolons (outside strings and parentheses). */
export function splitStatements(batch: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < batch.length; i++) {
    const c = batch[i];
    if (c === "'") quoted = !quoted;
    else if (!quoted && c === '(') depth++;
    else if (!quoted && c === ')') depth--;
    else if (!quoted && depth === 0 && c === ';') {
      out.push(batch.slice(start, i));
      start = i + 1;
    }
  }
  out.push(batch.slice(start));
  // BEGIN ... END blocks and ELSE only group statements: drop the keywords (not BEGIN TRAN,
  // nor the END of a CASE expression).
  return out
    .map((s) =>
      dropBlockEnds(s.replace(/\bBEGIN\b(?!\s+TRAN)/g, ' '))
        .replace(/^\s*ELSE\b/, ' ')
        .replace(/\s+/g, ' ')
        .trim(),
    )
    .filter((s) => s.length > 0);
}

function dropBlockEnds(statement: string): string {
  let openCases = 0;
  return statement.replace(/\b(CASE|END)\b/g, (word) => {
    if (word === 'CASE') {
      openCases++;
      return word;
    }
    if (openCases > 0) {
      openCases--;
      return word;
    }
    return ' ';
  });
}

// Not a function call: UPDATE(column) in a trigger's condition is not the guarded statement.
const GUARDED = /\b(IF|INSERT|UPDATE(?!\()|DELETE|SELECT|CREATE|ALTER|ROLLBACK|SET|EXEC)\b/g;

/** `IF <cond> <statement>` → [`SELECT 1 WHERE <cond>`, `<statement>`] (nested IFs unwrapped too). */
function unwrapIf(statement: string): string[] {
  if (!/^IF\b/.test(statement)) return [statement];
  const body = statement.slice(2);
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === "'") quoted = !quoted;
    else if (!quoted && c === '(') depth++;
    else if (!quoted && c === ')') depth--;
    else if (!quoted && depth === 0) {
      GUARDED.lastIndex = i;
      const m = GUARDED.exec(body);
      if (m && m.index === i && i > 0 && /\s/.test(body[i - 1])) {
        return [`SELECT 1 AS ok WHERE ${body.slice(0, i).trim()}`, ...unwrapIf(body.slice(i).trim())];
      }
    }
  }
  throw new Error(`IF without a statement: ${statement}`);
}

/** `SET @v = <expr>` → `SELECT <expr> AS v`; `DECLARE @v T = <expr>` is in the grammar. */
function setToSelect(statement: string): string {
  const m = /^SET (@\w+) = ([\s\S]+)$/.exec(statement);
  return m ? `SELECT ${m[2]} AS ${m[1].slice(1)}` : statement;
}

/** Parses every statement of a batch; throws with the statement and the parser's message when one fails. */
export function checkBatch(batch: string): StatementReport[] {
  const reports: StatementReport[] = [];
  for (const raw of splitStatements(batch)) {
    for (const piece of unwrapIf(raw)) {
      // EXEC(N'CREATE PROCEDURE ...'): CREATE PROCEDURE must start a batch. The grammar has no
      // CREATE PROCEDURE: the header is checked by shape, the body statement by statement.
      const exec = /^EXEC\(N'([\s\S]*)'\)$/.exec(piece);
      if (exec) {
        const definition = exec[1].replaceAll("''", "'");
        reports.push(
          ...(/^\s*CREATE VIEW\b/.test(definition)
            ? checkView(definition)
            : /^\s*CREATE TRIGGER\b/.test(definition)
              ? checkTrigger(definition)
              : checkProcedure(definition)),
        );
        continue;
      }
      // EXEC sp_executesql N'...': dynamic SQL, compiled when it runs (so it may name a column
      // that an earlier statement of the same batch adds); the inner statement is checked itself.
      const dynamic = /^EXEC sp_executesql N'([\s\S]*)'$/.exec(piece);
      if (dynamic) {
        reports.push(...checkBatch(dynamic[1].replaceAll("''", "'")));
        continue;
      }
      const control = CONTROL_STATEMENTS.find((c) => c.shape.test(piece));
      if (control) {
        reports.push({ statement: piece, gaps: [], control: control.name, tables: [] });
        continue;
      }
      let text = setToSelect(piece);
      const gaps: string[] = [];
      for (const gap of PARSER_GAPS) {
        if (!gap.occurs.test(text)) continue;
        if (!gap.shape.test(text)) throw new Error(`${gap.name} is not in the checked shape ${gap.shape}: ${piece}`);
        gaps.push(gap.name);
        text = gap.rewrite(text);
      }
      let tables: string[];
      let kinds: string[];
      try {
        const ast = parser.astify(text, OPTIONS);
        kinds = (Array.isArray(ast) ? ast : [ast]).map((a) => String((a as { type?: unknown }).type));
        tables = parser.tableList(text, OPTIONS);
      } catch (err) {
        throw new Error(`T-SQL does not parse: ${(err as Error).message.slice(0, 200)}\n  in: ${piece}`);
      }
      // The grammar reads some misspelt keywords as an assignment to a variable named like them.
      const unexpected = kinds.filter((k) => !STATEMENT_KINDS.has(k));
      if (unexpected.length > 0) throw new Error(`T-SQL does not parse: read as (${unexpected.join(', ')}): ${piece}`);
      reports.push({ statement: piece, gaps, tables, kinds });
    }
  }
  return reports;
}

const PARAMETER = /^@\w+ (INT|BIT|FLOAT|NVARCHAR\((\d+|MAX)\)|VARBINARY\((\d+|MAX)\)|DATETIME2)( = NULL)?( OUTPUT)?$/;

/** `CREATE PROCEDURE dbo.Name @a T [= NULL], ... AS <body>`: header by shape, body parsed. */
function checkProcedure(definition: string): StatementReport[] {
  const m = /^CREATE PROCEDURE (dbo\.\w+)\s+([\s\S]*?)\s+AS\s+([\s\S]*)$/.exec(definition.trim());
  if (!m) throw new Error(`not a CREATE PROCEDURE dbo.<name> ... AS ...: ${definition.slice(0, 120)}`);
  for (const parameter of m[2].split(',').map((p) => p.replace(/\s+/g, ' ').trim()))
    if (!PARAMETER.test(parameter))
      throw new Error(`procedure ${m[1]}: parameter not in the checked shape: ${parameter}`);
  return [
    { statement: `CREATE PROCEDURE ${m[1]}`, gaps: [], control: 'CREATE PROCEDURE', tables: [] },
    ...checkBatch(m[3]),
  ];
}

/**
 * `CREATE VIEW dbo.Name WITH SCHEMABINDING AS <select>` (an indexed view): the header by shape,
 * the SELECT parsed. https://learn.microsoft.com/sql/t-sql/statements/create-view-transact-sql ;
 * COUNT_BIG (https://learn.microsoft.com/sql/t-sql/functions/count-big-transact-sql), which
 * the grammar lacks, is read as COUNT.
 */
function checkView(definition: string): StatementReport[] {
  const m = /^CREATE VIEW (dbo\.\w+) WITH SCHEMABINDING AS\s+(SELECT [\s\S]*)$/.exec(definition.trim());
  if (!m) throw new Error(`not a CREATE VIEW dbo.<name> WITH SCHEMABINDING AS SELECT ...: ${definition.slice(0, 120)}`);
  if (/\bCOUNT_BIG\(/.test(m[2]) && !/\bCOUNT_BIG\(\*\)/.test(m[2]))
    throw new Error(`COUNT_BIG is not in the checked shape COUNT_BIG(*): ${m[2]}`);
  return [
    { statement: `CREATE VIEW ${m[1]}`, gaps: [], control: 'CREATE VIEW', tables: [] },
    ...checkBatch(m[2].replace(/\bCOUNT_BIG\(\*\)/g, 'COUNT(*)')),
  ];
}

/**
 * `CREATE TRIGGER dbo.Name ON dbo.Table AFTER INSERT, UPDATE, DELETE AS <body>`: the header by
 * shape, the body statement by statement (`inserted` and `deleted` read as tables).
 * https://learn.microsoft.com/sql/t-sql/statements/create-trigger-transact-sql
 */
function checkTrigger(definition: string): StatementReport[] {
  const m = /^CREATE TRIGGER (dbo\.\w+) ON dbo\.\w+ AFTER INSERT, UPDATE, DELETE AS\s+([\s\S]*)$/.exec(
    definition.trim(),
  );
  if (!m)
    throw new Error(`not a CREATE TRIGGER dbo.<name> ON dbo.<table> AFTER ... AS ...: ${definition.slice(0, 120)}`);
  return [
    { statement: `CREATE TRIGGER ${m[1]}`, gaps: [], control: 'CREATE TRIGGER', tables: [] },
    ...checkBatch(m[2]),
  ];
}

const FRS_TABLE_NAMES = new Set<string>(FRS_TABLES);

/** FRS tables a statement names without the dbo schema (from the parser's table list and the text). */
export function unqualifiedTables(report: StatementReport): string[] {
  const fromParser = report.tables
    .map((t) => t.split('::'))
    .filter(([, schema, table]) => FRS_TABLE_NAMES.has(table) && schema !== 'dbo')
    .map(([, , table]) => table);
  const names = FRS_TABLES.join('|');
  const fromText = [
    ...report.statement.matchAll(new RegExp(`\\b(?:FROM|JOIN|INTO|UPDATE|TABLE|ON)\\s+(${names})\\b(?!\\.)`, 'g')),
    ...report.statement.matchAll(new RegExp(`\\b(?:OBJECT_ID|COL_LENGTH)\\(N'(${names})'`, 'g')),
  ].map((m) => m[1]);
  return [...fromParser, ...fromText];
}
