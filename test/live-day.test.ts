// The day of the fair on the live channel: a recruiter's block and capacity change reach the
// sockets through the SlotDO's one hook (live-notify.ts), a withdrawal takes the company out of
// the hub, and slots within the event's booking cutoff leave the companies' seats on offer — the
// same count the cached catalogue gives.
import { describe, expect, it } from "vitest";
import { api, createCompany, createEvent, createSlots, createUser, slotDo, updateEvent } from "./helpers.ts";
import { LiveClient } from "./live-client.ts";

async function setup() {
  const eventId = await createEvent({ phase: 2 });
  const a = await createCompany(eventId);
  const b = await createCompany(eventId);
  const slotsA = await createSlots(eventId, a, 2);
  await createSlots(eventId, b, 2);
  const recruiter = await createUser({ role: "company", companyId: a });
  return { eventId, a, b, slotsA, recruiter };
}

describe("the day of the fair on the live channel", () => {
  it("a recruiter's block and capacity change reach a company page and the catalogue's totals; unblocking gives the seats back", async () => {
    const { a, slotsA, recruiter } = await setup();
    const page = await LiveClient.connect({ companyIds: [a] });
    const catalogue = await LiveClient.connect({ companyIds: [] });
    const slot = slotsA[0]!.id;
    const change = (body: object) => api("PATCH", `/company/slots/${slot}`, { token: recruiter.token, body });

    expect((await change({ blocked: true })).status).toBe(200);
    await page.until(() => page.view.slots.get(slot)?.blocked === true, "the block on the company page");
    await catalogue.until(() => catalogue.view.companies.get(a)?.free === 2, "the blocked slot's seats off the catalogue's total");

    expect((await change({ capacity: 3 })).status).toBe(200);
    await page.until(() => page.view.slots.get(slot)?.capacity === 3, "the new capacity");
    expect(catalogue.view.companies.get(a)?.free, "still blocked: no seat on offer").toBe(2);

    expect((await change({ blocked: false })).status).toBe(200);
    await page.until(() => page.view.slots.get(slot)?.blocked === false, "the unblock");
    await catalogue.until(() => catalogue.view.companies.get(a)?.free === 5, "3 + 2 seats on offer again");
    expect(page.gaps + catalogue.gaps).toBe(0);

    // Straight on the SlotDO, as the withdrawal and the office do: the hook alone tells the hub.
    await slotDo(slotsA[1]!.id).adjust({ blocked: true });
    await page.until(() => page.view.slots.get(slotsA[1]!.id)?.blocked === true, "a block made on the SlotDO alone");
    page.close();
    catalogue.close();
  });

  it("a withdrawal takes the company off the catalogue's sockets and empties its page's slots", async () => {
    const { a, b } = await setup();
    const admin = await createUser({ role: "admin" });
    const page = await LiveClient.connect({ companyIds: [a] });
    const catalogue = await LiveClient.connect({ companyIds: [] });
    const r = await api("POST", `/admin/companies/${a}/withdraw`, { token: admin.token, body: { reason: "the stand never came" } });
    expect(r.status).toBe(200);
    await catalogue.until(() => !catalogue.view.companies.has(a), "the withdrawn company off the catalogue");
    expect(catalogue.view.companies.get(b)?.free).toBe(4);
    await page.until(() => page.view.slots.size === 0, "the company page's slots gone");
    page.close();
    catalogue.close();
  });

  it("slots within the booking cutoff leave their company's seats on offer, on the channel as in the cached catalogue", async () => {
    const eventId = await createEvent({ phase: 2 });
    const admin = await createUser({ role: "admin" });
    const soon = await createCompany(eventId);
    // Two slots starting in 30 and 45 minutes, one tomorrow.
    await createSlots(eventId, soon, 2, { firstStart: Date.now() + 30 * 60_000 });
    await createSlots(eventId, soon, 1, { firstStart: Date.now() + 24 * 3_600_000 });
    await updateEvent(eventId, { booking_cutoff_minutes: 0 });
    const catalogue = await LiveClient.connect({ companyIds: [] });
    expect(catalogue.view.companies.get(soon)?.free).toBe(6);

    expect((await api("PATCH", "/admin/event", { token: admin.token, body: { bookingCutoffMinutes: 60 } })).status).toBe(200);
    await catalogue.until(() => catalogue.view.companies.get(soon)?.free === 2, "only tomorrow's slot on offer");
    const listed = (await api("GET", "/companies")).body.companies.find((c: { id: string }) => c.id === soon);
    expect(listed.freeSeats, "the cached catalogue counts the same").toBe(2);
    catalogue.close();
  });
});
