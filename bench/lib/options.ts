// The workload's command-line options, shared by `npm run bench` and `npm run bench:reference`
// so that both load the same sizes by default, and where their throw-away state lives.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { STATE_DIR } from "./app.ts";
import { DRAW_SCENARIOS } from "./draw-scenarios.ts";
import { SCENARIOS } from "./scenarios.ts";

export const WORKLOAD_OPTIONS = {
  companies: { type: "string" },
  slots: { type: "string" },
  students: { type: "string" },
  "hot-students": { type: "string" },
  "per-student": { type: "string" },
  "steady-seconds": { type: "string" },
  "steady-clients": { type: "string" },
  only: { type: "string" },
  seed: { type: "string" },
  "state-dir": { type: "string" },
  cold: { type: "boolean" },
  "no-keys": { type: "boolean" },
} as const;

export const WORKLOAD_HELP = `  --companies N         companies (default 60)
  --slots N             slots per company (default 16; capacity 2 each)
  --students N          students (default 3000, 20 % deprioritized)
  --hot-students N      students on the hot slot (default 500)
  --per-student N       bookings each student fires in a herd (default 6)
  --steady-seconds N    length of the steady scenario (default 20)
  --steady-clients N    concurrent clients in steady (default 64)
  --only a,b            run only these scenarios (the others' state changes still happen)
  --seed N              random seed of the demand (default 1)
  --cold                no page says ready before a herd (the site does, 5-40 s before a phase
                        opens: GET /api/bookings/ready); every student's object is new or
                        asleep when the herd starts, as before 2026-12-02
  --no-keys             booking clicks without an Idempotency-Key (the site sends one per click,
                        which the StudentDO keeps for a day; as the bench did before 2026-12-02)
  --state-dir DIR       where the throw-away state lives (default: a fresh directory on
                        /dev/shm when it exists, else bench/.state; deleted after)
`;

export const int = (v: string | undefined, dflt: number, name: string) => {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} expects a positive integer, got "${v}"`);
  return n;
};

type Values = { [K in keyof typeof WORKLOAD_OPTIONS]?: (typeof WORKLOAD_OPTIONS)[K]["type"] extends "boolean" ? boolean : string };

/** The workload's sizes; `smoke` gives the test suite's tiny defaults. */
export function workloadOptions(a: Values, smoke: boolean) {
  const known: readonly string[] = [...SCENARIOS, ...DRAW_SCENARIOS];
  // The smoke run (npm test) keeps one draw scenario: it exercises their machinery in seconds.
  const only = a.only?.split(",").map((s) => s.trim()) ?? (smoke ? [...SCENARIOS, "drawOpening"] : [...known]);
  for (const s of only) if (!known.includes(s)) throw new Error(`--only: unknown scenario "${s}" (${known.join(", ")})`);
  return {
    companies: int(a.companies, smoke ? 20 : 60, "companies"),
    slotsPerCompany: int(a.slots, smoke ? 8 : 16, "slots"),
    students: int(a.students, smoke ? 200 : 3000, "students"),
    hotSlotStudents: int(a["hot-students"], smoke ? 50 : 500, "hot-students"),
    perStudent: int(a["per-student"], 6, "per-student"),
    steadySeconds: int(a["steady-seconds"], smoke ? 3 : 20, "steady-seconds"),
    steadyClients: int(a["steady-clients"], smoke ? 16 : 64, "steady-clients"),
    seed: int(a.seed, 1, "seed"),
    pagesOpen: a.cold !== true,
    keys: a["no-keys"] !== true,
    only,
  };
}

/** The seeded event's size (lib/seed.ts), 20 % of the students deprioritized. */
export const sizeOf = (o: { companies: number; slotsPerCompany: number; students: number }) => ({
  companies: o.companies,
  slotsPerCompany: o.slotsPerCompany,
  students: o.students,
  deprioritizedShare: 0.2,
});

/**
 * Durable Object and D1 commits fsync under Miniflare: on this machine's disk that alone costs
 * about 3× in throughput, and the state is thrown away anyway. tmpfs measures the app, not the
 * disk; the PostgreSQL reference's cluster lives on the same storage.
 */
export const stateRootOf = (a: Values, name: string) =>
  a["state-dir"] ?? (existsSync("/dev/shm") ? join("/dev/shm", `${name}-${process.pid}`) : join(STATE_DIR, "runs"));

export const storageOf = (root: string) => (root.startsWith("/dev/shm") ? "tmpfs (/dev/shm)" : root);
