// One year set up the way the career office does it (the README's "Yearly checklist"), with
// real students booking through the running Worker.
import { type State, type Worker, api, startWorker, yearConfig } from "./helpers.ts";
import { signUpVerified } from "../mailbox.ts";

export const COMPANIES = ["Aurora Robotics", "Banque Lumière", "Cobalt Cloud"];

export interface Student {
  email: string;
  id: string;
  token: string;
}

export interface Year {
  eventId: string;
  admin: { email: string; password: string };
  worker: Worker;
  students: Student[];
  /** Slot ids by company name, in time order. */
  slots: Map<string, string[]>;
  /** Confirmed bookings made by setUpYear. */
  booked: { student: Student; bookingId: string; slotId: string }[];
  /** Booking attempts answered (booked or refused): each leaves one row in D1. */
  attempts: number;
}

/** init, companies import, students deprioritized, admin create, slots generate, open; then bookings. */
export async function setUpYear(state: State, year: number, opts: { students?: number; prefix?: string } = {}): Promise<Year> {
  const n = opts.students ?? 5;
  const prefix = opts.prefix ?? `y${year}`;
  const init = await state.json<{ eventId: string }>(["init", state.file(`inf-${year}.toml`, yearConfig(year))]);
  await state.ok(["companies", "import", state.file("companies.csv", `name,website,verified\n${COMPANIES.map((c) => `${c},https://example.com,yes`).join("\n")}\n`)]);
  await state.ok(["students", "deprioritized", state.file("deprioritized.csv", `email\n${prefix}-student1@example.com\n`)]);
  const admin = await state.json<{ email: string; password: string }>(["admin", "create", `${prefix}-admin@example.com`]);
  await state.ok(["slots", "generate"]);
  await state.ok(["open"]);
  const worker = await startWorker(state);
  const students = await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const email = `${prefix}-student${i + 1}@example.com`;
      const r = await signUpVerified((method, path, body) => api(worker.url, method, path, body === undefined ? {} : { body }), { email, password: "correct horse battery", fullName: `Student ${i + 1}`, role: "student" });
      return { email, id: r.user.id as string, token: r.token };
    }),
  );
  const catalogue = await api<{ companies: { id: string; name: string }[] }>(worker.url, "GET", "/companies");
  const slots = new Map<string, string[]>();
  for (const c of catalogue.body.companies) {
    const detail = await api<{ slots: { id: string; startsAt: string }[] }>(worker.url, "GET", `/companies/${c.id}`);
    slots.set(c.name, detail.body.slots.sort((a, b) => a.startsAt.localeCompare(b.startsAt)).map((s) => s.id));
  }
  // Student k books company j at slot (k + j) mod 4: three distinct times, one slot per company.
  const booked: Year["booked"] = [];
  await Promise.all(
    students.map(async (student, k) => {
      for (const [j, name] of COMPANIES.entries()) {
        const slotId = slots.get(name)![(k + j) % slots.get(name)!.length]!;
        const r = await api(worker.url, "POST", "/bookings", { token: student.token, body: { slotId } });
        if (r.status === 201) booked.push({ student, bookingId: r.body.booking.id, slotId });
        else if (!(k === 0 && r.body?.error?.code === "phase_gate")) throw new Error(`booking by ${student.email}: ${r.status} ${JSON.stringify(r.body)}`);
      }
    }),
  );
  return { eventId: init.eventId, admin, worker, students, slots, booked, attempts: students.length * COMPANIES.length };
}

/**
 * Waits until D1 holds every confirmed booking and every attempt's row: bookings are written at
 * once, a refusal's row waits up to REFUSAL_LINGER_SECONDS (10 s, wrangler.toml) for company.
 */
export async function d1Settled(state: State, year: Year): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const [row] = state.query<{ confirmed: number; attempts: number }>(
      `SELECT (SELECT count(*) FROM bookings WHERE event_id = '${year.eventId}' AND status = 'confirmed') AS confirmed,
              (SELECT count(*) FROM booking_attempts WHERE event_id = '${year.eventId}') AS attempts`,
    );
    if (row?.confirmed === year.booked.length && row.attempts === year.attempts) return;
    if (Date.now() > deadline) throw new Error(`D1 holds ${JSON.stringify(row)}, expected ${year.booked.length} confirmed bookings and ${year.attempts} attempts`);
    await new Promise((r) => setTimeout(r, 300));
  }
}
