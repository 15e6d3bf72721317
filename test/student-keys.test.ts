// A StudentDO answers a retried Idempotency-Key from memory (student-store.ts `keys`): what it
// answers must be exactly what its rows say, so that an object re-created after eviction answers
// the same. Each kind of decision is made on a store, delivered, then read back by a new store on
// the same storage.
import { describe, expect, it } from "vitest";
import type { SlotInfo } from "../durable-objects/api.ts";
import { KEY_TTL_MS, StudentStore } from "../durable-objects/student-store.ts";
import { onEmptyStorage } from "./helpers.ts";


const slot = (n: number): SlotInfo => ({ id: `00000000-0000-4000-8000-00000000000${n}`, companyId: "c", startsAt: 1_000 * n, endsAt: 1_000 * n + 600, capacity: 2 });
const KEYS = ["k-ok", "k-full", "k-fault", "k-rules", "k-open", "k-recovered", "k-unused"];

describe("idempotency keys answered from memory", () => {
  it("every kind of decision answers the same from memory and from a reloaded object, and expires the same", async () => {
    const ids = { eventId: crypto.randomUUID(), studentId: crypto.randomUUID() };
    const out = await onEmptyStorage((s) => {
      const now = Date.now();
      new StudentStore(s, ids);
      // An earlier version's written keyed hold (its row, and its undecided attempt row), settled below.
      s.sql.exec("INSERT INTO bookings (id, slot_id, company_id, starts_at, ends_at, phase, status, created_at, updated_at) VALUES ('F', ?, 'c', 6000, 6600, 1, 'pending', ?, ?)", slot(6).id, now, now);
      s.sql.exec("INSERT INTO attempts (id, idem_key, slot_id, booking_id, received_at) VALUES ('f-attempt', 'k-recovered', ?, 'F', ?)", slot(6).id, now);
      const store = new StudentStore(s, ids);
      // Confirmed.
      store.hold("A", slot(1), 1, "k-ok", now, now);
      store.confirm("A", now);
      store.decide({ slotId: slot(1).id, bookingId: "A", key: "k-ok", receivedAt: now, out: { ok: true } }, now);
      // Refused by the slot, with details.
      store.hold("B", slot(2), 1, "k-full", now, now);
      store.drop("B");
      store.decide({ slotId: slot(2).id, bookingId: "B", key: "k-full", receivedAt: now, out: { ok: false, code: "slot_full", message: "This slot is full.", details: { taken: 2, capacity: 2 } } }, now);
      // A fault: the key is released, a retry tries again.
      store.hold("C", slot(3), 1, "k-fault", now, now);
      store.drop("C");
      store.decide({ slotId: slot(3).id, bookingId: "C", key: "k-fault", receivedAt: now, out: { ok: false, code: "unavailable", message: "later" }, transient: true }, now);
      // Refused by the rules: no hold.
      store.decide({ slotId: slot(4).id, bookingId: null, key: "k-rules", receivedAt: now, out: { ok: false, code: "phase_cap", message: "cap" } }, now);
      // A hold still undecided (its SlotDO answer not back yet): known in memory only.
      store.hold("E", slot(5), 1, "k-open", now, now);
      // That written hold settled by the alarm, which does not know the key: the row keeps it.
      store.drop("F");
      store.decide({ slotId: slot(6).id, bookingId: "F", key: null, receivedAt: now, out: { ok: false, code: "slot_full", message: "This slot is full." } }, now);
      store.delivered(store.due(now, 100), now);

      const reloaded = new StudentStore(s, ids);
      const later = now + KEY_TTL_MS + 1;
      return {
        memory: KEYS.map((k) => store.findKey(k, now)),
        reloaded: KEYS.map((k) => reloaded.findKey(k, now)),
        expired: [...KEYS.map((k) => store.findKey(k, later)), ...KEYS.map((k) => reloaded.findKey(k, later))],
      };
    });
    expect(out.memory).toEqual([
      { slotId: slot(1).id, bookingId: "A", code: "ok", message: null, details: null },
      { slotId: slot(2).id, bookingId: "B", code: "slot_full", message: "This slot is full.", details: { taken: 2, capacity: 2 } },
      undefined,
      { slotId: slot(4).id, bookingId: null, code: "phase_cap", message: "cap", details: null },
      { slotId: slot(5).id, bookingId: "E", code: null, message: null, details: null },
      { slotId: slot(6).id, bookingId: "F", code: "slot_full", message: "This slot is full.", details: null },
      undefined,
    ]);
    // A reloaded object (after a crash) knows every decided key, not the hold that was in memory:
    // a retry with that key is a new attempt (and takes back the seat if the slot holds it, faults.test.ts).
    expect(out.reloaded).toEqual(out.memory.map((k, i) => (i === 4 ? undefined : k)));
    expect(out.expired.every((k) => k === undefined)).toBe(true);
  });

  it("a key used again after its answer was a fault answers with the new use", async () => {
    const ids = { eventId: crypto.randomUUID(), studentId: crypto.randomUUID() };
    const out = await onEmptyStorage((s) => {
      const now = Date.now();
      const store = new StudentStore(s, ids);
      store.hold("A", slot(1), 1, "k", now, now);
      store.drop("A");
      store.decide({ slotId: slot(1).id, bookingId: "A", key: "k", receivedAt: now, out: { ok: false, code: "unavailable", message: "later" }, transient: true }, now);
      store.hold("B", slot(1), 1, "k", now + 1, now + 1);
      store.confirm("B", now + 1);
      store.decide({ slotId: slot(1).id, bookingId: "B", key: "k", receivedAt: now + 1, out: { ok: true } }, now + 1);
      return { memory: store.findKey("k", now + 2), reloaded: new StudentStore(s, ids).findKey("k", now + 2) };
    });
    expect(out.memory).toEqual({ slotId: slot(1).id, bookingId: "B", code: "ok", message: null, details: null });
    expect(out.reloaded).toEqual(out.memory);
  });
});
