// The objects' schemas (durable-objects/sql-migrations.ts): a new object's one-statement schema
// is exactly what the append-only steps give an old object, and an object of the first outbox
// design keeps everything it owed D1 and every idempotency key's answer when it migrates.
import { describe, expect, it } from "vitest";
import { DRAW_SCHEMA } from "../durable-objects/draw-do.ts";
import { LIVE_SEATS_SCHEMA } from "../durable-objects/live-seats.ts";
import { SLOT_SCHEMA } from "../durable-objects/slot-do.ts";
import { type Schema, migrate } from "../durable-objects/sql-migrations.ts";
import { STUDENT_SCHEMA } from "../durable-objects/student-schema.ts";
import { StudentStore } from "../durable-objects/student-store.ts";
import { onEmptyStorage } from "./helpers.ts";

const OURS = "name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\'";


/** Tables, their columns and their indexes, as SQLite describes them (not SQLite's or the runtime's own). */
function shape(sql: SqlStorage) {
  const objects = sql
    .exec<{ type: string; name: string; tbl_name: string }>(`SELECT type, name, tbl_name FROM sqlite_master WHERE ${OURS} ORDER BY type, name`)
    .toArray();
  return objects.map((o) => ({
    ...o,
    columns: o.type === "table" ? sql.exec(`PRAGMA table_info("${o.name}")`).toArray() : sql.exec(`PRAGMA index_info("${o.name}")`).toArray(),
  }));
}

/** An object created before `fresh` existed: its version row at 0, every step to run. */
const legacy = (storage: DurableObjectStorage, version = 0) => storage.sql.exec(`CREATE TABLE _schema (version INTEGER NOT NULL); INSERT INTO _schema (version) VALUES (${version})`);

describe("an object's schema", () => {
  for (const [name, schema] of [["StudentDO", STUDENT_SCHEMA], ["SlotDO", SLOT_SCHEMA], ["DrawDO", DRAW_SCHEMA], ["LiveDO", LIVE_SEATS_SCHEMA]] as [string, Schema][]) {
    it(`${name}: a new object's schema is exactly what every step gives an old one`, async () => {
      const fresh = await onEmptyStorage((s) => {
        expect(migrate(s, schema)).toBe(true);
        return shape(s.sql);
      });
      const stepped = await onEmptyStorage((s) => {
        legacy(s);
        expect(migrate(s, schema)).toBe(false);
        return shape(s.sql);
      });
      expect(stepped).toEqual(fresh);
      expect(fresh.map((o) => o.name)).toContain("_schema");
    });
  }

  it("a StudentDO of the first outbox design keeps what it owed D1 and every key's answer", async () => {
    const eventId = crypto.randomUUID();
    const studentId = crypto.randomUUID();
    const now = Date.now();
    const slot = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;
    const attempt = (id: string, slotId: string) =>
      JSON.stringify({ kind: "attempt", row: { id, eventId, studentId, slotId, success: false, errorCode: "slot_full", errorMessage: "This slot is full.", responseTimeMs: 12, attemptedAt: new Date(now - 1000).toISOString() } });
    const out = await onEmptyStorage((s) => {
      legacy(s);
      for (const step of STUDENT_SCHEMA.steps.slice(0, 6)) if (typeof step === "string") s.sql.exec(step);
      s.sql.exec("UPDATE _schema SET version = 6");
      const insert = "INSERT INTO bookings (id, slot_id, company_id, starts_at, ends_at, phase, status, idem_key, received_at, created_at, updated_at, cancelled_at, cancel_reason) VALUES (?, ?, 'c', ?, ?, 1, ?, ?, ?, ?, ?, ?, ?)";
      s.sql.exec(insert, "X", slot(1), now, now + 1, "confirmed", "k1", now, now, now, null, null);
      s.sql.exec(insert, "Y", slot(2), now + 2, now + 3, "pending", "k2", now, now, now, null, null);
      s.sql.exec(insert, "Z", slot(3), now + 4, now + 5, "cancelled", null, now, now, now, now, "student");
      const key = "INSERT INTO idempotency (key, slot_id, booking_id, result, created_at) VALUES (?, ?, ?, ?, ?)";
      s.sql.exec(key, "k1", slot(1), "X", JSON.stringify({ ok: true, booking: { id: "X" } }), now);
      s.sql.exec(key, "k2", slot(2), "Y", null, now);
      s.sql.exec(key, "k3", slot(4), null, JSON.stringify({ ok: false, code: "slot_full", message: "This slot is full.", details: { taken: 2, capacity: 2 } }), now);
      s.sql.exec("INSERT INTO outbox (record) VALUES (?)", attempt("att-1", slot(4)));
      s.sql.exec("INSERT INTO dead_letter (seq, record, error, at) VALUES (99, ?, 'constraint', ?)", attempt("att-2", slot(5)), now);
      s.sql.exec("INSERT INTO meta (k, v) VALUES ('student_id', ?)", studentId);

      const store = new StudentStore(s, { eventId, studentId });
      const tables = s.sql.exec<{ name: string }>(`SELECT name FROM sqlite_master WHERE type = 'table' AND ${OURS} ORDER BY name`).toArray().map((t) => t.name);
      return {
        fresh: store.fresh,
        tables,
        keys: ["k1", "k2", "k3"].map((k) => store.findKey(k, now)),
        owed: store.due(now, 100).map((r) => r.id).sort(),
        open: store.open().map((b) => b.id),
        parcel: JSON.parse(store.parcel(store.due(now, 100)).attempts) as unknown[][],
      };
    });
    expect(out.fresh).toBe(false);
    expect(out.tables).toEqual(["_schema", "attempts", "bookings"]);
    expect(out.keys).toEqual([
      { slotId: slot(1), bookingId: "X", code: "ok", message: null, details: null },
      { slotId: slot(2), bookingId: "Y", code: null, message: null, details: null },
      { slotId: slot(4), bookingId: null, code: "slot_full", message: "This slot is full.", details: { taken: 2, capacity: 2 } },
    ]);
    // Every booking state D1 may lack (Y is a hold, not a booking), and both attempt records.
    expect(out.owed).toEqual(["X", "Z", "att-1", "att-2"].sort());
    expect(out.open).toEqual(["Y"]);
    expect(out.parcel.find((r) => r[0] === "att-1")).toEqual(["att-1", eventId, studentId, slot(4), 0, "slot_full", "This slot is full.", 12, new Date(now - 1000).toISOString(), expect.any(Number)]);
  });

  it("a SlotDO of the first design keeps its seats and its retired flag", async () => {
    const out = await onEmptyStorage((s) => {
      legacy(s);
      for (const step of SLOT_SCHEMA.steps.slice(0, 3)) if (typeof step === "string") s.sql.exec(step);
      s.sql.exec("UPDATE _schema SET version = 3");
      s.sql.exec("INSERT INTO seats (booking_id, student_id, state, at) VALUES ('b', 's', 'seated', 1)");
      s.sql.exec("INSERT INTO meta (k, v) VALUES ('retired', '123')");
      migrate(s, SLOT_SCHEMA);
      return { retired: s.kv.get("retired"), seats: s.sql.exec("SELECT booking_id FROM seats").toArray().length };
    });
    expect(out).toEqual({ retired: 123, seats: 1 });
  });
});
