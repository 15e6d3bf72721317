// `slots generate` applies the admin route's generator through wrangler. It cannot reach the
// SlotDOs, so it never removes a slot D1 knows a booking of (confirmed or cancelled), and while
// booking is live it removes nothing at all; running it again never duplicates a slot.
import { afterAll, beforeAll, expect, it } from "vitest";
import { State, yearConfig } from "./helpers.ts";

const state = new State();
type Gen = { create: number; remove: number; keptBooked: number; perCompanySlots: number; live: boolean };
let first: Gen;

beforeAll(async () => {
  await state.ok(["init", state.file("y.toml", yearConfig(2026))]);
  await state.ok(["companies", "import", state.file("c.csv", "name\nAurora Robotics\nBanque Lumière\nCobalt Cloud\n")]);
  first = await state.json(["slots", "generate"]);
  // D1 knows two bookings on slots that the shorter day below no longer fits: a confirmed one
  // (Aurora 09:45) and a cancelled one (Banque 09:30).
  const booking = (id: string, company: string, hhmm: string, status: string) =>
    `INSERT INTO bookings (id, event_id, slot_id, student_id, company_id, starts_at, ends_at, phase, status, created_at, updated_at)
       SELECT '${id}', s.event_id, s.id, 'u1', s.company_id, s.starts_at, s.ends_at, 1, '${status}', 'now', 'now'
       FROM slots s JOIN companies c ON c.id = s.company_id WHERE c.name = '${company}' AND strftime('%H:%M', s.starts_at, '+1 hour') = '${hhmm}';`;
  await state.exec(
    [
      "PRAGMA defer_foreign_keys = TRUE;",
      "INSERT INTO users (id, email, password_hash, role, full_name) VALUES ('u1', 'u1@example.com', 'x', 'student', 'U One');",
      booking("b1", "Aurora Robotics", "09:45", "confirmed"),
      "UPDATE slots SET taken = 1 WHERE id = (SELECT slot_id FROM bookings WHERE id = 'b1');",
      booking("b2", "Banque Lumière", "09:30", "cancelled"),
    ].join("\n"),
  );
  // The day now ends at 09:30: 09:30 and 09:45 no longer fit.
  await state.ok(["init", state.file("y.toml", yearConfig(2026, 'dayEnd = "09:30"').replace('dayEnd = "10:00"\n', ""))]);
});
afterAll(() => state.remove());

const slotsLeft = () =>
  state
    .query<{ name: string; at: string }>("SELECT c.name, strftime('%H:%M', s.starts_at, '+1 hour') AS at FROM slots s JOIN companies c ON c.id = s.company_id ORDER BY c.name, s.starts_at")
    .map((r) => `${r.name} ${r.at}`);

it("creates 4 slots per verified company", () => {
  expect(first).toMatchObject({ perCompanySlots: 4, create: 12, remove: 0, keptBooked: 0 });
});

it("previews with --dry-run, removes nothing while booking is live, then only the slots D1 knows no booking of", async () => {
  const preview = await state.json<Gen>(["slots", "generate", "--dry-run"]);
  expect(preview).toMatchObject({ perCompanySlots: 2, live: false, create: 0, remove: 4, keptBooked: 2 });
  expect(slotsLeft()).toHaveLength(12);

  await state.ok(["open"]);
  const live = await state.json<Gen>(["slots", "generate"]);
  expect(live).toMatchObject({ live: true, create: 0, remove: 0, keptBooked: 6 });
  expect(slotsLeft()).toHaveLength(12);

  await state.ok(["close"]);
  const closed = await state.json<Gen>(["slots", "generate"]);
  expect(closed).toMatchObject({ live: false, create: 0, remove: 4, keptBooked: 2 });
  expect(slotsLeft()).toEqual([
    "Aurora Robotics 09:00",
    "Aurora Robotics 09:15",
    "Aurora Robotics 09:45",
    "Banque Lumière 09:00",
    "Banque Lumière 09:15",
    "Banque Lumière 09:30",
    "Cobalt Cloud 09:00",
    "Cobalt Cloud 09:15",
  ]);
  // Running it again never duplicates a slot.
  const again = await state.json<Gen>(["slots", "generate"]);
  expect(again).toMatchObject({ create: 0, remove: 0, keptBooked: 2 });
  expect(slotsLeft()).toHaveLength(8);
});
