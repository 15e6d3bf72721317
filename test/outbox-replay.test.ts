// The outbox's writes to D1 are exact however often and in whatever order they arrive (issue #10,
// item 4): the booking upsert is monotonic (a newer updated_at wins, cancelled is final), attempts
// are inserted once and counted once in the monitor's aggregate; and a refused batch is isolated
// in order, stopping at the first failure that is not a constraint.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Parcel } from "../durable-objects/api.ts";
import { D1Sink, type D1Writer, latencyBucket, packBooking } from "../durable-objects/d1-sink.ts";
import { writeIsolating } from "../durable-objects/outbox.ts";
import { createCompany, createEvent, createSlots, createUser, d1Attempts, d1Bookings, d1Taken } from "./helpers.ts";

const iso = (ms: number) => new Date(ms).toISOString();

async function fixture() {
  const eventId = await createEvent({ phase: 1 });
  const companyId = await createCompany(eventId);
  const [slot] = await createSlots(eventId, companyId, 1);
  const student = await createUser();
  const t0 = Date.now();
  const booking = (id: string, status: "confirmed" | "cancelled", at: number) =>
    packBooking({
      id, eventId, slotId: slot!.id, studentId: student.id, companyId, startsAt: slot!.startsAt, endsAt: slot!.endsAt, phase: 1, status,
      createdAt: iso(t0), updatedAt: iso(at), cancelledAt: status === "cancelled" ? iso(at) : null, cancelReason: status === "cancelled" ? "student" : null,
    });
  const attempt = (id: string, code: string | null, ms: number) => [id, eventId, student.id, slot!.id, code ? 0 : 1, code, code ? "refused" : null, ms, iso(t0), latencyBucket(ms)];
  return { eventId, slotId: slot!.id, booking, attempt, t0 };
}

const json = (rows: unknown[][]) => JSON.stringify(rows);
/** Rows left in the staging tables (d1-sink.ts): none between batches, whatever a batch did. */
const staged = async () => ({
  bookings: await env.DB.prepare("SELECT count(*) AS n FROM staged_bookings").first<number>("n"),
  attempts: await env.DB.prepare("SELECT count(*) AS n FROM staged_attempts").first<number>("n"),
});
const stats = async (eventId: string) =>
  (await env.DB.prepare("SELECT code, sum(attempts) AS n FROM attempt_stats WHERE event_id = ? GROUP BY code ORDER BY code").bind(eventId).all<{ code: string; n: number }>()).results;

describe("D1 under replayed and reordered outbox batches", () => {
  it("a student's rebooking written twice and out of order: D1 ends with A cancelled, B confirmed, two attempts counted once", async () => {
    const f = await fixture();
    const sink = new D1Sink(env.DB);
    const [A, B] = [crypto.randomUUID(), crypto.randomUUID()];
    const aConfirmed = f.booking(A, "confirmed", f.t0 + 1);
    const aCancelled = f.booking(A, "cancelled", f.t0 + 2);
    const bConfirmed = f.booking(B, "confirmed", f.t0 + 3);
    const first = f.attempt(crypto.randomUUID(), null, 12);
    const second = f.attempt(crypto.randomUUID(), null, 40);

    await sink.write(json([aConfirmed]), json([first]));
    await sink.write(json([aCancelled, bConfirmed]), json([second]));
    // Every batch again, the oldest last, then the second batch's rows in reverse order.
    await sink.write(json([aCancelled, bConfirmed]), json([second]));
    await sink.write(json([aConfirmed]), json([first]));
    await sink.write(json([bConfirmed, aCancelled]), json([second, first]));

    const rows = await d1Bookings(f.eventId);
    expect(Object.fromEntries(rows.map((r) => [r.id, r.status]))).toEqual({ [A]: "cancelled", [B]: "confirmed" });
    expect(await d1Taken(f.slotId)).toBe(1);
    expect(await d1Attempts(f.eventId)).toHaveLength(2);
    expect(await stats(f.eventId)).toEqual([{ code: "ok", n: 2 }]);
    expect(await staged()).toEqual({ bookings: 0, attempts: 0 });
  });

  it("a batch D1 refuses (two confirmed bookings of one student on one slot) changes nothing and leaves nothing staged", async () => {
    const f = await fixture();
    const sink = new D1Sink(env.DB);
    const clash = [f.booking(crypto.randomUUID(), "confirmed", f.t0 + 1), f.booking(crypto.randomUUID(), "confirmed", f.t0 + 2)];
    await expect(sink.write(json(clash), json([f.attempt(crypto.randomUUID(), null, 5)]))).rejects.toThrow(/constraint/i);
    expect(await d1Bookings(f.eventId)).toEqual([]);
    expect(await d1Attempts(f.eventId)).toEqual([]);
    expect(await stats(f.eventId)).toEqual([]);
    expect(await d1Taken(f.slotId)).toBe(0);
    expect(await staged()).toEqual({ bookings: 0, attempts: 0 });
  });

  it("the newer state first, the older after: a cancellation stays final, a later confirmation is not undone", async () => {
    const f = await fixture();
    const sink = new D1Sink(env.DB);
    const A = crypto.randomUUID();
    await sink.write(json([f.booking(A, "cancelled", f.t0 + 5)]), "[]");
    await sink.write(json([f.booking(A, "confirmed", f.t0 + 1)]), "[]");
    expect((await d1Bookings(f.eventId))[0]).toMatchObject({ id: A, status: "cancelled" });
    expect(await d1Taken(f.slotId)).toBe(0);
  });
});

