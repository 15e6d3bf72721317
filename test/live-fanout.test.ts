// Live seats under a burst: 200 WebSocket clients subscribed (company pages and the catalogue)
// while students book and cancel in parallel. Every client ends with exactly the taken of every
// slot as the SlotDOs store it, having applied every change in order (no gap, nothing stale).
import { describe, expect, it } from "vitest";
import { api, createCompany, createEvent, createSlots, createUsers, type SlotFixture } from "./helpers.ts";
import { expectInvariants } from "./invariants.ts";
import { LiveClient, delayFigures, expectConverged } from "./live-client.ts";

const HOUR = 3_600_000;

describe("live seats under a burst", () => {
  it("200 clients see every booking and cancellation of their slots, in order, and end on the stored state", async () => {
    const eventId = await createEvent({ phase: 2 });
    const day = Date.parse(`${new Date(Date.now() + 30 * 24 * HOUR).toISOString().slice(0, 10)}T07:00:00Z`);
    const companies: string[] = [];
    const slots: SlotFixture[] = [];
    for (let c = 0; c < 6; c++) {
      companies.push(await createCompany(eventId));
      slots.push(...(await createSlots(eventId, companies[c]!, 4, { firstStart: day })));
    }
    const clients = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        // Half take batched frames (as the site does), half one message per frame.
        LiveClient.connect({ companyIds: i % 4 === 3 ? [] : i % 5 === 0 ? [companies[i % 6]!, companies[(i + 1) % 6]!] : [companies[i % 6]!], batch: i % 2 === 0 }),
      ),
    );
    const students = await createUsers(80);
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pick = () => slots[Math.floor(rand() * slots.length)]!;

    const answers: number[] = [];
    const timed = <T>(p: () => Promise<T>) => {
      const t = Date.now();
      return p().finally(() => answers.push(Date.now() - t));
    };
    const wave1 = await Promise.all(students.flatMap((s) => [pick(), pick()].map((slot) => timed(() => api("POST", "/bookings", { token: s.token, body: { slotId: slot.id } })).then((r) => ({ s, r })))));
    const won = wave1.filter(({ r }) => r.status === 201);
    expect(won.length).toBeGreaterThan(10);
    const acknowledged = new Set(won.map(({ r }) => r.body.booking.id as string));
    const wave2 = await Promise.all([
      ...won.filter((_, i) => i % 2 === 0).map(({ s, r }) => timed(() => api("DELETE", `/bookings/${r.body.booking.id}`, { token: s.token })).then((x) => ({ kind: "cancel", id: r.body.booking.id as string, x }))),
      ...students.map((s) => timed(() => api("POST", "/bookings", { token: s.token, body: { slotId: pick().id } })).then((x) => ({ kind: "book", id: "", x }))),
    ]);
    for (const w of wave2) {
      if (w.kind === "cancel" && w.x.status === 200) acknowledged.delete(w.id);
      if (w.kind === "book" && w.x.status === 201) acknowledged.add(w.x.body.booking.id);
    }

    await expectInvariants({ eventId, studentIds: students.map((s) => s.id), slots: slots.map((s) => ({ id: s.id, capacity: 2 })), acknowledged });
    await expectConverged(clients, slots);
    const delays = clients.flatMap((c) => c.delays);
    // One workerd runs the test, the Worker, every object and D1: delays follow the load of the burst itself.
    console.log(`# live fan-out, 200 clients: seat change → delivery ${delayFigures(delays)}; the burst's own answers: ${delayFigures(answers)}`);
    expect(delays.length).toBeGreaterThan(0);
    for (const c of clients) {
      expect(c.gaps, "no update missed").toBe(0);
      expect(c.stale, "no update out of order or twice").toBe(0);
      expect(c.snapshots).toBe(1);
      c.close();
    }
  });
});
