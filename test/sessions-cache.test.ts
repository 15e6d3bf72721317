// The revocation cache's bound (worker/lib/sessions.ts): with a TTL set, the isolate that made a
// change honours it at once; a change written elsewhere (another isolate, the CLI) is honoured
// once the cached versions are older than the TTL, never later.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { noteRevoked, sessionCurrent } from "../worker/lib/sessions.ts";
import { createUser } from "./helpers.ts";

const TTL_SECONDS = 1;
const cached = { ...env, SESSION_TTL_SECONDS: String(TTL_SECONDS) } as Env;

describe("the session-version cache", () => {
  it("serves a change made elsewhere only after the TTL, and a change made here at once", async () => {
    const u = await createUser();
    const other = await createUser();
    const session = { ...u, tokenVersion: 0 };
    expect(await sessionCurrent(cached, session)).toBe(true);
    // Written straight into D1, as another isolate or the CLI would: the cached map still says current.
    await env.DB.prepare("UPDATE users SET token_version = 1, sessions_changed_at = ? WHERE id = ?").bind(new Date().toISOString(), u.id).run();
    expect(await sessionCurrent(cached, session)).toBe(true);
    await new Promise((ok) => setTimeout(ok, TTL_SECONDS * 1000 + 50));
    expect(await sessionCurrent(cached, session)).toBe(false);
    expect(await sessionCurrent(cached, { ...u, tokenVersion: 1 })).toBe(true);
    // This isolate's own change: at once, whatever the cache holds.
    noteRevoked(other.id, 1);
    expect(await sessionCurrent(cached, { ...other, tokenVersion: 0 })).toBe(false);
  });
});
