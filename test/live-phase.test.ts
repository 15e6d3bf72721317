// Phase changes and the kill switch go through the live channel, whatever changed them: the admin
// API (at once), a write straight into D1 like the CLI's `open`/`close` (the hub's periodic
// check), or the clock crossing a phase boundary (an alarm at the boundary). Slot generation
// brings fresh snapshots; other parts of the platform publish their own messages on the channel.
import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { publishLive } from "../worker/lib/live.ts";
import { api, createCompany, createEvent, createSlots, createUser, updateEvent } from "./helpers.ts";
import { LiveClient } from "./live-client.ts";

const hub = (eventId: string) => env.LIVE.getByName(`live:${eventId}`);
const lastEvent = (c: LiveClient) => c.view.phase;

describe("phases and the kill switch on the live channel", () => {
  it("the admin's kill switch reaches every socket at once", async () => {
    const eventId = await createEvent({ phase: 1 });
    await createSlots(eventId, await createCompany(eventId), 2);
    const clients = await Promise.all([LiveClient.connect({ companyIds: [] }), LiveClient.connect({ companyIds: [] })]);
    const admin = await createUser({ role: "admin" });
    expect((await api("PATCH", "/admin/event", { token: admin.token, body: { bookingOpen: false } })).status).toBe(200);
    for (const c of clients) await c.until(() => lastEvent(c)?.bookingOpen === false, "the kill switch");
    expect(lastEvent(clients[0]!)).toMatchObject({ currentPhase: 1, bookingOpen: false });
    for (const c of clients) c.close();
  });

  it("a change written straight into D1 (the CLI) is told by the hub's periodic check", async () => {
    const eventId = await createEvent({ phase: 2, bookingOpen: false });
    await createSlots(eventId, await createCompany(eventId), 2);
    const c = await LiveClient.connect({ companyIds: [] });
    expect(lastEvent(c)).toMatchObject({ currentPhase: 2, bookingOpen: false });
    await updateEvent(eventId, { booking_open: 1 });
    // The check runs every CHECK_MS (5 s) while sockets are open; here it is run now.
    expect(await runDurableObjectAlarm(hub(eventId))).toBe(true);
    await c.until(() => lastEvent(c)?.bookingOpen === true, "the CLI's open");
    c.close();
  });

  it("the clock crossing a phase boundary is told at the boundary", async () => {
    const eventId = await createEvent({ phase: 0 });
    await createSlots(eventId, await createCompany(eventId), 2);
    const opens = Date.now() + 1500;
    await updateEvent(eventId, { phase1_start: new Date(opens).toISOString() });
    const c = await LiveClient.connect({ companyIds: [] });
    expect(lastEvent(c)?.currentPhase).toBe(0);
    await c.until(() => lastEvent(c)?.currentPhase === 1, "phase 1 opening", 15_000);
    c.close();
  });

  it("regenerating slots sends subscribers a fresh snapshot with the new slots", async () => {
    const eventId = await createEvent({ phase: 1, date: "2027-02-10" });
    const companyId = await createCompany(eventId);
    const c = await LiveClient.connect({ companyIds: [companyId] });
    expect(c.view.slots.size).toBe(0);
    const admin = await createUser({ role: "admin" });
    expect((await api("POST", "/admin/slots/generate", { token: admin.token, body: { companyIds: [companyId] } })).body.created).toBe(16);
    await c.until(() => c.view.slots.size === 16, "the new slots");
    expect(c.view.companies.get(companyId)?.free).toBe(32);
    c.close();
  });

  it("other parts of the platform publish their own messages on the channel, numbered like the rest", async () => {
    const eventId = await createEvent({ phase: 1 });
    await createSlots(eventId, await createCompany(eventId), 1);
    const c = await LiveClient.connect({ companyIds: [] });
    const seq = await publishLive(env, eventId, "draw", { done: 10, total: 40 });
    await c.until(() => c.other.some((m) => m.type === "draw"), "the published message");
    expect(c.other.find((m) => m.type === "draw")).toEqual({ type: "draw", seq, done: 10, total: 40 });
    c.close();
  });
});
