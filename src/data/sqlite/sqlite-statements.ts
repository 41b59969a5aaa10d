import type Database from 'better-sqlite3';

type Statement = Database.Statement<unknown[], unknown>;

const caches = new WeakMap<Database.Database, Map<string, Statement>>();

/** Prepared statements cached per connection: the pipeline runs the same few queries a lot. */
export function sql(db: Database.Database, text: string): Statement {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  let statement = cache.get(text);
  if (!statement) cache.set(text, (statement = db.prepare(text)));
  return statement;
}

/** SQLite keeps times as ISO-8601 UTC text, which sorts and compares correctly as text. */
export const nowIso = (): string => new Date().toISOString();
export const isoAfter = (seconds: number): string => new Date(Date.now() + seconds * 1000).toISOString();
