// The draw's allocator (worker/domain/allocator.ts), pure: thousands of random events checked
// for feasibility, maximality, the reasons given, the snake order's fairness and determinism,
// plus the order's HMAC against a vector computed with openssl.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type Allocation,
  type DrawHolding,
  type DrawSnapshot,
  type DrawStudent,
  allocate,
  capReached,
  commitmentOf,
  companyCapLeft,
  drawOrder,
  drawnStudents,
  runDraw,
  slotMinutes,
  windowAdmits,
} from "../worker/domain/allocator.ts";
import { drawStats, gini, maxMatching } from "../worker/domain/fairness.ts";
import { overlaps } from "../worker/domain/rules.ts";
import { zonedToUtc } from "../worker/domain/timezone.ts";

const GRID = 12;
const hm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;

const rawEvent = fc.record({
  phase: fc.constantFrom(1 as const, 2 as const),
  timeZone: fc.constantFrom("Europe/Brussels", "UTC", "America/New_York"),
  // Two DST changes among them: local times must still be read right.
  date: fc.constantFrom("2027-03-28", "2027-10-31", "2027-11-18"),
  phase1Cap: fc.integer({ min: 0, max: 3 }),
  totalExtra: fc.integer({ min: 0, max: 3 }),
  perCompany: fc.integer({ min: 1, max: 2 }),
  companies: fc.array(
    fc.array(fc.record({ at: fc.integer({ min: 0, max: GRID - 1 }), capacity: fc.integer({ min: 1, max: 3 }), others: fc.integer({ min: 0, max: 3 }) }), { maxLength: 8 }),
    { minLength: 1, maxLength: 6 },
  ),
  students: fc.array(
    fc.record({
      eligible: fc.boolean(),
      wishes: fc.array(
        fc.record({
          company: fc.nat(),
          notBefore: fc.option(fc.integer({ min: 0, max: 2 * GRID }), { nil: null }),
          notAfter: fc.option(fc.integer({ min: 1, max: 2 * GRID }), { nil: null }),
        }),
        { maxLength: 8 },
      ),
      holdings: fc.array(fc.record({ company: fc.nat(), slot: fc.nat(), phase: fc.constantFrom(1 as const, 2 as const) }), { maxLength: 3 }),
      twinOf: fc.option(fc.nat(), { nil: null }),
    }),
    { minLength: 1, maxLength: 20 },
  ),
});
type RawEvent = typeof rawEvent extends fc.Arbitrary<infer T> ? T : never;

/**
 * A consistent event from random numbers: a uniform slot grid (as slot generation makes) or,
 * with `disjoint`, every company at its own times (no two companies' slots overlap); holdings
 * that fit caps, seats and time; seats also taken by students outside the draw; and some
 * students given exactly another's wishes ("twins", with nothing held).
 */
