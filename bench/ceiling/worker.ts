// The runtime's ceiling (issue #10): the least a booking can cost on this runtime, measured in
// the same workerd, from the same load process over the same connections as the app. HTTP → the
// app's own JWT check → a Durable Object per student → a Durable Object per slot, each doing one
// SQLite insert, → a JSON answer. No rules, no outbox, no D1: ours ÷ this is what our code costs.
// Bench-only; bundled by wrangler from bench/ceiling/wrangler.toml, never part of the app.
import { DurableObject } from "cloudflare:workers";
import { KeepWarm } from "../../durable-objects/keep-warm.ts";
import { readSession } from "../../worker/lib/jwt.ts";
import { nameHash } from "../../worker/lib/objects.ts";

interface CeilingEnv {
  JWT_SECRET: string;
  CEILING_STUDENT: DurableObjectNamespace<CeilingStudent>;
  CEILING_SLOT: DurableObjectNamespace<CeilingSlot>;
}

abstract class OneTable extends DurableObject<CeilingEnv> {
  protected readonly sql: SqlStorage;
  /** Kept in memory while called, as the app's objects are (durable-objects/keep-warm.ts): the same runtime technique on both sides. */
  protected readonly warm = new KeepWarm(60_000);
  constructor(ctx: DurableObjectState, env: CeilingEnv) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    ctx.blockConcurrencyWhile(async () => {
      this.sql.exec("CREATE TABLE IF NOT EXISTS rows (id TEXT PRIMARY KEY, other TEXT NOT NULL, at INTEGER NOT NULL)");
    });
  }

  /** The app's GET /api/bookings/ready: the object is created (its table with it) and kept warm before the herd. */
  ready(): void {
    this.warm.touch();
  }

  protected insert(id: string, other: string): void {
    this.warm.touch();
    this.sql.exec("INSERT INTO rows (id, other, at) VALUES (?, ?, ?)", id, other, Date.now());
  }
}

export class CeilingSlot extends OneTable {
  take(id: string, studentId: string): { ok: true } {
    this.insert(id, studentId);
    return { ok: true };
  }
}

export class CeilingStudent extends OneTable {
  async book(target: string): Promise<{ id: string; target: string }> {
    const id = crypto.randomUUID();
    this.insert(id, target);
    await this.env.CEILING_SLOT.getByName(target).take(id, this.ctx.id.toString());
    return { id, target };
  }
}

/** The bench's event has 960 slots. */
const PATH_OBJECTS = 960;

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const header = request.headers.get("authorization");
    const user = header?.startsWith("Bearer ") ? await readSession(header.slice(7), env.JWT_SECRET) : null;
    if (header && !user) return Response.json({ error: { code: "unauthenticated" } }, { status: 401 });
    if (user && request.method === "GET" && url.pathname === "/api/bookings/ready") {
      // As the app: the student's object, and one slot's (the app picks it at random; the bench names one, random too).
      const slot = url.searchParams.get("slot");
      await Promise.all([env.CEILING_STUDENT.getByName(user.id).ready(), slot ? env.CEILING_SLOT.getByName(slot).ready() : undefined]);
      return new Response(null, { status: 204 });
    }
    // The second object: the slot of a booking; else one of as many objects as the app has slots,
    // picked by the path (a cancellation's booking id, a catalogue read): one object per cancelled
    // booking would open thousands of SQLite files the app never opens (kept warm, they ran this
    // process out of file descriptors).
    let target = `path:${nameHash(url.pathname) % PATH_OBJECTS}`;
    if (request.method === "POST") target = ((await request.json()) as { slotId?: string }).slotId ?? target;
    const booking = await env.CEILING_STUDENT.getByName(user?.id ?? url.pathname).book(target);
    return Response.json({ booking }, { status: request.method === "POST" ? 201 : 200 });
  },
} satisfies ExportedHandler<CeilingEnv>;
