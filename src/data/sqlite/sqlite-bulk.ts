/**
 * Bulk writes on SQLite: rows go to one statement per batch as a JSON parameter (json_each), not
 * a statement per row, in face-id order so consecutive updates share the table's pages. A first
 * recluster writes every face of the library this way.
 */

/** Rows per statement (a JSON parameter of about 20 bytes each). */
export const JSON_BATCH = 10_000;

/**
 * Positions of `ids` in ascending id order; equal ids keep their list order (so where a face is
 * listed twice, the later listing comes last). Typed arrays, not a map of every face: these writes
 * run at a million-face recluster's memory peak.
 */
export function positionsById(ids: Float64Array): Uint32Array {
  return Uint32Array.from(ids.keys()).sort((a, b) => ids[a] - ids[b] || a - b);
}