function build(r: RawEvent, disjoint = false): DrawSnapshot {
  const caps = { phase1: r.phase1Cap, total: r.phase1Cap + r.totalExtra || 1, perCompany: r.perCompany };
  const dayStart = 7 * 60;
  const startMinute = (c: number, at: number) => dayStart + (disjoint ? 10 * (at * r.companies.length + c) : 15 * at);
  const slots = r.companies.flatMap((list, c) => {
    const seen = new Set<number>();
    return list.flatMap((x) => {
      if (seen.has(x.at)) return [];
      seen.add(x.at);
      const startsAt = zonedToUtc(r.date, hm(startMinute(c, x.at)), r.timeZone);
      return [{ id: `s${c}-${x.at}`, companyId: `c${c}`, startsAt, endsAt: startsAt + 10 * 60_000, capacity: x.capacity, taken: 0, others: x.others }];
    });
  });
  const holdings: DrawHolding[] = [];
  const students: DrawStudent[] = r.students.map((st, i) => {
    const id = `u${i}`;
    const seen = new Set<string>();
    const wishes = st.wishes.flatMap((w) => {
      const companyId = `c${w.company % r.companies.length}`;
      if (seen.has(companyId)) return [];
      seen.add(companyId);
      const nb = w.notBefore === null ? null : dayStart + (disjoint ? 29 : 7) * w.notBefore;
      const na = w.notAfter === null ? null : dayStart + (disjoint ? 29 : 7) * w.notAfter;
      const valid = nb === null || na === null || nb < na;
      return [{ companyId, rank: seen.size, notBefore: nb !== null && valid ? hm(nb) : null, notAfter: na !== null && valid ? hm(na) : null }];
    });
    const mine: DrawHolding[] = [];
    for (const h of st.holdings) {
      const ofCompany = slots.filter((s) => s.companyId === `c${h.company % r.companies.length}`);
      const slot = ofCompany[h.slot % Math.max(1, ofCompany.length)];
      const phase = r.phase === 1 ? 1 : h.phase;
      const next = [...mine, { phase, companyId: slot?.companyId ?? "" }];
      if (!slot || slot.taken >= slot.capacity || mine.some((m) => overlaps(m, slot)) || capReached(r.phase, caps, mine) || !companyCapLeft(caps, mine, slot.companyId)) continue;
      if (phase === 1 && next.filter((x) => x.phase === 1).length > caps.phase1) continue;
      slot.taken++;
      mine.push({ studentId: id, slotId: slot.id, companyId: slot.companyId, startsAt: slot.startsAt, endsAt: slot.endsAt, phase });
    }
    holdings.push(...mine);
    return { id, eligible: r.phase === 2 || st.eligible, wishes };
  });
  r.students.forEach((st, i) => {
    if (st.twinOf === null || students.length < 2) return;
    const j = st.twinOf % students.length;
    if (j === i) return;
    students[i] = { ...students[j]!, id: `u${i}`, wishes: students[j]!.wishes.map((w) => ({ ...w })) };
    for (let k = holdings.length - 1; k >= 0; k--) if (holdings[k]!.studentId === `u${i}` || holdings[k]!.studentId === `u${j}`) {
      slots.find((s) => s.id === holdings[k]!.slotId)!.taken--;
      holdings.splice(k, 1);
    }
  });
  for (const s of slots) s.taken = Math.min(s.capacity, s.taken + s.others);
  return { phase: r.phase, timeZone: r.timeZone, caps, students, slots: slots.map(({ others: _, ...s }) => s), holdings };
}

const eventArb = rawEvent.map((r) => build(r));
/** An event and a draw order (any permutation of the drawn students: the HMAC is tested apart). */
const withOrder = (events: fc.Arbitrary<DrawSnapshot>) =>
  events.chain((s) => fc.shuffledSubarray(drawnStudents(s), { minLength: drawnStudents(s).length }).map((order) => ({ s, order })));
const drawArb = withOrder(eventArb);
/** Events in which no two companies' slots overlap: a student's own bookings never clash. */
const disjointDrawArb = withOrder(rawEvent.map((r) => build(r, true)));

/** The state after the holdings and the first `upTo` wins. */
function replay(s: DrawSnapshot, a: Allocation, upTo = a.won.length) {
  const free = new Map(s.slots.map((x) => [x.id, x.capacity - x.taken]));
  const held = new Map<string, { companyId: string; startsAt: number; endsAt: number; phase: 1 | 2 }[]>();
  const add = (id: string, h: { companyId: string; startsAt: number; endsAt: number; phase: 1 | 2 }) => held.set(id, [...(held.get(id) ?? []), h]);
  for (const h of s.holdings) add(h.studentId, h);
  const slotById = new Map(s.slots.map((x) => [x.id, x]));
  for (const w of a.won.slice(0, upTo)) {
    const slot = slotById.get(w.slotId!)!;
    free.set(slot.id, free.get(slot.id)! - 1);
    add(w.studentId, { companyId: slot.companyId, startsAt: slot.startsAt, endsAt: slot.endsAt, phase: s.phase });
  }
  return { free, held: (id: string) => held.get(id) ?? [] };
}

/** Why a wish is infeasible in a state (null: feasible), by definition rather than by the allocator's code path. */
function infeasibility(s: DrawSnapshot, state: ReturnType<typeof replay>, studentId: string, w: DrawStudent["wishes"][number]) {
  const mine = state.held(studentId);
  const cap = capReached(s.phase, s.caps, mine);
  if (cap) return cap;
  if (!companyCapLeft(s.caps, mine, w.companyId)) return "company_already_booked";
  const inside = s.slots.filter((x) => x.companyId === w.companyId && windowAdmits(w, slotMinutes(x, s.timeZone)));
  if (!inside.length) return "no_slot_in_window";
  const free = inside.filter((x) => state.free.get(x.id)! > 0);
  if (!free.length) return "company_full";
  return free.some((x) => !mine.some((h) => overlaps(h, x))) ? null : "time_conflict";
}

const RUNS = 2000;

