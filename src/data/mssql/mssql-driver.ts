/**
 * The little of mssql that the adapter uses, as an interface: requests on the pool and
 * transactions. The real driver wraps an mssql ConnectionPool; tests inject a fake that records
 * every statement and fails on cue (transaction, savepoint and retry logic, T-SQL parse check).
 */
import sql from 'mssql';
import type { Row } from '../row-mappers.js';

export interface DriverRequest {
  input(name: string, type: sql.ISqlType | (() => sql.ISqlType), value: unknown): DriverRequest;
  query(text: string): Promise<sql.IResult<Row>>;
}

export interface DriverTransaction {
  begin(): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  request(): DriverRequest;
}

export interface MssqlDriver {
  request(): DriverRequest;
  transaction(): DriverTransaction;
  close(): Promise<void>;
}

function wrapRequest(request: sql.Request): DriverRequest {
  const wrapped: DriverRequest = {
    input: (name, type, value) => {
      request.input(name, type, value);
      return wrapped;
    },
    query: (text) => request.query<Row>(text),
  };
  return wrapped;
}

export function poolDriver(pool: sql.ConnectionPool): MssqlDriver {
  return {
    request: () => wrapRequest(pool.request()),
    transaction: () => {
      const tx = new sql.Transaction(pool);
      return {
        begin: async () => {
          await tx.begin();
        },
        commit: () => tx.commit(),
        rollback: () => tx.rollback(),
        request: () => wrapRequest(new sql.Request(tx)),
      };
    },
    close: () => pool.close(),
  };
}
