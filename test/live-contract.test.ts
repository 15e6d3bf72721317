import { describe, expect, it } from "vitest";
import { api, createCompany, createEvent, createSlots, createUser } from "./helpers.ts";
import { LiveClient } from "./live-client.ts";

describe("GET /api/live", () => {
  it("smoke", async () => {
    const eventId = await createEvent({ phase: 1 });
    const companyId = await createCompany(eventId);
    const slots = await createSlots(eventId, companyId, 3);
    const c = await LiveClient.connect({ companyIds: [companyId] });
    console.log(JSON.stringify([...c.view.slots.values()]), JSON.stringify([...c.view.companies.entries()]), c.view.phase);
    const me = await createUser();
    const r = await api("POST", "/bookings", { token: me.token, body: { slotId: slots[0]!.id } });
    expect(r.status).toBe(201);
    await c.until(() => c.view.slots.get(slots[0]!.id)?.taken === 1, "seat");
    console.log(c.delays, c.gaps, c.stale);
    c.close();
  });
});