/** Runs `check` on each generated draw; it lists what is wrong (one assertion per run keeps thousands of runs quick). */
const everyDraw = (arb: typeof drawArb, check: (s: DrawSnapshot, order: string[], a: Allocation) => string[]) =>
  fc.assert(
    fc.property(arb, ({ s, order }) => {
      expect(check(s, order, allocate(s, order))).toEqual([]);
    }),
    { numRuns: RUNS },
  );

describe("the allocator on random events", () => {
  it("every allocation is feasible: seats, caps, one company cap, no overlap, inside each window, drawn students only", () => {
    everyDraw(drawArb, (s, order, a) => {
      const bad: string[] = [];
      const slotById = new Map(s.slots.map((x) => [x.id, x]));
      const state = replay(s, a);
      for (const [id, left] of state.free) if (left < 0) bad.push(`slot ${id} over capacity`);
      const drawn = new Set(order);
      for (const w of a.won) {
        const slot = slotById.get(w.slotId!)!;
        const wish = s.students.find((x) => x.id === w.studentId)!.wishes.find((x) => x.rank === w.rank)!;
        if (!drawn.has(w.studentId)) bad.push(`${w.studentId} won without being drawn`);
        if (slot.companyId !== wish.companyId) bad.push(`${w.studentId} got another company`);
        if (!windowAdmits(wish, slotMinutes(slot, s.timeZone))) bad.push(`${w.studentId} rank ${w.rank} outside its window`);
      }
      for (const st of s.students) {
        const mine = state.held(st.id);
        if (mine.length > s.holdings.filter((h) => h.studentId === st.id).length) {
          if (mine.length > s.caps.total) bad.push(`${st.id} over the total cap`);
          if (s.phase === 1 && mine.filter((h) => h.phase === 1).length > s.caps.phase1) bad.push(`${st.id} over the phase cap`);
          const per = new Map<string, number>();
          for (const h of mine) per.set(h.companyId, (per.get(h.companyId) ?? 0) + 1);
          for (const [c, n] of per) if (n > s.caps.perCompany) bad.push(`${st.id} has ${n} at ${c}`);
        }
        const sorted = [...mine].sort((x, y) => x.startsAt - y.startsAt);
        for (let k = 1; k < sorted.length; k++) if (sorted[k]!.startsAt < sorted[k - 1]!.endsAt) bad.push(`${st.id} has overlapping interviews`);
      }
      return bad;
    });
  });

  it("is maximal, and every reason is true at the end: no drawn student keeps an unmet wish that is feasible", () => {
    everyDraw(drawArb, (s, _order, a) => {
      const bad: string[] = [];
      const state = replay(s, a);
      if (a.outcomes.length !== s.students.reduce((n, st) => n + st.wishes.length, 0)) bad.push("not one outcome per wish");
      for (const o of a.outcomes) {
        if (o.outcome === "won") continue;
        const st = s.students.find((x) => x.id === o.studentId)!;
        if (!st.eligible) {
          if (o.reason !== "not_eligible") bad.push(`${st.id}: not eligible, lost for ${o.reason}`);
          continue;
        }
        const why = infeasibility(s, state, st.id, st.wishes.find((w) => w.rank === o.rank)!);
        if (why === null) bad.push(`${st.id} rank ${o.rank}: lost for ${o.reason} but feasible at the end`);
        // Seats and bookings only grow during a draw, so the reason given then still holds now,
        // except that a cap reached later hides every other reason, and the free seats that all
        // clashed with the student's bookings (time_conflict) may have filled up since.
        else if (why === "phase_cap" || why === "total_cap") continue;
        else if (o.reason === "time_conflict" ? why !== "time_conflict" && why !== "company_full" : why !== o.reason)
          bad.push(`${st.id} rank ${o.rank}: lost for ${o.reason}, infeasible for ${why}`);
      }
      return bad;
    });
  });

  it("snake order: nobody gets a second interview while a drawn student with a feasible unmet wish has none", () => {
    everyDraw(drawArb, (s, order, a) => {
      const wins = new Map<string, number>();
      const second = a.won.findIndex((w) => {
        const had = wins.get(w.studentId) ?? 0;
        wins.set(w.studentId, had + 1);
        return had >= 1;
      });
      if (second < 0) return [];
      const before = new Set(a.won.slice(0, second).map((w) => w.studentId));
      const state = replay(s, a, second);
      return order
        .filter((id) => !before.has(id))
        .flatMap((id) => s.students.find((x) => x.id === id)!.wishes.filter((w) => infeasibility(s, state, id, w) === null).map((w) => `${id} could have had rank ${w.rank}`));
    });
  });

  // Where two companies' slots overlap, where one student's interviews fall decides which of
  // their other wishes still fit, and a slot chosen in round 1 can cost a wish in round 3 that
  // the twin, seated elsewhere, keeps: fast-check finds such events (see the report of issue
  // #13). The snake's promise is about the order, so it is checked where times cannot clash.
  it("snake order: two drawn students with the same wishes and nothing held end at most one interview apart", () => {
    everyDraw(disjointDrawArb, (s, order, a) => {
      const count = (id: string) => a.won.filter((w) => w.studentId === id).length;
      const drawn = s.students.filter((st) => order.includes(st.id) && !s.holdings.some((h) => h.studentId === st.id));
      const same = (x: DrawStudent, y: DrawStudent) => JSON.stringify(x.wishes) === JSON.stringify(y.wishes);
      return drawn.flatMap((x) => drawn.filter((y) => x.id < y.id && same(x, y) && Math.abs(count(x.id) - count(y.id)) > 1).map((y) => `${x.id} ${count(x.id)} vs ${y.id} ${count(y.id)}`));
    });
  });

  it("is deterministic: the same snapshot and order give the same allocation, whatever the order of the snapshot's lists", () => {
    fc.assert(
      fc.property(
        drawArb.chain(({ s, order }) =>
          fc.tuple(fc.shuffledSubarray(s.students, { minLength: s.students.length }), fc.shuffledSubarray(s.slots, { minLength: s.slots.length }), fc.shuffledSubarray(s.holdings, { minLength: s.holdings.length })).map(
            ([students, slots, holdings]) => ({ s, order, shuffled: { ...s, students: students.map((st) => ({ ...st, wishes: [...st.wishes].reverse() })), slots, holdings } }),
          ),
        ),
        ({ s, order, shuffled }) => {
          expect(allocate(shuffled, order)).toEqual(allocate(s, order));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("the same seed and snapshot give the same order and allocation (HMAC order included)", async () => {
    await fc.assert(
      fc.asyncProperty(eventArb, fc.uint8Array({ minLength: 32, maxLength: 32 }), async (s, bytes) => {
        const seed = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
        const [a, b] = [await runDraw(s, seed), await runDraw(structuredClone(s), seed)];
        expect(a).toEqual(b);
        expect([...a.order].sort()).toEqual([...drawnStudents(s)].sort());
      }),
      { numRuns: 300 },
    );
  });
});

describe("the allocator on small examples", () => {
  const day = "2027-11-18";
  const at = (h: string) => zonedToUtc(day, h, "Europe/Brussels");
  const slot = (id: string, companyId: string, start: string, capacity = 1, taken = 0) => ({ id, companyId, startsAt: at(start), endsAt: at(start) + 10 * 60_000, capacity, taken });
  const wish = (companyId: string, rank: number, notBefore: string | null = null, notAfter: string | null = null) => ({ companyId, rank, notBefore, notAfter });
  const base = (students: DrawStudent[], slots: ReturnType<typeof slot>[], phase: 1 | 2 = 1): DrawSnapshot => ({
    phase,
    timeZone: "Europe/Brussels",
    caps: { phase1: 3, total: 6, perCompany: 1 },
    students,
    slots,
    holdings: [],
  });

  it("round 1 goes in draw order, round 2 in reverse: the last of round 1 picks first in round 2", () => {
    const s = base(
      ["a", "b", "c"].map((id) => ({ id, eligible: true, wishes: [wish("X", 1), wish("Y", 2)] })),
      [slot("x1", "X", "09:00", 2), slot("y1", "Y", "09:30", 1)],
    );
    const a = allocate(s, ["a", "b", "c"]);
    expect(a.won.map((w) => [w.studentId, w.slotId, w.round])).toEqual([
      ["a", "x1", 1],
      ["b", "x1", 1],
      ["c", "y1", 1],
    ]);
    const s2 = base(
      ["a", "b", "c"].map((id) => ({ id, eligible: true, wishes: [wish("X", 1), wish("Y", 2), wish("Z", 3)] })),
      [slot("x1", "X", "09:00", 3), slot("y1", "Y", "09:30", 1), slot("z1", "Z", "10:00", 1)],
    );
    expect(allocate(s2, ["a", "b", "c"]).won.map((w) => `${w.round}:${w.studentId}:${w.slotId}`)).toEqual(["1:a:x1", "1:b:x1", "1:c:x1", "2:c:y1", "2:b:z1"]);
  });

  it("gives each lost wish its reason: full, outside the window, time conflict, caps, not eligible", () => {
    const s: DrawSnapshot = {
      ...base(
        [
          { id: "a", eligible: true, wishes: [wish("X", 1), wish("Y", 2, "11:00"), wish("Z", 3), wish("W", 4), wish("V", 5)] },
          { id: "b", eligible: true, wishes: [wish("X", 1)] },
          { id: "dep", eligible: false, wishes: [wish("X", 1)] },
        ],
        [slot("x1", "X", "09:00"), slot("y1", "Y", "10:00"), slot("z1", "Z", "09:00"), slot("w1", "W", "09:30"), slot("v1", "V", "10:30")],
      ),
      caps: { phase1: 2, total: 6, perCompany: 1 },
    };
    const a = allocate(s, ["a", "b"]);
    const reasons = Object.fromEntries(a.outcomes.map((o) => [`${o.studentId}:${o.companyId}`, o.reason ?? `won ${o.slotId}`]));
    expect(reasons).toEqual({
      "a:X": "won x1",
      "a:Y": "no_slot_in_window",
      "a:Z": "time_conflict",
      "a:W": "won w1",
      "a:V": "phase_cap",
      "b:X": "company_full",
      "dep:X": "not_eligible",
    });
  });

  it("in phase 2 a booking already held counts: its company, its time and the total cap", () => {
    const s: DrawSnapshot = {
      ...base([{ id: "a", eligible: true, wishes: [wish("X", 1), wish("Y", 2), wish("Z", 3)] }], [slot("x2", "X", "10:00"), slot("y1", "Y", "09:00"), slot("z1", "Z", "11:00")], 2),
      caps: { phase1: 3, total: 2, perCompany: 1 },
      holdings: [{ studentId: "a", slotId: "x1", companyId: "X", startsAt: at("09:00"), endsAt: at("09:10"), phase: 1 }],
    };
    expect(allocate(s, ["a"]).outcomes.map((o) => o.reason ?? o.slotId)).toEqual(["company_already_booked", "time_conflict", "z1"]);
  });

  it("refuses an order that is not exactly the drawn students", () => {
    const s = base([{ id: "a", eligible: true, wishes: [wish("X", 1)] }], [slot("x1", "X", "09:00")]);
    expect(() => allocate(s, [])).toThrow(/every eligible student/);
    expect(() => allocate(s, ["a", "a"])).toThrow(/every eligible student/);
  });

  it("orders by HMAC-SHA256(seed, id), as openssl computes it, and commits to SHA-256 of the seed's bytes", async () => {
    const seed = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    // printf '%s' alice | openssl dgst -sha256 -mac HMAC -macopt hexkey:<seed>: alice 6eef…, carol 8106…, bob 9289…, dave d095…
    expect(await drawOrder(seed, ["dave", "bob", "carol", "alice"])).toEqual(["alice", "carol", "bob", "dave"]);
    // printf '%s' <seed> | xxd -r -p | sha256sum
    expect(await commitmentOf(seed)).toBe("630dcd2966c4336691125448bbb25b4ff412a49c732db2c8abc1b8581bd710dd");
    await expect(drawOrder("not hex", ["a"])).rejects.toThrow(/64 lower-case hex/);
  });
});

describe("fairness figures", () => {
  it("Gini is 0 for equal shares and (n-1)/n when one student has everything", () => {
    expect(gini([2, 2, 2])).toBe(0);
    expect(gini([0, 0, 0, 4])).toBeCloseTo(0.75);
    expect(gini([])).toBe(0);
  });

  it("the matching bound is a maximum matching (an augmenting path is found where greedy would stop)", () => {
    // Left 0 may take 0 or 1, left 1 only 0: greedy 0→0 leaves 1 out; the maximum is 2.
    expect(maxMatching([[0, 1], [0]], 2)).toBe(2);
    expect(maxMatching([[0], [0], [0]], 1)).toBe(1);
  });

  it("on random events the draw gives at least one interview to at least half of the most students the seats allow, never more", () => {
    fc.assert(
      fc.property(drawArb, ({ s, order }) => {
        const stats = drawStats(s, allocate(s, order));
        // Round 1 gives every drawn student their first interview if any seat fits them: a
        // maximal matching, so at least half of the maximum.
        expect([stats.withInterview <= stats.maxWithInterview!, 2 * stats.withInterview >= stats.maxWithInterview!, stats.distribution.reduce((x, y) => x + y, 0) === order.length]).toEqual([true, true, true]);
      }),
      { numRuns: 1000 },
    );
  });
});
