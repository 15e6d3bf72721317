// Anyone can verify a draw (issue #13): the export holds the snapshot the draw sealed (wishes by
// student id, seats, bookings already held); with the revealed seed, recomputing the order and
// the allocation gives exactly what was booked; a changed file or a wrong seed shows.
import { describe, expect, it } from "vitest";
import { parseCsv } from "../worker/domain/csv.ts";
import { DrawExportError, bookedMismatches, exportCsv, parseExport, verifyExport } from "../worker/lib/draw-export.ts";
import { api, createUser, createUsers, d1Bookings, drainAll } from "./helpers.ts";
import { companiesWithSlots, createDrawEvent, drawRows, exportRows, insertWishes, putWishes } from "./draw-fixtures.ts";

describe("draw export and verify", () => {
  it("the export and the revealed seed reproduce phase 2's allocation, bookings held from phase 1 included; tampering shows", async () => {
    // Phase 1 first come, first served (no draw), phase 2 drawn; the office runs it during phase 1.
    const eventId = await createDrawEvent({ phase: 1, drawPhase1: false });
    const { companies, slots } = await companiesWithSlots(eventId, 6, 4);
    const students = await createUsers(30);
    for (const [i, s] of students.slice(0, 10).entries()) expect((await api("POST", "/bookings", { token: s.token, body: { slotId: slots[(i * 5) % slots.length]!.id } })).status).toBe(201);
    await drainAll(eventId, students.map((s) => s.id));
    expect((await putWishes(students[0]!.token, [{ companyId: companies[0]! }, { companyId: companies[1]!, notBefore: "09:30" }])).status).toBe(200);
    await insertWishes(
      eventId,
      students.slice(1).map((s, i) => ({ studentId: s.id, wishes: [0, 1, 2, 3].map((k) => ({ companyId: companies[(i + [0, 1, 3, 4][k]!) % 6]!, ...(k === 3 ? { notAfter: "10:00" } : {}) })) })),
    );
    const admin = await createUser({ role: "admin" });
    const run = await api("POST", "/admin/draw/2/run", { token: admin.token, body: {} });
    expect(run.status).toBe(200);
    await drainAll(eventId, students.map((s) => s.id));
    const seed = (await drawRows(eventId)).find((d) => d.phase === 2)!.seed!;

    const csv = exportCsv("INF test", await exportRows(eventId, 2))!;
    const parsed = parseExport(parseCsv(csv));
    expect(parsed.snapshot.holdings.length).toBe(10);
    expect(parsed.snapshot.students).toHaveLength(30);
    const report = await verifyExport(parsed, seed);
    expect(report.commitmentOk).toBe(true);
    expect(report.mismatches).toEqual([]);
    expect(report.allocation.won.length).toBe(run.body.summary.allocated);
    const drawn = (await d1Bookings(eventId, "status = 'confirmed' AND phase = 2")).map((b) => ({ studentId: b.student_id, slotId: b.slot_id }));
    expect(bookedMismatches(report.allocation, drawn)).toEqual({ missing: [], extra: [] });

    // A published outcome changed: that wish, and only it, does not match.
    const wonLine = csv.split("\r\n").find((l) => l.startsWith("wish,") && l.includes(",won,"))!;
    const [student, rank] = wonLine.split(",").slice(1, 3);
    const edited = await verifyExport(parseExport(parseCsv(csv.replace(wonLine, wonLine.replace(/,won,,,$/, ",lost,company_full,,")))), seed);
    expect(edited.mismatches.map((m) => [m.studentId, String(m.rank), m.published])).toEqual([[student, rank, "lost (company_full)"]]);
    // Another seed: not the one committed to, and not the published allocation.
    const other = await verifyExport(parsed, seed.replace(/^./, (c) => (c === "0" ? "1" : "0")));
    expect(other.commitmentOk).toBe(false);
    expect(other.mismatches.length).toBeGreaterThan(0);
    // A file that lost a cell says where.
    const broken = csv.replace(wonLine, wonLine.replace(`,${rank},`, ",,"));
    expect(() => parseExport(parseCsv(broken))).toThrow(DrawExportError);
    expect(() => parseExport(parseCsv(broken))).toThrow(/^line \d+: wish: rank is missing$/);
  });
});
