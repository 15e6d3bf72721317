// DO schema migrations: an append-only list of SQL steps, run once each in the constructor. A new
// object skips the history and creates the schema the steps end with in one statement (`fresh`):
// creating tables is most of what a new object costs beyond the runtime's own, and a phase-open
// herd creates thousands of objects. test/do-schema.test.ts checks that `fresh` and the steps give
// the same tables and indexes.

/** SQL (one or several statements), or a function for what SQL alone cannot do (moving data into storage.kv). */
export type Step = string | ((storage: DurableObjectStorage) => void);

export interface Schema {
  /** Never edit or reorder a step that has shipped; append. */
  steps: readonly Step[];
  /** What the steps end with, for an object that has none of them yet ("" for no table at all). */
  fresh: string;
}

/**
 * Brings this object's tables to the last step; true when the object was new (nothing to load).
 * The version is a row of `_schema`, created in the same statement as a new object's tables (a
 * storage.kv write would cost a table of its own on a new object).
 */
export function migrate(storage: DurableObjectStorage, schema: Schema): boolean {
  const { sql } = storage;
  const last = schema.steps.length;
  const known = sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_schema'").toArray().length > 0;
  if (!known) {
    sql.exec(`${schema.fresh ? `${schema.fresh};` : ""} CREATE TABLE _schema (version INTEGER NOT NULL); INSERT INTO _schema (version) VALUES (${last})`);
    return true;
  }
  const version = sql.exec<{ version: number }>("SELECT version FROM _schema").toArray()[0]?.version ?? 0;
  for (let i = version; i < last; i++) {
    const step = schema.steps[i]!;
    if (typeof step === "string") sql.exec(step);
    else step(storage);
  }
  if (version !== last) sql.exec("UPDATE _schema SET version = ?", last);
  return false;
}
