// The isolate's cache of the event configuration: fresh within its TTL, served stale while one
// refresh runs (the herd never queues behind D1), served stale through a D1 failure for a while,
// a 503 (not a 500) when there is nothing to serve, and unknown slot ids cannot make it reload
// more than once a second.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { makeDb } from "../worker/db/client.ts";
import { ApiError } from "../worker/lib/errors.ts";
import { UNKNOWN_SLOT_RELOAD_MS, eventContext, findSlot, invalidateEventContext } from "../worker/lib/event-context.ts";
import { createCompany, createEvent, createSlots, updateEvent } from "./helpers.ts";

const broken = makeDb({
  prepare() {
    throw new Error("D1_ERROR: injected outage");
  },
  batch() {
    throw new Error("D1_ERROR: injected outage");
  },
} as unknown as D1Database);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

afterEach(() => invalidateEventContext());

describe("the event context cache", () => {
  it("serves the cached context within its TTL, then the first request past it refreshes", async () => {
    const eventId = await createEvent();
    const db = makeDb(env.DB);
    invalidateEventContext();
    const first = await eventContext(db, 50);
    expect(first?.event.id).toBe(eventId);
    await updateEvent(eventId, { name: "Renamed" });
    expect((await eventContext(db, 50))?.event.name).not.toBe("Renamed"); // within the TTL
    await sleep(60);
    // Past the TTL: one request refreshes; the others, meanwhile, get the cached context at once.
    const [refreshed, meanwhile] = await Promise.all([eventContext(db, 50), eventContext(db, 50)]);
    expect(refreshed?.event.name).toBe("Renamed");
    expect(meanwhile).toBe(first);
    expect((await eventContext(db, 50))?.event.name).toBe("Renamed");
  });

  it("keeps serving the last context while D1 fails, and answers 503 when it has none", async () => {
    await createEvent();
    invalidateEventContext();
    const ok = await eventContext(makeDb(env.DB), 10);
    await sleep(20);
    expect(await eventContext(broken, 10)).toBe(ok);
    invalidateEventContext();
    const err = await eventContext(broken, 10).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe("unavailable");
  });

  it("with a TTL of 0 it always reads D1 (what the tests and a paranoid deployment use)", async () => {
    const eventId = await createEvent();
    const db = makeDb(env.DB);
    await eventContext(db, 0);
    await updateEvent(eventId, { name: "Fresh" });
    expect((await eventContext(db, 0))?.event.name).toBe("Fresh");
  });
});

describe("unknown slot ids", () => {
  it("reload the context at most once per UNKNOWN_SLOT_RELOAD_MS however many are asked, and a new slot is still found", async () => {
    const eventId = await createEvent();
    const companyId = await createCompany(eventId);
    let loads = 0;
    const counting = makeDb({
      prepare: (q: string) => env.DB.prepare(q),
      batch: (s: D1PreparedStatement[]) => {
        loads++;
        return env.DB.batch(s);
      },
    } as unknown as D1Database);
    invalidateEventContext();
    await eventContext(counting, 60_000);
    expect(loads).toBe(1);
    await sleep(300);
    const made = await Promise.all(Array.from({ length: 200 }, () => findSlot(counting, 60_000, crypto.randomUUID())));
    expect(made.every((f) => f === null)).toBe(true);
    expect(loads, "one reload for 200 unknown ids").toBe(2);
    // A slot created since: found once the window has passed.
    const [fresh] = await createSlots(eventId, companyId, 1);
    await sleep(UNKNOWN_SLOT_RELOAD_MS + 300);
    expect((await findSlot(counting, 60_000, fresh!.id))?.slot.id).toBe(fresh!.id);
    expect(loads).toBe(3);
  });
});

describe("IsolateCache", () => {
  it("one request reloads past the TTL while the others get the current value; a failed reload serves it stale", async () => {
    const { IsolateCache } = await import("../worker/lib/isolate-cache.ts");
    const cache = new IsolateCache<number>(1000);
    let loads = 0;
    const load = async () => {
      loads++;
      await sleep(5);
      return loads;
    };
    expect(await cache.get(20, load)).toBe(1);
    expect(await cache.get(20, load)).toBe(1);
    await sleep(30);
    expect(await Promise.all([cache.get(20, load), cache.get(20, load), cache.get(20, load)])).toEqual([2, 1, 1]);
    await sleep(30);
    const stale: unknown[] = [];
    expect(await cache.get(20, () => Promise.reject(new Error("down")), (e) => stale.push(e))).toBe(2);
    expect(stale).toHaveLength(1);
    cache.invalidate();
    await expect(cache.get(20, () => Promise.reject(new Error("down")))).rejects.toThrow("down");
  });
});
