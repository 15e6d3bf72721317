// A draw that crashes while it commits (issue #13): the DrawDO aborted after its seal, after
// publishing it, after some bookings, after all of them; StudentDOs aborted mid-booking. Resumed
// by the alarm, it ends in the allocation the published seed and snapshot give, each won wish
// booked exactly once, and every store agrees.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { DrawDO, DrawFaultStep } from "../durable-objects/draw-do.ts";
import type { StudentFaultStep } from "../durable-objects/api.ts";
import type { StudentDO } from "../durable-objects/student-do.ts";
import { parseCsv } from "../worker/domain/csv.ts";
import { exportCsv, parseExport, verifyExport } from "../worker/lib/draw-export.ts";
import { api, createUser, d1Bookings, studentDo } from "./helpers.ts";
import { expectInvariants } from "./invariants.ts";
import { drawDo, drawRows, drawnEvent, entries, exportRows } from "./draw-fixtures.ts";

/** Aborts the DrawDO (memory gone, uncommitted writes lost) the `nth` time it reaches `step`. */
async function crashDrawAt(eventId: string, step: DrawFaultStep, nth = 1) {
  await runInDurableObject(drawDo(eventId), (o: DrawDO, state) => {
    let seen = 0;
    o.faultHook = (s) => {
      if (s !== step || ++seen < nth) return;
      o.faultHook = undefined;
      state.abort(`injected crash at ${s} #${nth}`);
    };
  });
}

async function crashStudentAt(eventId: string, studentId: string, step: StudentFaultStep) {
  await runInDurableObject(studentDo(eventId, studentId), (o: StudentDO, state) => {
    o.faultHook = (s) => {
      if (s !== step) return;
      o.faultHook = undefined;
      state.abort(`injected crash at ${s}`);
    };
  });
}

/** Fires the DrawDO's alarm (the watchdog a run leaves armed) until phase 1's draw is done. */
async function resume(eventId: string) {
  for (let i = 0; i < 5; i++) {
    if ((await drawRows(eventId)).find((d) => d.phase === 1)?.status === "done") return;
    await runDurableObjectAlarm(drawDo(eventId)).catch(() => undefined);
  }
  throw new Error("the draw did not finish after 5 alarms");
}

/** The final state: the published seed and snapshot give exactly what was booked, once each. */
async function expectOneAllocation(ev: Awaited<ReturnType<typeof drawnEvent>>) {
  const { eventId } = ev;
  const [draw] = await drawRows(eventId);
  const rows = await entries(eventId, 1);
  const won = rows.filter((r) => r.outcome === "won");
  const report = await verifyExport(parseExport(parseCsv(exportCsv("test", await exportRows(eventId, 1))!)), draw!.seed!);
  expect(report.commitmentOk).toBe(true);
  expect(report.mismatches).toEqual([]);
  expect(won.length).toBeGreaterThan(0);
  await expectInvariants({
    eventId,
    studentIds: ev.students.map((s) => s.id),
    slots: ev.slots.map((s) => ({ id: s.id, capacity: 2 })),
    acknowledged: new Set(won.map((r) => r.booking_id!)),
    caps: { phase1: 3, total: 6, perCompany: 1 },
    deprioritized: new Set(ev.deprioritized.map((s) => s.id)),
  });
  const booked = await d1Bookings(eventId, "status = 'confirmed'");
  expect(booked.map((b) => b.id).sort()).toEqual(won.map((r) => r.booking_id).sort());
  return won;
}

const crashes: { step: DrawFaultStep; nth: number; what: string }[] = [
  { step: "sealed", nth: 1, what: "right after storing its allocation (lost with the crash: computed again)" },
  { step: "published", nth: 1, what: "right after publishing the seed and the snapshot" },
  { step: "booked", nth: 1, what: "after its first booking, before storing the answer" },
  { step: "booked", nth: 25, what: "after 25 bookings" },
  { step: "committed", nth: 1, what: "after every booking, before finishing" },
];

describe("a draw crashing while it commits", () => {
  for (const c of crashes) {
    it(`the DrawDO aborted ${c.what}: resumed by its alarm, the same allocation, no booking twice`, async () => {
      const ev = await drawnEvent(40);
      await crashDrawAt(ev.eventId, c.step, c.nth);
      const admin = await createUser({ role: "admin" });
      const cut = await api("POST", "/admin/draw/1/run", { token: admin.token, body: {} });
      expect([cut.status, cut.body.error?.code]).toEqual([503, "unavailable"]);
      const sealedBefore = (await entries(ev.eventId, 1)).filter((r) => r.outcome === "won").map((r) => `${r.student_id}:${r.rank}:${r.slot_id}`);
      await resume(ev.eventId);
      const won = await expectOneAllocation(ev);
      // Published before the crash, the allocation is the one that was booked.
      if (sealedBefore.length) expect(won.map((r) => `${r.student_id}:${r.rank}:${r.slot_id}`)).toEqual(sealedBefore);
    });
  }

  it("StudentDOs aborted mid-booking (hold taken, seat taken): the draw retries under the same keys, one booking each", async () => {
    const ev = await drawnEvent(40);
    const eligible = ev.students.filter((s) => !ev.deprioritized.includes(s));
    await Promise.all(eligible.slice(0, 16).map((s, i) => crashStudentAt(ev.eventId, s.id, i % 2 ? "held" : "seated")));
    const summary = await drawDo(ev.eventId).run(ev.eventId, 1);
    expect(summary.diverged).toBe(0);
    await expectOneAllocation(ev);
  });
});
