// `reconcile` reads every SlotDO and StudentDO through the Worker and compares them with D1: on a
// state with injected drift it finds exactly the injected differences, and --fix repairs them.
import { afterAll, beforeAll, expect, it } from "vitest";
import { State } from "./helpers.ts";
import { type Year, d1Settled, setUpYear } from "./year.ts";

const state = new State();
let year: Year;
let env: Record<string, string>;

beforeAll(async () => {
  year = await setUpYear(state, 2026, { prefix: "rec" });
  await d1Settled(state, year);
  env = { INF_ADMIN_PASSWORD: year.admin.password };
});
afterAll(async () => {
  await year?.worker.stop();
  state.remove();
});

const sortDrifts = (ds: { kind: string; bookingId?: string; slotId?: string }[]) =>
  ds.map((d) => ({ kind: d.kind, id: d.bookingId ?? d.slotId })).sort((a, b) => `${a.kind}${a.id}`.localeCompare(`${b.kind}${b.id}`));

it("finds no drift on a clean state, exactly the injected drift on a broken one, and --fix repairs it", async () => {
  const args = ["reconcile", "--url", year.worker.url, "--email", year.admin.email];
  const clean = await state.cli([...args, "--json"], { env });
  expect(clean.code).toBe(0);
  expect(JSON.parse(clean.stdout)).toMatchObject({ drifts: [], checked: { slots: 12, students: 5, bookingsInD1: 12 } });

  const [lost, flipped] = year.booked;
  const skewed = year.booked[5]!.slotId;
  // A confirmed row for the deprioritized student, who holds nothing in any object.
  const phantomSlot = year.booked[3]!.slotId;
  const phantomId = "00000000-0000-4000-8000-00000000beef";
  await state.exec(
    [
      `DELETE FROM bookings WHERE id = '${lost!.bookingId}';`,
      `UPDATE bookings SET status = 'cancelled', cancelled_at = '2026-01-01T00:00:00Z' WHERE id = '${flipped!.bookingId}';`,
      `UPDATE slots SET taken = taken + 1 WHERE id = '${skewed}';`,
      `INSERT INTO bookings (id, event_id, slot_id, student_id, company_id, starts_at, ends_at, phase, status, created_at, updated_at)
         SELECT '${phantomId}', event_id, id, '${year.students[0]!.id}', company_id, starts_at, ends_at, 1, 'confirmed', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'
         FROM slots WHERE id = '${phantomSlot}';`,
    ].join("\n"),
  );

  const found = await state.cli([...args, "--json"], { env });
  expect(found.code).toBe(1);
  const report = JSON.parse(found.stdout);
  expect(sortDrifts(report.drifts)).toEqual(
    sortDrifts([
      { kind: "missing_in_d1", bookingId: lost!.bookingId },
      { kind: "status_mismatch", bookingId: flipped!.bookingId },
      { kind: "taken_mismatch", slotId: skewed },
      { kind: "not_in_do", bookingId: phantomId },
    ]),
  );
  expect(report.drifts.every((d: { fixable: boolean }) => d.fixable)).toBe(true);

  const fixed = await state.cli([...args, "--fix", "--json"], { env });
  expect(fixed.code).toBe(0);
  expect(JSON.parse(fixed.stdout)).toMatchObject({ fixed: 4, remaining: [] });
  const [rows = [], slot, audit] = state.queryMany(
    `SELECT id, status FROM bookings WHERE id IN ('${lost!.bookingId}', '${flipped!.bookingId}', '${phantomId}') ORDER BY id`,
    `SELECT taken FROM slots WHERE id = '${skewed}'`,
    "SELECT actor_email FROM audit_log WHERE action = 'reconcile.fix'",
  );
  expect(Object.fromEntries(rows.map((r) => [r.id, r.status]))).toEqual({ [lost!.bookingId]: "confirmed", [flipped!.bookingId]: "confirmed", [phantomId]: "cancelled" });
  expect(slot).toEqual([{ taken: year.booked.filter((b) => b.slotId === skewed).length }]);
  expect(audit).toEqual([{ actor_email: year.admin.email }]);

  const after = await state.cli([...args, "--json"], { env });
  expect(after.code).toBe(0);
  expect(JSON.parse(after.stdout).drifts).toEqual([]);
});

it("reads every student's object with --all-students, not only those D1 knows of", async () => {
  await state.exec("INSERT INTO users (id, email, password_hash, role, full_name) VALUES ('5ce00000-0000-4000-8000-000000000001', 'quiet@example.com', 'x', 'student', 'Quiet Student');");
  const args = ["reconcile", "--url", year.worker.url, "--email", year.admin.email, "--json"];
  const known = await state.json(args, { env });
  const all = await state.json([...args, "--all-students"], { env });
  expect([known.checked.students, all.checked.students]).toEqual([5, 6]);
  expect(all.drifts).toEqual([]);
});

it("refuses without an admin session", async () => {
  const r = await state.cli(["reconcile", "--url", year.worker.url, "--token", "not-a-token"]);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/reconcile failed \(401 unauthenticated\)/);
});
