import type { Db } from './connection.js';

// Statements prepared once per connection. Drizzle builds a query's SQL anew on every call and
// better-sqlite3 prepares it again: 40–55 % of a hot read (MEASURED.md). A read that runs per
// request builds its query once here, with placeholders, and reuses the prepared statement.

/** Memoizes `build(db)` per connection: `const byId = preparedFor((db) => db.select()…prepare())`. */
export function preparedFor<T>(build: (db: Db) => T): (db: Db) => T {
  const cache = new WeakMap<Db, T>();
  return (db) => {
    let statement = cache.get(db);
    if (statement === undefined) {
      statement = build(db);
      cache.set(db, statement);
    }
    return statement;
  };
}
