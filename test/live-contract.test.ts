// GET /api/live as issue #14's binding contract says: a WebSocket, anonymous, JSON text frames;
// subscribe → snapshot with seq → a seat message for every change; unknown messages ignored;
// 503 + Retry-After past the event's socket ceiling; 426 for a plain GET; a browser's upgrade
// passes #11's request guards (the write guard concerns writes only).
import { describe, expect, it } from "vitest";
import { COOKIE } from "../worker/lib/jwt.ts";
import { api, createCompany, createEvent, createSlots, createUser, updateEvent } from "./helpers.ts";
import { LiveClient, openLive, waitFor } from "./live-client.ts";

async function setup() {
  const eventId = await createEvent({ phase: 1 });
  const a = await createCompany(eventId);
  const b = await createCompany(eventId);
  const slotsA = await createSlots(eventId, a, 3);
  const slotsB = await createSlots(eventId, b, 2, { capacity: 3 });
  return { eventId, a, b, slotsA, slotsB };
}

describe("GET /api/live", () => {
  it("a plain GET is refused with 426 upgrade_required in the contract's error shape", async () => {
    await setup();
    const r = await api("GET", "/live");
    expect(r.status).toBe(426);
    expect(r.body.error.code).toBe("upgrade_required");
  });

  it("subscribing to companies answers a snapshot of their slots with seq, then a seat message for each change", async () => {
    const { a, b, slotsA, slotsB } = await setup();
    const c = await LiveClient.connect({ companyIds: [a] });
    const snap = c.view;
    expect([...snap.slots.values()].map((s) => s.slotId).sort()).toEqual(slotsA.map((s) => s.id).sort());
    expect([...snap.slots.values()].every((s) => s.companyId === a && s.taken === 0 && s.capacity === 2)).toBe(true);
    expect(snap.companies.get(a)).toEqual({ free: 6, seq: 0 });
    expect(snap.companies.has(b)).toBe(false);
    expect(snap.phase).toMatchObject({ currentPhase: 1, bookingOpen: true });

    const seq0 = c.view.seq;
    const me = await createUser();
    const booked = await api("POST", "/bookings", { token: me.token, body: { slotId: slotsA[1]!.id } });
    expect(booked.status).toBe(201);
    await c.until(() => c.view.slots.get(slotsA[1]!.id)?.taken === 1, "the seat message");
    const afterBook = c.view.companies.get(a)!;
    expect(afterBook.free).toBe(5);
    expect(afterBook.seq).toBeGreaterThan(seq0);
    // Another company's change is not sent to this subscription.
    await api("POST", "/bookings", { token: (await createUser()).token, body: { slotId: slotsB[0]!.id } });
    expect((await api("DELETE", `/bookings/${booked.body.booking.id}`, { token: me.token })).status).toBe(200);
    await c.until(() => c.view.slots.get(slotsA[1]!.id)?.taken === 0, "the cancellation");
    expect(c.view.slots.has(slotsB[0]!.id)).toBe(false);
    expect(c.view.companies.get(a)).toMatchObject({ free: 6 });
    expect(c.gaps + c.stale).toBe(0);
    c.close();
  });

  it("the seat message carries slotId, companyId, taken, capacity and seq after the snapshot's seq", async () => {
    const { a, slotsA } = await setup();
    const r = await openLive();
    if (!("ws" in r)) throw new Error(`status ${r.status}`);
    const frames: any[] = [];
    r.ws.addEventListener("message", (e) => frames.push(JSON.parse(e.data as string)));
    r.ws.send(JSON.stringify({ type: "subscribe", companyIds: [a] }));
    await waitFor(() => frames.length > 0, "the snapshot");
    const snapshot = frames[0];
    expect(snapshot).toMatchObject({ type: "snapshot", seq: expect.any(Number), slots: expect.any(Array), companies: [{ companyId: a, free: 6 }] });
    expect(snapshot.slots[0]).toEqual({ slotId: expect.any(String), companyId: a, taken: 0, capacity: 2 });
    await api("POST", "/bookings", { token: (await createUser()).token, body: { slotId: slotsA[0]!.id } });
    await waitFor(() => frames.length > 1, "the seat message");
    expect(frames[1]).toMatchObject({ type: "seat", slotId: slotsA[0]!.id, companyId: a, taken: 1, capacity: 2, free: 5 });
    expect(frames[1].seq).toBeGreaterThan(snapshot.seq);
    r.ws.close();
  });

  it("an empty list subscribes to the catalogue: every company's free seats, then their changes", async () => {
    const { a, b, slotsB } = await setup();
    const c = await LiveClient.connect({ companyIds: [] });
    expect(c.view.slots.size).toBe(0);
    expect(Object.fromEntries([...c.view.companies].map(([id, x]) => [id, x.free]))).toEqual({ [a]: 6, [b]: 6 });
    await api("POST", "/bookings", { token: (await createUser()).token, body: { slotId: slotsB[1]!.id } });
    await c.until(() => c.view.companies.get(b)?.free === 5, "the catalogue's total");
    c.close();
  });

  it("ignores unknown and malformed messages: the socket stays open and a valid subscribe still works", async () => {
    const { a } = await setup();
    const r = await openLive();
    if (!("ws" in r)) throw new Error(`status ${r.status}`);
    const frames: any[] = [];
    let closed = false;
    r.ws.addEventListener("message", (e) => frames.push(JSON.parse(e.data as string)));
    r.ws.addEventListener("close", () => (closed = true));
    for (const junk of ["not json", "{}", '{"type":"hello"}', '{"type":"subscribe"}', '{"type":"subscribe","companyIds":["x"]}', '{"type":"subscribe","companyIds":[],"extra":1}', "[1,2]"]) r.ws.send(junk);
    r.ws.send(JSON.stringify({ type: "subscribe", companyIds: [a] }));
    await waitFor(() => frames.length > 0, "the snapshot");
    expect(frames).toHaveLength(1);
    expect(frames[0].type).toBe("snapshot");
    expect(closed).toBe(false);
    r.ws.close();
  });

  it("a browser's upgrade from the site, with its session cookie and fetch metadata, passes the request guards and opens; writes to the path are still guarded", async () => {
    const { a } = await setup();
    const me = await createUser();
    const browser = { Origin: "http://127.0.0.1", "Sec-Fetch-Site": "same-origin", "Sec-Fetch-Mode": "websocket", Cookie: `${COOKIE}=${me.token}` };
    const r = await openLive(browser);
    if (!("ws" in r)) throw new Error(`upgrade refused: ${r.status} ${JSON.stringify(r.body)}`);
    const frames: any[] = [];
    r.ws.addEventListener("message", (e) => frames.push(JSON.parse(e.data as string)));
    r.ws.send(JSON.stringify({ type: "subscribe", companyIds: [a] }));
    await waitFor(() => frames.length > 0, "the snapshot");
    expect(frames[0].type).toBe("snapshot");
    r.ws.close();
    const forged = await api("POST", "/live", { headers: { Origin: "https://evil.example", Cookie: `${COOKIE}=${me.token}` }, body: {} });
    expect([forged.status, forged.body.error.code]).toEqual([403, "cross_origin"]);
    const wrongType = await api("POST", "/live", { token: me.token, raw: "x", headers: { "content-type": "text/plain" } });
    expect([wrongType.status, wrongType.body.error.code]).toEqual([415, "unsupported_media_type"]);
  });

  it("past the event's socket ceiling (D1 configuration) the upgrade answers 503 with Retry-After; the count reaches the monitor", async () => {
    const { eventId } = await setup();
    await updateEvent(eventId, { live_max_sockets: 2 });
    const monitor = await LiveClient.connect({ companyIds: [], stats: true });
    const other = await LiveClient.connect({ companyIds: [] });
    const third = await openLive();
    expect("status" in third && third.status).toBe(503);
    if (!("status" in third)) throw new Error("upgraded past the ceiling");
    expect(third.body.error.code).toBe("unavailable");
    expect(Number(third.headers.get("retry-after"))).toBeGreaterThan(0);
    await monitor.until(() => monitor.other.some((m) => m.type === "stats" && m.sockets === 2 && m.ceiling === 2), "the socket count");
    other.close();
    await monitor.until(() => monitor.other.some((m) => m.type === "stats" && m.sockets === 1), "the count after a close");
    expect("ws" in (await openLive())).toBe(true);
    monitor.close();
  });
});
