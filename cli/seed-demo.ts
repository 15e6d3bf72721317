// Seeds the demo event into a local D1 through wrangler. Idempotent: when the demo admin exists,
// nothing is written. Never remote. Usage: node cli/seed-demo.ts [--persist-to <dir>]
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { hashPassword } from "../worker/lib/password.ts";
import { slotTimes } from "../worker/domain/slot-generation.ts";
import { DEFAULT_EVENT_CONFIG } from "../worker/domain/event-config.ts";
import { COMPANIES, DEMO, studentName } from "./demo-data.ts";
import { insert } from "./lib/sql.ts";
import { type Target, executeFile, query } from "./lib/wrangler.ts";

const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

export async function seedDemo(t: Target, log: (s: string) => void = console.log): Promise<boolean> {
  // Demo accounts have published passwords: they never reach production.
  if (t.remote) throw new Error("The demo seed is for local databases only: it refuses --remote (demo accounts have published passwords).");
  const present = query<{ n: number }>(t, `SELECT count(*) AS n FROM users WHERE email = '${DEMO.admin.email}'`)[0]?.n ?? 0;
  if (present > 0) {
    log("Demo data already present: left as it is.");
    return false;
  }
  const active = query<{ n: number }>(t, "SELECT count(*) AS n FROM events WHERE status = 'active'")[0]?.n ?? 0;
  if (active > 0) throw new Error("An event is already active in this database; the demo seed only fills an empty one.");

  log("Hashing demo passwords (PBKDF2, 100 000 iterations)...");
  const now = Date.now();
  const date = iso(now + 30 * 24 * HOUR).slice(0, 10);
  const eventId = randomUUID();
  const config = { ...DEFAULT_EVENT_CONFIG, name: `INF ${date.slice(0, 4)}`, date };
  const phase1Start = now - 60_000;
  const sql: string[] = [];
  sql.push(
    insert("events", {
      id: eventId,
      name: config.name,
      date,
      time_zone: config.timeZone,
      slot_duration_minutes: config.slotDurationMinutes,
      buffer_minutes: config.bufferMinutes,
      slot_capacity: config.slotCapacity,
      day_start: config.dayStart,
      day_end: config.dayEnd,
      breaks: "[]",
      phase1_start: iso(phase1Start),
      phase1_end: iso(phase1Start + 24 * HOUR),
      phase2_start: iso(phase1Start + 24 * HOUR),
      phase2_end: iso(Date.parse(`${date}T00:00:00Z`) - 24 * HOUR),
      max_bookings_phase1: config.maxBookingsPhase1,
      max_bookings_total: config.maxBookingsTotal,
      max_bookings_per_company: config.maxBookingsPerCompany,
      cancel_deadline: iso(Date.parse(`${date}T00:00:00Z`) - 24 * HOUR),
      booking_open: true,
      // Phase 1 first come, first served (open now); phase 2 opens with a draw over the wishes
      // students rank from now on.
      draw_phase1: false,
      draw_phase2: true,
      wishes_open: iso(phase1Start - HOUR),
      max_wishes: config.maxWishes,
      // Demo students sign up with example.com addresses (and verify through the local inbox).
      student_email_domains: JSON.stringify(["example.com"]),
    }),
  );
  const hashes = async (pw: string, n: number) => Promise.all(Array.from({ length: n }, () => hashPassword(pw)));
  const [adminHash, recruiterHashes, studentHashes] = await Promise.all([
    hashPassword(DEMO.admin.password),
    hashes(DEMO.recruiterPassword, COMPANIES.length),
    hashes(DEMO.studentPassword, DEMO.students),
  ]);
  sql.push(insert("users", { id: randomUUID(), email: DEMO.admin.email, password_hash: adminHash, role: "admin", full_name: DEMO.admin.fullName, email_verified: true }));

  const times = slotTimes({ ...config, date });
  COMPANIES.forEach((c, i) => {
    const companyId = randomUUID();
    sql.push(insert("companies", { id: companyId, name: c.name, description: c.description, website: c.website }));
    sql.push(insert("event_companies", { event_id: eventId, company_id: companyId, verified_at: iso(now), verified_by: DEMO.admin.email }));
    for (const o of c.offers)
      sql.push(
        insert("offers", {
          id: randomUUID(),
          event_id: eventId,
          company_id: companyId,
          title: o.title,
          description: o.description,
          tags: JSON.stringify(o.tags),
          contract_type: o.contractType,
          location: o.location,
        }),
      );
    for (const s of times)
      sql.push(
        insert("slots", { id: randomUUID(), event_id: eventId, company_id: companyId, starts_at: iso(s.startsAt), ends_at: iso(s.endsAt), capacity: config.slotCapacity }),
      );
    sql.push(
      insert("users", {
        id: randomUUID(),
        email: `recruiter${i + 1}@example.com`,
        password_hash: recruiterHashes[i]!,
        role: "company",
        full_name: `Recruiter at ${c.name}`,
        company_id: companyId,
        email_verified: true,
      }),
    );
  });
  for (let i = 1; i <= DEMO.students; i++) {
    const email = `student${i}@example.com`;
    const deprioritized = i <= DEMO.deprioritized;
    sql.push(insert("users", { id: randomUUID(), email, password_hash: studentHashes[i - 1]!, role: "student", full_name: studentName(i), deprioritized, email_verified: true }));
    if (deprioritized) sql.push(insert("deprioritized_emails", { event_id: eventId, email }));
  }
  sql.push(insert("audit_log", { event_id: eventId, actor_email: "seed-demo", action: "demo.seed", target_type: "event", target_id: eventId }));
  log(`Seeding ${config.name} (${date}): ${COMPANIES.length} companies, ${COMPANIES.length * times.length} slots, ${DEMO.students} students...`);
  await executeFile(t, sql.join("\n"));
  return true;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const at = args.indexOf("--persist-to");
  try {
    await seedDemo({ remote: args.includes("--remote"), ...(at >= 0 ? { persistTo: args[at + 1] } : {}) });
  } catch (err) {
    console.error(`✗ ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
