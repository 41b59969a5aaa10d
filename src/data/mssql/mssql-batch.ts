/**
 * Multi-row statements with numbered parameters (@c0, @c1, ...), chunked to stay under SQL
 * Server's 2,100 parameters and 1,000 VALUES rows per statement.
 */
import type { Params, SqlType } from './mssql-scope.js';

export interface Column<R> {
  name: string;
  type: SqlType;
  value(row: R): unknown;
}

const MAX_PARAMS = 2000;
const MAX_ROWS = 1000;

export function chunk<R>(rows: R[], columnCount: number): R[][] {
  const size = Math.max(1, Math.min(MAX_ROWS, Math.floor(MAX_PARAMS / Math.max(1, columnCount))));
  const chunks: R[][] = [];
  for (let i = 0; i < rows.length; i += size) chunks.push(rows.slice(i, i + size));
  return chunks;
}

/** `(@a0, @b0), (@a1, @b1)` and its parameters, for VALUES lists. */
export function valuesList<R>(rows: R[], columns: Column<R>[]): { text: string; params: Params } {
  const params: Params = {};
  const tuples = rows.map((row, i) =>
    `(${columns
      .map((c) => {
        params[`${c.name}${i}`] = [c.type, c.value(row)];
        return `@${c.name}${i}`;
      })
      .join(', ')})`,
  );
  return { text: tuples.join(',\n'), params };
}
