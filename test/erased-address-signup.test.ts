// An erased student's address does not escape the deprioritized list: the list keeps a salted
// hash of it (cli/lib/erasure.ts), and the same address signing up again is flagged, put back on
// the list, and refused in phase 1 like before. Other addresses are not affected.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { hashErasedAddress, newSalt } from "../worker/lib/erased-address.ts";
import { api, createCompany, createEvent, createSlots, signUp } from "./helpers.ts";

const ERASED = "returning.student@example.test";
let eventId: string;
let slotId: string;

beforeAll(async () => {
  eventId = await createEvent({ phase: 1 });
  slotId = (await createSlots(eventId, await createCompany(eventId), 1))[0]!.id;
  // What `erase` leaves on the list, with a second erased address beside it.
  for (const address of [ERASED, "someone.erased@example.test"]) {
    const salt = newSalt();
    await env.DB.prepare("INSERT INTO deprioritized_erased (event_id, salt, email_hash) VALUES (?, ?, ?)").bind(eventId, salt, await hashErasedAddress(salt, address)).run();
  }
});

/** Signed up and verified through the inbox, as a person would. */
const signup = (email: string) => signUp({ email, password: "a long passphrase", fullName: "Back Again", role: "student" });
const listed = async () => (await env.DB.prepare("SELECT email FROM deprioritized_emails WHERE event_id = ?").bind(eventId).all<{ email: string }>()).results.map((r) => r.email);

describe("an erased address signing up again", () => {
  it("is deprioritized again, back on the list, and refused in phase 1", async () => {
    const r = await signup(ERASED.toUpperCase());
    expect(r.user.deprioritized).toBe(true);
    expect(await listed()).toEqual([ERASED]);
    const b = await api("POST", "/bookings", { token: r.token, body: { slotId } });
    expect(b.status).toBe(409);
    expect(b.body.error.code).toBe("phase_gate");
  });

  it("leaves any other address alone", async () => {
    const r = await signup(`fresh-${crypto.randomUUID().slice(0, 6)}@example.test`);
    expect(r.user.deprioritized).toBe(false);
    expect((await api("POST", "/bookings", { token: r.token, body: { slotId } })).status).toBe(201);
    expect(await listed()).toEqual([ERASED]);
  });
});
