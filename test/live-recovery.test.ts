// The hub crashes in the middle of a burst: every socket drops, the clients reconnect, re-read a
// snapshot, and follow the deltas again; the SlotDOs' reports that failed are retried. Once the
// burst is over every client shows exactly the stored seats. A hub that refuses every report
// changes nothing for the bookings, and its periodic check repairs the seats it missed.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { LiveDO } from "../durable-objects/live-do.ts";
import { api, createCompany, createEvent, createSlots, createUsers, type SlotFixture } from "./helpers.ts";
import { expectInvariants } from "./invariants.ts";
import { LiveClient, delayFigures, expectConverged } from "./live-client.ts";

describe("when the live hub fails", () => {
  it("aborted mid-burst, it drops every socket; clients recover through a fresh snapshot and the deltas, and converge on the stored seats", async () => {
    const eventId = await createEvent({ phase: 2 });
    const companies = [await createCompany(eventId), await createCompany(eventId), await createCompany(eventId)];
    const slots: SlotFixture[] = [];
    for (const c of companies) slots.push(...(await createSlots(eventId, c, 4)));
    const clients = await Promise.all(Array.from({ length: 40 }, (_, i) => LiveClient.connect({ companyIds: i % 4 === 0 ? [] : [companies[i % 3]!] }, { reconnect: true })));
    const students = await createUsers(40);

    const booked = Promise.all(students.map((s, i) => api("POST", "/bookings", { token: s.token, body: { slotId: slots[i % slots.length]!.id } }).then((r) => ({ s, r }))));
    // Mid-burst: as soon as the first seat change has reached a client, the hub goes down.
    await Promise.race(clients.map((c) => c.until(() => c.delays.length > 0, "a first delivery")));
    await runInDurableObject(env.LIVE.getByName(`live:${eventId}`), (_: LiveDO, state) => state.abort("test: the hub crashes")).catch(() => undefined);
    const wave1 = await booked;
    const won = wave1.filter(({ r }) => r.status === 201);
    const acknowledged = new Set(won.map(({ r }) => r.body.booking.id as string));
    // More changes after the restart: cancellations and bookings.
    const wave2 = await Promise.all([
      ...won.slice(0, 8).map(({ s, r }) => api("DELETE", `/bookings/${r.body.booking.id}`, { token: s.token }).then((x) => ({ id: r.body.booking.id as string, x }))),
      ...students.slice(0, 10).map((s, i) => api("POST", "/bookings", { token: s.token, body: { slotId: slots[(i + 5) % slots.length]!.id } }).then((x) => ({ id: "", x }))),
    ]);
    for (const { id, x } of wave2) {
      if (id && x.status === 200) acknowledged.delete(id);
      if (!id && x.status === 201) acknowledged.add(x.body.booking.id);
    }

    await expectInvariants({ eventId, studentIds: students.map((s) => s.id), slots: slots.map((s) => ({ id: s.id, capacity: 2 })), acknowledged });
    await expectConverged(clients, slots);
    expect(clients.every((c) => c.reconnections >= 1), "every socket dropped with the hub").toBe(true);
    expect(clients.every((c) => c.snapshots >= 2), "every client re-read a snapshot").toBe(true);
    console.log(`# live recovery, 40 clients: seat change → delivery ${delayFigures(clients.flatMap((c) => c.delays))}`);
    for (const c of clients) c.close();
  });

  it("a hub refusing every report: bookings are answered and stored as always; its periodic check then brings the clients the seats it missed", async () => {
    const eventId = await createEvent({ phase: 2 });
    const companyId = await createCompany(eventId);
    const slots = await createSlots(eventId, companyId, 3);
    const clients = await Promise.all([LiveClient.connect({ companyIds: [companyId] }), LiveClient.connect({ companyIds: [] })]);
    const hub = env.LIVE.getByName(`live:${eventId}`);
    await runInDurableObject(hub, (o: LiveDO) => {
      o.faultHook = () => {
        throw new Error("test: the hub refuses reports");
      };
    });
    const students = await createUsers(5);
    const answers = await Promise.all(students.map((s, i) => api("POST", "/bookings", { token: s.token, body: { slotId: slots[i % 3]!.id } })));
    expect(answers.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    await expectInvariants({ eventId, studentIds: students.map((s) => s.id), slots: slots.map((s) => ({ id: s.id, capacity: 2 })), acknowledged: new Set(answers.map((r) => r.body.booking.id as string)) });
    // The notifiers have given up (three retries within about 1.3 s); nothing reached the clients.
    await new Promise((r) => setTimeout(r, 2000));
    expect(clients.every((c) => c.delays.length === 0)).toBe(true);
    // The hub is back; its periodic check reads D1 and tells the clients what they missed.
    await runInDurableObject(hub, (o: LiveDO) => {
      o.faultHook = undefined;
    });
    expect(await runDurableObjectAlarm(hub)).toBe(true);
    await expectConverged(clients, slots);
    expect(clients.every((c) => c.gaps === 0)).toBe(true);
    for (const c of clients) c.close();
  });
});
