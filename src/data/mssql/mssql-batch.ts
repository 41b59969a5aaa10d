/**
 * Multi-row statements with numbered parameters (@c0, @c1, ...), chunked to stay under SQL
 * Server's 2,100 parameters and 1,000 VALUES rows per statement.
 */
import sql from 'mssql';
import type { MssqlScope, Params, SqlType } from './mssql-scope.js';

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
  const tuples = rows.map(
    (row, i) =>
      `(${columns
        .map((c) => {
          params[`${c.name}${i}`] = [c.type, c.value(row)];
          return `@${c.name}${i}`;
        })
        .join(', ')})`,
  );
  return { text: tuples.join(',\n'), params };
}

/** One integer column named `id`, for lists of row ids. */
export const ID_COLUMN: Column<number>[] = [{ name: 'id', type: sql.Int, value: (id) => id }];

/** One UPDATE ... FROM (VALUES ...) per chunk, all chunks in one transaction; returns rows changed. */
export async function updateFromValues<R>(
  scope: MssqlScope,
  rows: R[],
  columns: Column<R>[],
  statement: (values: string) => string,
): Promise<number> {
  if (rows.length === 0) return 0;
  return scope.atomic(async (tx) => {
    let changed = 0;
    for (const part of chunk(rows, columns.length)) {
      const values = valuesList(part, columns);
      const result = await tx.query(statement(values.text), values.params);
      changed += result.rowsAffected.reduce((a, b) => a + b, 0);
    }
    return changed;
  });
}

/**
 * Runs `statement` over the distinct ids, chunked, all chunks in one transaction; `values` is
 * a VALUES list of one column `id`. Returns the rows the LAST statement of each batch changed.
 */
export async function forIds(
  scope: MssqlScope,
  ids: number[],
  statement: (values: string) => string,
  params: Params = {},
): Promise<number> {
  const distinct = [...new Set(ids)];
  if (distinct.length === 0) return 0;
  return scope.atomic(async (tx) => {
    let changed = 0;
    for (const part of chunk(distinct, ID_COLUMN.length + Object.keys(params).length)) {
      const values = valuesList(part, ID_COLUMN);
      const result = await tx.query(statement(values.text), { ...values.params, ...params });
      changed += result.rowsAffected.at(-1) ?? 0;
    }
    return changed;
  });
}

/** @offset and @limit of a paged listing (shared-queries.ts). */
export function pagingParams(page: { offset: number; limit: number }): Params {
  return { offset: [sql.Int, page.offset], limit: [sql.Int, page.limit] };
}
