// The recorder's D1 statements for attempts, each alone, in SQLite (Node's node:sqlite, the schema
// of migrations/): what each statement in the outbox's transaction costs per attempt (the JSON
// staged once, then counted, inserted, students noted, staging emptied). SQL time only, in
// process: D1 adds its own costs around each statement, and the bound JSON's transfer and parse. Run: node_modules/.bin/node bench/d1-attempt-statements.ts
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { CLEAR_ATTEMPTS, COUNT_ATTEMPTS, INSERT_ATTEMPTS, NOTE_STUDENTS, STAGE_ATTEMPTS, latencyBucket } from "../durable-objects/d1-sink.ts";

const BATCHES = 1_000;
const PER_BATCH = 200;
const STUDENTS = 20_000;

const db = new DatabaseSync(":memory:");
const dir = join(import.meta.dirname, "../migrations");
for (const f of readdirSync(dir).filter((f) => f.endsWith(".sql")).sort()) for (const s of readFileSync(join(dir, f), "utf8").split("--> statement-breakpoint")) db.exec(s);

const statements = { STAGE_ATTEMPTS, COUNT_ATTEMPTS, INSERT_ATTEMPTS, NOTE_STUDENTS, CLEAR_ATTEMPTS };
const prepared = Object.entries(statements).map(([name, sql]) => ({ name, stmt: db.prepare(sql), ms: 0 }));
const eventId = crypto.randomUUID();
const students = Array.from({ length: STUDENTS }, () => crypto.randomUUID());
let at = Date.parse("2027-01-10T08:00:00Z");
const batches = Array.from({ length: BATCHES }, () =>
  JSON.stringify(
    Array.from({ length: PER_BATCH }, () => {
      const ms = 5 + Math.floor(Math.random() * 40);
      return [crypto.randomUUID(), eventId, students[Math.floor(Math.random() * STUDENTS)], crypto.randomUUID(), 0, "slot_full", "This slot is full.", ms, new Date(at++).toISOString(), latencyBucket(ms)];
    }),
  ),
);
db.exec("BEGIN");
// The recorder's order: staged, counted before the insert (its NOT EXISTS), students noted after.
for (const json of batches)
  for (const p of prepared) {
    const t = performance.now();
    if (p.name === "STAGE_ATTEMPTS") p.stmt.run(json);
    else p.stmt.run();
    p.ms += performance.now() - t;
  }
db.exec("COMMIT");
const attempts = BATCHES * PER_BATCH;
for (const p of prepared) console.log(`${p.name.padEnd(15)} ${((p.ms * 1000) / attempts).toFixed(1)} µs/attempt`);
console.log(`event_students: ${(db.prepare("SELECT count(*) AS n FROM event_students").get() as { n: number }).n} rows for ${attempts} attempts`);
