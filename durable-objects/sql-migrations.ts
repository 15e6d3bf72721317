// DO schema migrations: an append-only list of SQL steps, run once each in the constructor.

/** Applies the steps not yet applied; never edit or reorder a step that has shipped. */
export function migrate(sql: SqlStorage, steps: readonly string[]): void {
  sql.exec("CREATE TABLE IF NOT EXISTS _schema (version INTEGER NOT NULL)");
  const row = sql.exec<{ version: number }>("SELECT version FROM _schema").toArray()[0];
  const from = row?.version ?? 0;
  for (let i = from; i < steps.length; i++) sql.exec(steps[i]!);
  if (!row) sql.exec("INSERT INTO _schema (version) VALUES (?)", steps.length);
  else if (from < steps.length) sql.exec("UPDATE _schema SET version = ?", steps.length);
}
