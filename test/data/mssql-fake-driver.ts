/**
 * A fake mssql driver for the SQL Server adapter's logic tests: it records every statement with
 * where it ran (the pool, or transaction N) and the transaction events, fails on cue, and answers
 * every query with rows whose columns hold plausible values, so every operation's mapping runs.
 */
import type sql from 'mssql';
import type { DriverRequest, DriverTransaction, MssqlDriver } from '../../src/data/mssql/mssql-driver.js';
import type { Row } from '../../src/data/row-mappers.js';

export interface SentStatement {
  /** 'pool', or 'tx1', 'tx2', ... */
  where: string;
  text: string;
  params: Record<string, unknown>;
}

/** An error shaped like mssql's RequestError / ConnectionError. */
export function sqlError(number: number | undefined, message: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { name: 'RequestError', number, ...extra });
}

/** A plausible value for a column, by its name. */
function columnValue(column: string): unknown {
  if (column === 'Embedding' || column === 'Centroid') return Buffer.from(new Float32Array([1, 0]).buffer);
  if (/Box|Landmarks|Payload|Result/.test(column)) return null;
  if (column === 'Status') return 'pending';
  if (column === 'Kind') return 'recluster';
  if (/At$|On$/.test(column)) return null;
  if (/Path|Name|Rank|Appointment|Type|Owner|Error|Model/.test(column)) return 'x';
  return 1;
}

const row = new Proxy({} as Row, {
  get: (_t, key) => (typeof key === 'string' ? columnValue(key) : undefined),
});

function answer(): sql.IResult<Row> {
  const recordset = Object.assign([row], { columns: {}, toTable: () => undefined }) as unknown as sql.IRecordSet<Row>;
  return {
    recordset,
    recordsets: [recordset, recordset, recordset] as unknown as sql.IRecordSet<Row>[],
    rowsAffected: [1],
    output: {},
  } as unknown as sql.IResult<Row>;
}

function answerWith(rows: Row[]): sql.IResult<Row> {
  const recordset = Object.assign([...rows], {
    columns: {},
    toTable: () => undefined,
  }) as unknown as sql.IRecordSet<Row>;
  return { recordset, recordsets: [recordset], rowsAffected: [rows.length], output: {} } as unknown as sql.IResult<Row>;
}

export class FakeDriver implements MssqlDriver {
  readonly sent: SentStatement[] = [];
  readonly events: string[] = [];
  /** Errors thrown by the next queries, in order (undefined = that query succeeds). */
  readonly failNext: Array<Error | undefined> = [];
  /** Errors thrown by the next commits / rollbacks, in order. */
  readonly failCommit: Array<Error | undefined> = [];
  readonly failRollback: Array<Error | undefined> = [];
  /** How long each query takes, in ms (to overlap requests). */
  queryMs = 0;
  /** Answers chosen by the test: rows for a statement (first recordset), or undefined for the default. */
  respond: (text: string, where: string) => Row[] | undefined = () => undefined;
  inFlight = 0;
  private transactions = 0;

  private requestAt(where: string): DriverRequest {
    const params: Record<string, unknown> = {};
    const request: DriverRequest = {
      input: (name, _type, value) => {
        params[name] = value;
        return request;
      },
      query: async (text) => {
        this.sent.push({ where, text, params });
        this.inFlight++;
        try {
          if (this.queryMs > 0) await new Promise((r) => setTimeout(r, this.queryMs));
          const failure = this.failNext.shift();
          if (failure) throw failure;
          const rows = this.respond(text, where);
          return rows ? answerWith(rows) : answer();
        } finally {
          this.inFlight--;
        }
      },
    };
    return request;
  }

  request(): DriverRequest {
    return this.requestAt('pool');
  }

  transaction(): DriverTransaction {
    const where = `tx${++this.transactions}`;
    return {
      begin: async () => {
        this.events.push(`${where} begin`);
      },
      commit: async () => {
        const failure = this.failCommit.shift();
        this.events.push(`${where} commit${failure ? ' failed' : ''}`);
        if (failure) throw failure;
      },
      rollback: async () => {
        // mssql refuses a rollback while a request of the transaction is running (EREQINPROG).
        if (this.inFlight > 0) {
          this.events.push(`${where} rollback refused`);
          throw Object.assign(new Error("Can't rollback transaction. There is a request in progress."), {
            code: 'EREQINPROG',
          });
        }
        const failure = this.failRollback.shift();
        this.events.push(`${where} rollback${failure ? ' failed' : ''}`);
        if (failure) throw failure;
      },
      request: () => this.requestAt(where),
    };
  }

  async close(): Promise<void> {
    this.events.push('close');
  }
}
