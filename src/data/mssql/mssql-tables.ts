/**
 * Every FRS table is named with its schema on SQL Server (`dbo.Faces`): an unqualified name
 * resolves against the caller's default schema first, which differs per user (an Entra user
 * created without DEFAULT_SCHEMA may get its own) and costs a lookup per statement.
 * The read queries shared with SQLite (shared-queries.ts) stay unqualified, since SQLite would
 * read `dbo.` as an attached database; qualifyTables adds the schema to them on the way out.
 */
export const FRS_TABLES = [
  'MediaFile',
  'MediaItems',
  'Faces',
  'Persons',
  'FrsLocks',
  'FrsRequests',
  'FrsSchemaVersion',
  'FrsCannotLink',
  'FrsLibrary',
  'FrsPersonCounts',
  'FrsGroupingIndex',
  'FrsGroupingComponents',
  'FrsGroupingMembers',
  'FrsGroupingDirty',
  'FrsFaceChanges',
  'FrsFaceIndexState',
] as const;

export const SCHEMA = 'dbo';

const names = FRS_TABLES.join('|');
// A table name right after the keywords that introduce one, not already qualified and not a column (x.y).
const UNQUALIFIED = new RegExp(`\\b(FROM|JOIN|INTO|UPDATE|TABLE)(\\s+)(${names})\\b(?![.\\w])`, 'gi');

const cache = new Map<string, string>();

export function qualifyTables(text: string): string {
  let out = cache.get(text);
  if (out === undefined) {
    out = text.replace(
      UNQUALIFIED,
      (_m, keyword: string, space: string, table: string) => `${keyword}${space}${SCHEMA}.${table}`,
    );
    if (cache.size < 2000) cache.set(text, out);
  }
  return out;
}