/** A D1 that records what it wrote, refusing rows by id: `poison` with a constraint, `away` as an outage (a batch with both: the constraint). */
class ScriptedSink implements D1Writer {
  written: string[] = [];
  constructor(private readonly poison: Set<string>, private readonly away: Set<string>) {}
  async write(bookingsJson: string, attemptsJson: string): Promise<void> {
    const ids = [...(JSON.parse(bookingsJson) as unknown[][]), ...(JSON.parse(attemptsJson) as unknown[][])].map((r) => String(r[0]));
    if (ids.some((id) => this.poison.has(id))) throw new Error("D1_ERROR: FOREIGN KEY constraint failed: SQLITE_CONSTRAINT");
    if (ids.some((id) => this.away.has(id))) throw new Error("D1_ERROR: Network connection lost.");
    this.written.push(...ids);
  }
}

const parcel = (bookings: string[], attempts: string[] = []): Parcel => ({ bookings: json(bookings.map((id) => [id])), attempts: json(attempts.map((id) => [id])) });

describe("a refused batch, isolated", () => {
  it("sets aside only the record D1 will never take, and writes the others in their order", async () => {
    const sink = new ScriptedSink(new Set(["poison"]), new Set());
    const verdicts = await writeIsolating([parcel(["a1"], ["t1"]), parcel(["poison", "b1"], ["t2"]), parcel(["c1"])], sink);
    expect(verdicts).toEqual([
      { ok: true, refused: [] },
      { ok: true, refused: [{ error: expect.stringContaining("constraint"), ids: ["poison"] }] },
      { ok: true, refused: [] },
    ]);
    expect(sink.written.filter((id) => id !== "t1" && id !== "t2")).toEqual(["a1", "b1", "c1"]);
  });

  it("stops at the first failure that is not a constraint: a later 'B confirmed' never lands before an earlier 'A cancelled'", async () => {
    // One student's parcel: A cancelled, then B confirmed on the same slot. Another parcel holds a
    // poison row, so the batch is bisected; then D1 goes away exactly when A cancelled is written.
    const sink = new ScriptedSink(new Set(["poison"]), new Set(["A-cancelled"]));
    const verdicts = await writeIsolating([parcel(["poison"]), parcel(["A-cancelled", "B-confirmed"]), parcel(["later"])], sink);
    expect(sink.written).not.toContain("B-confirmed");
    expect(sink.written).not.toContain("later");
    expect(verdicts[1]).toEqual({ ok: false, error: expect.stringContaining("Network") });
    expect(verdicts[2]).toEqual({ ok: false, error: expect.stringContaining("Network") });
    // The poison was found before the outage and is reported; its parcel is done.
    expect(verdicts[0]).toEqual({ ok: true, refused: [{ error: expect.stringContaining("constraint"), ids: ["poison"] }] });
  });

  it("a batch refused for another reason than a constraint is not bisected: every parcel is retried whole", async () => {
    const sink = new ScriptedSink(new Set(), new Set(["x"]));
    const verdicts = await writeIsolating([parcel(["x"]), parcel(["y"])], sink);
    expect(verdicts.every((v) => !v.ok)).toBe(true);
    expect(sink.written).toEqual([]);
  });
});
