// A full year on the CLI: init 2026, import, generate, bookings, export, then init 2027. 2026 stays
// exportable as it was; 2027 starts empty, and with fresh Durable Objects (caps start over).
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { State, api, yearConfig } from "./helpers.ts";
import { COMPANIES, type Year, d1Settled, setUpYear } from "./year.ts";

const state = new State();
let y2026: Year;
let export2026: string;
let init2027: { eventId: string; archived: { id: string; bookings: number } };

const rows = (csv: string) => csv.trim().split("\r\n").slice(1);

beforeAll(async () => {
  y2026 = await setUpYear(state, 2026);
  await d1Settled(state, y2026);
  export2026 = state.file("bookings-2026.csv", "");
  await state.ok(["export", "bookings", "--out", export2026]);
  init2027 = await state.json(["init", state.file("inf-2027.toml", yearConfig(2027))]);
});
afterAll(async () => {
  await y2026?.worker.stop();
  state.remove();
});

it("sets up 2026 from the checklist: 3 verified companies, 4 slots each, one deprioritized student refused in phase 1 at each company", async () => {
  const s = await state.json(["status", "--event", "2026"]);
  expect(s.companies).toEqual({ verified: 3, withSlots: 3 });
  expect(s.slots).toMatchObject({ count: 12, seats: 24 });
  // Students of the event: the 5 who tried to book (the deprioritized one was refused), 4 got one.
  expect(s.students).toEqual({ ofEvent: 5, withBooking: 4, deprioritized: 1, withBookingRate: 0.8 });
  expect(s.bookings).toEqual({ confirmed: 12, cancelled: 0 });
  expect(s.attempts.byCode).toEqual({ ok: 12, phase_gate: 3 });
  expect(y2026.booked).toHaveLength(12);
});

it("exported 2026's bookings, one line per confirmed booking", () => {
  const lines = rows(readFileSync(export2026, "utf8"));
  expect(lines).toHaveLength(12);
  for (const b of y2026.booked) expect(lines.some((l) => l.startsWith(`${b.bookingId},confirmed,1,`) && l.includes(b.student.email))).toBe(true);
});

it("archives 2026 when 2027 is created, and 2026 stays exportable exactly as before", async () => {
  expect(init2027.archived).toMatchObject({ id: y2026.eventId, bookings: 12 });
  const events = state.query<{ name: string; status: string }>("SELECT name, status FROM events ORDER BY date");
  expect(events).toEqual([
    { name: "INF 2026", status: "archived" },
    { name: "INF 2027", status: "active" },
  ]);
  const again = await state.cli(["export", "bookings", "--event", "2026"]);
  expect(again.code).toBe(0);
  expect(again.stdout).toBe(readFileSync(export2026, "utf8"));
  const audit = await state.cli(["export", "audit", "--event", "2026"]);
  expect(rows(audit.stdout).map((l) => l.split(",")[3])).toEqual(["event.create", "companies.import", "deprioritized.import", "slots.generate", "booking.open", "event.archive"]);
});

it("starts 2027 empty: no company verified, no slot, no booking, nobody deprioritized, booking closed", async () => {
  const s = await state.json(["status"]);
  expect(s.event).toMatchObject({ name: "INF 2027", bookingOpen: false });
  expect(s.companies).toEqual({ verified: 0, withSlots: 0 });
  expect(s.slots.count).toBe(0);
  expect(s.bookings).toEqual({ confirmed: 0, cancelled: 0 });
  // The 5 accounts still exist, but none is a student of 2027 yet.
  expect(s.students).toEqual({ ofEvent: 0, deprioritized: 0, withBooking: 0, withBookingRate: 0 });
  // Last year's list no longer flags anyone (seed 000's reset), though 2026 keeps its list.
  expect(state.query("SELECT email FROM users WHERE deprioritized = 1")).toEqual([]);
  const last = await state.json(["status", "--event", "2026"]);
  expect(last.students.deprioritized).toBe(1);
  // Archived: no phase, whatever its windows say (they were still open when 2027 was created).
  expect(last.event).toMatchObject({ status: "archived", bookingOpen: false, currentPhase: 0 });
  expect((await state.cli(["export", "bookings"])).stdout.trim().split("\r\n")).toHaveLength(1);
});

it("gives 2027 fresh Durable Objects: a student who used all 3 phase-1 bookings in 2026 books again", async () => {
  await state.ok(["companies", "import", state.file("companies-2027.csv", `name\n${COMPANIES.join("\n")}\n`)]);
  await state.ok(["slots", "generate"]);
  await state.ok(["open"]);
  const student = y2026.booked[0]!.student;
  expect(y2026.booked.filter((b) => b.student === student)).toHaveLength(3);
  const { body: catalogue } = await api(y2026.worker.url, "GET", "/companies");
  const { body: detail } = await api(y2026.worker.url, "GET", `/companies/${catalogue.companies[0].id}`);
  expect(detail.slots.every((s: { taken: number }) => s.taken === 0)).toBe(true);
  const r = await api(y2026.worker.url, "POST", "/bookings", { token: student.token, body: { slotId: detail.slots[0].id } });
  expect(r.status).toBe(201);
  const mine = await api(y2026.worker.url, "GET", "/bookings", { token: student.token });
  expect(mine.body.bookings.map((b: { id: string }) => b.id)).toEqual([r.body.booking.id]);
});

it("puts 2026's no-shows on 2027's list by an explicit step, with the reason the student then sees", async () => {
  const noShow = y2026.booked.find((b) => b.student !== y2026.booked[0]!.student)!;
  // Marked on the day the way the Worker writes attendance.
  await state.exec(`UPDATE bookings SET attendance = 'no_show', checked_in_at = '2026-11-18T09:00:00.000Z' WHERE id = '${noShow.bookingId}';`);
  expect((await state.json(["status", "--event", "2026"])).attendance).toMatchObject({ noShow: 1, noShowRate: 1 });
  const exported = rows((await state.ok(["export", "no-shows", "--event", "2026"])).stdout);
  expect(exported).toHaveLength(1);
  expect(exported[0]).toContain(`${noShow.student.email},`);
  expect(exported[0]).toContain(",no_show,");

  const dry = await state.json(["students", "deprioritized", "--from-no-shows", "2026", "--dry-run"]);
  expect(dry).toMatchObject({ dryRun: true, added: 1, flagged: 1 });
  expect(state.query(`SELECT email FROM deprioritized_emails WHERE email = '${noShow.student.email}'`)).toEqual([]);
  expect(await state.json(["students", "deprioritized", "--from-no-shows", "2026"])).toMatchObject({ added: 1, flagged: 1 });
  const [listed] = state.query<{ reason: string }>(`SELECT d.reason FROM deprioritized_emails d JOIN events e ON e.id = d.event_id WHERE e.status = 'active' AND d.email = '${noShow.student.email}'`);
  expect(listed?.reason).toMatch(/^no-show at INF 2026 \(.+\)$/);
  const { body } = await api(y2026.worker.url, "GET", "/profile/priority", { token: noShow.student.token });
  expect(body.priority).toMatchObject({ deprioritized: true, reason: listed!.reason });
  expect(await state.json(["students", "deprioritized", "--from-no-shows", "2026"])).toMatchObject({ added: 0, unchanged: 1 });
  // The active event is this year's: its no-shows are next year's business.
  expect((await state.cli(["students", "deprioritized", "--from-no-shows", "2027"])).code).toBe(1);
});
