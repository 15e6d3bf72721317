// DO schema migrations: an append-only list of SQL steps, run once each in the constructor. A new
// object skips the history and creates the schema the steps end with in one statement (`fresh`):
// creating tables is most of what a new object costs, and a herd creates thousands of objects.
// test/do-schema.test.ts checks that `fresh` and the steps give the same tables and indexes.

/** SQL (one or several statements), or a function for what SQL alone cannot do (moving data into storage.kv). */
export type Step = string | ((storage: DurableObjectStorage) => void);

export interface Schema {
  /** Never edit or reorder a step that has shipped; append. */
  steps: readonly Step[];
  /** What the steps end with, for an object that has none of them yet ("" for no table at all). */
  fresh: string;
}

const VERSION_KEY = "schema_version";

/** Brings this object's tables to the last step. The version lives in storage.kv (no table of its own). */
export function migrate(storage: DurableObjectStorage, schema: Schema): void {
  const { kv, sql } = storage;
  let version = kv.get<number>(VERSION_KEY);
  if (version === undefined) {
    // Objects created before the version moved into storage.kv kept it in a `_schema` table.
    const legacy = sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_schema'").toArray().length > 0;
    if (!legacy) {
      if (schema.fresh) sql.exec(schema.fresh);
      kv.put(VERSION_KEY, schema.steps.length);
      return;
    }
    version = sql.exec<{ version: number }>("SELECT version FROM _schema").toArray()[0]?.version ?? 0;
  }
  for (let i = version; i < schema.steps.length; i++) {
    const step = schema.steps[i]!;
    if (typeof step === "string") sql.exec(step);
    else step(storage);
  }
  if (version !== schema.steps.length) kv.put(VERSION_KEY, schema.steps.length);
}
