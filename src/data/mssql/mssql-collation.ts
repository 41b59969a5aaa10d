/**
 * Exact string comparison on SQL Server. The default collations ignore case, and `=` ignores
 * trailing spaces under every collation, while SQLite compares bytes: a lease owner 'Worker-1'
 * must not match 'worker-1 ', nor a request kind or an embedding model id another one that differs
 * only in case. Instead of changing the columns' collation (which would need every index on them
 * dropped and rebuilt on an inherited database), comparisons that mean "the same value" say so:
 *
 *   column = @p                                  -- seeks the column's index (case-insensitive)
 *   AND column COLLATE Latin1_General_BIN2 = @p  -- then exact code points ...
 *   AND DATALENGTH(column) = DATALENGTH(@p)      -- ... and the same length, trailing spaces included
 */
export const BINARY_COLLATION = 'Latin1_General_BIN2';

export function exactly(column: string, param: string): string {
  return `(${column} = ${param} AND ${column} COLLATE ${BINARY_COLLATION} = ${param} AND DATALENGTH(${column}) = DATALENGTH(${param}))`;
}

/** A nullable text column that holds nothing but '' (SQL Server's `= ''` also matches '   '). */
export function isBlank(column: string): string {
  return `DATALENGTH(COALESCE(${column}, N'')) = 0`;
}
